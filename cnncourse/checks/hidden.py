"""Hidden checker cases: used only where grading runs, never shipped (``cnncourse release`` leaves this file out).

Keyed by exercise id (``id:part`` where one checker has two case lists); each list has the same
form as the public cases of that checker (see :func:`cnncourse.checks.expect.hidden_cases`).
Random values are drawn from the grading run's secret seed, so only shapes and settings are
written here: the inputs a learner's own check cell never shows (odd shapes, one-element and
whole-input windows, ties, extreme values).
"""
HIDDEN_CASES = {
    # (n_in, n_out, use_bias) / (kernel_size, c_in, c_out, use_bias): 1-unit layers, no bias, odd kernels
    "01.layer_param_counts:dense": [(1, 1, False), (4096, 4096, True), (10, 3, False)],
    "01.layer_param_counts:conv": [((1, 5), 7, 3, True), (11, 3, 96, True), ((2, 2), 1, 1, False)],
    # (N, H, W, C_in, KH, KW, C_out, stride, pad): non-square kernels, stride > kernel, pad > 1, 1-pixel outputs
    "02.conv2d_forward": [(2, 8, 5, 3, 2, 3, 2, 3, 1), (1, 5, 5, 2, 5, 5, 3, 1, 0), (2, 9, 9, 1, 3, 3, 1, 2, 3),
                          (1, 12, 6, 5, 4, 2, 3, 4, 0)],
    # [(kernel, stride), ...] stacks
    "02.receptive_field_sizes": [[(2, 2), (2, 2), (2, 2)], [(3, 2), (1, 1), (7, 3)], [(4, 1), (4, 4), (3, 2), (1, 1)]],
    # (N, H, W, C, size, stride), used by max_pool_forward and max_pool_backward: one window covering the whole
    # input, stride > size (pixels no window sees), a window as tall as the input (size 1 is left out: there max
    # and average pooling agree, which the checker reports as an average)
    "03.max_pool_forward": [(1, 5, 11, 1, 5, 1), (2, 4, 4, 2, 4, None), (1, 9, 7, 3, 2, 3), (1, 3, 8, 2, 3, 1)],
    # extra points x: next to the kink on both sides, far in the saturated tails
    "04.activation_grads": [-60.0, -1e-7, 1e-7, 7.5, 60.0],
    # (batch, classes, logit scale): one example of two classes, a single class, huge logits over 50 classes
    "04.stable_softmax_cross_entropy": [(1, 2, 1.0), (4, 1, 5.0), (3, 50, 300.0)],
    # (x shape, w shape, stride, pad): a 1x1 output, a 1x1 kernel with stride 2, stride 3 with pad 2
    "05.conv2d_backward": [((1, 3, 3, 1), (3, 3, 1, 2), 1, 0), ((2, 6, 5, 2), (1, 1, 2, 3), 2, 0),
                           ((1, 5, 5, 1), (2, 3, 1, 1), 3, 2)],
    # (x shape, size, stride): one whole-input window, gaps (stride > size), heavy overlap, size 1
    "05.avg_pool_backward": [((1, 3, 3, 1), 3, None), ((2, 7, 7, 2), 2, 3), ((1, 4, 9, 1), 4, 1), ((1, 5, 5, 1), 1, None)],
    # (learning rate, momentum)
    "06.momentum_update": [(0.01, 0.99), (1.0, 0.9), (0.2, 0.1)],
    # (val_loss curve, patience, min_delta): a flat curve (every epoch ties), one that never stops, a single epoch
    "08.early_stopping_epoch": [([0.5, 0.5, 0.5, 0.5, 0.5], 1, 0.0), ([1.0, 0.9, 0.8, 0.7, 0.6], 1, 0.0), ([1.0], 1, 0.0),
                                ([0.9, 1.0, 0.95, 0.89, 0.885, 0.95, 0.96], 2, 0.005)],
    # (input_hw, c_in, c_out, kernel, stride, padding): a kernel as large as the input, stride > kernel, 1x1 'same'
    "10.conv_flops": [((5, 5), 2, 3, 5, 1, "valid"), ((11, 8), 4, 4, 2, 3, "same"), ((1, 1), 7, 5, 1, 1, "same")],
    # (kernel, c_in, c_out, depth_multiplier, use_bias)
    "11.separable_params": [(1, 3, 8, 1, True), (7, 1, 1, 2, False), (5, 64, 128, 3, True)],
    # (N, L, C_in, K, C_out, stride): one output step, a 1-wide kernel with stride 4, stride > kernel
    "15.conv1d_forward": [(1, 5, 1, 5, 1, 1), (2, 9, 3, 1, 2, 4), (1, 11, 2, 3, 3, 5)],
    # (signal shape, frame_length, frame_step): exactly one frame, a step that leaves a tail unused
    "15.spectrogram": [((32,), 32, 4), ((31,), 8, 30), ((2, 45), 10, 5)],
    # (batch, temperature, alpha): one example, a high temperature, T < 1
    "17.distillation_loss": [(1, 1.0, 0.0), (4, 20.0, 0.9), (2, 0.5, 0.5)],
    # (q shape, k shape, d_v): a single key (weights all 1), d_k = 1
    "18.self_attention": [((1, 1, 4), (1, 1, 4), 1), ((2, 3, 1), (2, 4, 1), 2)],
}
