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
    # (batch, temperature, alpha): one example, a high temperature, a temperature between 1 and the public ones
    # (not T < 1: there softmax(t/T) has entries below 1e-7, where keras.losses.KLDivergence's clipping, which
    # an honest answer may use, differs from the exact loss)
    "17.distillation_loss": [(1, 1.0, 0.0), (4, 20.0, 0.9), (2, 1.5, 0.5)],
    # (q shape, k shape, d_v): a single key (weights all 1), d_k = 1
    "18.self_attention": [((1, 1, 4), (1, 1, 4), 1), ((2, 3, 1), (2, 4, 1), 2)],
    # kernel shapes: a dense layer with one input or one output, a 1x1 conv with one input channel, a 7x3 kernel
    # (each has >= 9,000 weights, so the variance test stays far from its tolerance)
    "07.he_init": [(1, 12000), (12000, 1), (1, 1, 1, 9000), (7, 3, 5, 100)],
    # (peak_lr, warmup_steps, decay_steps, floor_lr): one-step warm-up and decay, floor = peak (flat), a tiny rate
    "07.cosine_schedule": [(0.5, 1, 1, 0.0), (2.0, 3, 2, 1.0), (0.3, 0, 1000, 0.3), (1e-4, 500, 7, 0.0)],
    # (image shape, dtype): a wide float64 image, a single-channel uint8 image, 4 channels
    "09.random_translate": [((5, 17), "float64"), ((8, 8, 1), "uint8"), ((4, 6, 4), "float32")],
    # (rows, classes, k, Dirichlet concentration): two classes, k = all classes, 1000 classes as ImageNet
    "12.top_k": [(1, 2, 1, 1.0), (4, 6, 6, 0.5), (2, 1000, 5, 0.3)],
    # (n_blocks, model frozen before the call): one block, every block, three from a frozen model
    "12.freeze_base": [(1, True), (16, False), (3, True)],
    # (model seed, layer, images): one image, two images at the first conv
    "13.grad_cam": [(15, "last_conv", 1), (16, "conv1", 2)],
    # (model seed, images)
    "13.saliency": [(23, 1)],
    # (name, boxes a, boxes b), boxes as [y1, x1, y2, x2] lists or a count of random boxes
    "14.iou": [("identical boxes", [[1, 2, 5, 9]], [[1, 2, 5, 9]]),
               ("a thin box crossing a wide one", [[0, 4, 20, 6]], [[9, 0, 11, 30], [0, 4, 20, 5]]),
               ("boxes sharing only a corner", [[0, 0, 4, 4]], [[4, 4, 8, 8]]), ("random boxes (1 x 40)", 1, 40)],
    # (boxes, iou_threshold): threshold 0 (any overlap suppresses), nothing suppressed, 2 boxes
    "14.nms": [(25, 0.0), (40, 1.0), (2, 0.5), (50, 0.95)],
    # (classes, mask shape): one class, one pixel, 30 classes on 20 pixels (most classes absent: nan)
    "14.per_class_iou": [(1, (1, 3, 3)), (2, (1, 1, 1)), (30, (1, 5, 4))],
    # IoU thresholds of more random cases: lenient, strict, almost no true positives
    "14.average_precision": [0.3, 0.9, 0.99],
    # batch sizes of random MNIST digits
    "16.hog_features": [2, 17],
    # (train examples, test examples, features): 1-NN on 5 training points, 10 features
    "16.evaluate_classifier": [(5, 80, 2), (400, 60, 10)],
    # (shape, sparsity): one weight kept / pruned, all pruned, a 1x1 conv, few weights
    "17.magnitude_prune": [((1,), 0.0), ((1,), 1.0), ((7, 1, 1, 3), 1.0), ((2, 5), 0.13), ((3, 3, 2, 2), 0.6)],
    # (rows, columns, rank): a 1x1 kernel, one row, one column, full rank of a tall kernel
    "17.low_rank_dense": [(1, 1, 1), (1, 9, 1), (9, 1, 1), (30, 7, 7)],
    # (x_min, x_max, dtype): a tiny range, all negative to int8, exactly 0..255, a huge positive range
    "17.quant_params": [(-1e-3, 3e-3, "int8"), (-100.0, 0.0, "int8"), (0.0, 255.0, "uint8"), (-0.2, 1000.0, "uint8")],
    # (pool, classes, sharpness, threshold, max_per_class): one image of 2 classes at threshold 0,
    # flat probabilities (nothing selected), a cap of 1 on 2 classes
    "18.pseudo_label_select": [(1, 2, 3.0, 0.0, None), (30, 4, 0.1, 0.99, 3), (100, 2, 5.0, 0.6, 1)],
    # (images, size, classes, epsilon): one 3x3 image of two classes, a larger batch of 12x12 images
    "18.fgsm": [(1, 3, 2, 0.05), (3, 12, 7, 0.2)],
}
