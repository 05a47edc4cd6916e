"""Checkers of lesson 02 (convolution): a NumPy conv2d forward pass and the receptive-field formula."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise
from cnncourse.analysis.receptive_field import receptive_field as _receptive_field

# (N, H, W, C_in, KH, KW, C_out, stride, pad)
CONV_CASES = [(2, 7, 7, 3, 3, 3, 4, 1, 0), (1, 9, 8, 2, 3, 2, 3, 2, 1), (3, 6, 6, 1, 5, 5, 2, 1, 2),
              (2, 10, 7, 4, 1, 1, 5, 3, 0), (1, 11, 11, 3, 4, 4, 2, 2, 2)]


def tf_conv2d(x, w, b, stride=1, pad=0):
    """The reference: zero-pad, then ``tf.nn.conv2d`` (a cross-correlation) plus the bias."""
    import tensorflow as tf

    xp = tf.pad(tf.constant(x), [[0, 0], [pad, pad], [pad, pad], [0, 0]])
    return (tf.nn.conv2d(xp, tf.constant(w), strides=stride, padding="VALID") + b).numpy()


@exercise("02.conv2d_forward", points=2, title="conv2d forward pass in NumPy (NHWC, HWIO, stride, pad)")
def conv2d_forward(student_fn):
    """``student_fn(x, w, b, stride, pad)`` must equal ``tf.nn.conv2d`` on hidden random shapes."""
    rng = case_rng(2024)
    for n, h, wd, c, kh, kw, co, stride, pad in CONV_CASES + hidden_cases("02.conv2d_forward"):
        x, w, b = rng.standard_normal((n, h, wd, c)), rng.standard_normal((kh, kw, c, co)), rng.standard_normal(co)
        out = student_fn(x, w, b, stride=stride, pad=pad)
        out = out[0] if isinstance(out, tuple) else out
        want = tf_conv2d(x, w, b, stride, pad)
        where = f"x {x.shape}, w {w.shape}, stride={stride}, pad={pad}"
        expect_shape(out, want.shape, f"output for {where}")
        flipped = tf_conv2d(x, w[::-1, ::-1], b, stride, pad)
        if kh * kw > 1 and np.allclose(out, flipped, atol=1e-6):
            raise AssertionError(f"for {where} you computed a true convolution (kernel flipped). "
                                 "Keras/TF layers compute a cross-correlation: do not flip the kernel.")
        # float32 precision is fine (a learner may well allocate `out` as float32); wrong answers are off by O(1)
        expect_close(out, want, f"output for {where}", rtol=1e-5, atol=1e-5,
                     hint="each output is sum(window * w[:, :, :, f]) + b[f], where the window starts at "
                          "(row*stride, col*stride) of the zero-padded input and spans all input channels")
    return f"{len(CONV_CASES)} hidden cases match tf.nn.conv2d"


RF_CASES = [[(3, 1), (3, 1), (3, 1)], [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)], [(7, 2), (3, 2), (3, 1), (3, 1)],
            [(5, 1)], [(1, 1), (3, 3), (5, 1)], [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1)]]


@exercise("02.receptive_field_sizes", points=1, title="receptive field of each layer of a stack")
def receptive_field_sizes(student_fn):
    """``student_fn([(kernel, stride), ...])`` must return the receptive field (in input pixels) after each layer."""
    for layers in RF_CASES + hidden_cases("02.receptive_field_sizes"):
        got = [int(r) for r in student_fn(layers)]
        want = [r for r, _ in _receptive_field(layers)]
        expect_true(len(got) == len(want), f"for layers {layers} you returned {len(got)} sizes, expected one per layer ({len(want)})")
        expect_true(got == want, f"for layers {layers} you returned {got}, expected {want}. Hint: a k x k kernel adds "
                    "(k - 1) units of the previous layer, and one unit there is `jump` input pixels apart, where "
                    "jump is the product of all earlier strides.")
    return f"{len(RF_CASES)} hidden stacks (with strides and pooling) match the formula"
