"""Hidden checker cases: used only where grading runs, never shipped (``cnncourse release`` leaves this file out).

Keyed by exercise id; each list has the same form as the public cases of that checker
(see :func:`cnncourse.checks.expect.hidden_cases`). Values are drawn from the grading
run's secret seed, so only the shapes are written here.
"""
HIDDEN_CASES = {
    # (N, H, W, C_in, KH, KW, C_out, stride, pad): non-square kernels, stride > kernel, pad > 1, 1-pixel outputs
    "02.conv2d_forward": [(2, 8, 5, 3, 2, 3, 2, 3, 1), (1, 5, 5, 2, 5, 5, 3, 1, 0), (2, 9, 9, 1, 3, 3, 1, 2, 3),
                          (1, 12, 6, 5, 4, 2, 3, 4, 0)],
    # [(kernel, stride), ...] stacks
    "02.receptive_field_sizes": [[(2, 2), (2, 2), (2, 2)], [(3, 2), (1, 1), (7, 3)], [(4, 1), (4, 4), (3, 2), (1, 1)]],
}
