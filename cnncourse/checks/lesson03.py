"""Checkers of lesson 03 (pooling): max pooling forward and backward in NumPy, against TensorFlow."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_shape, hidden_cases
from cnncourse.checks.registry import exercise

# (N, H, W, C, size, stride); stride None means stride = size
POOL_CASES = [(2, 8, 8, 3, 2, None), (1, 7, 9, 2, 2, None), (2, 9, 9, 1, 3, 2), (1, 6, 10, 4, 3, 3),
              (3, 5, 5, 2, 2, 1)]


def _inputs(seed):
    rng = case_rng(seed)
    for n, h, w, c, size, stride in POOL_CASES + hidden_cases("03.max_pool_forward"):  # both pooling checks
        yield rng.standard_normal((n, h, w, c)), size, stride


def _tied_inputs(seed):
    """Inputs of small integers, so windows often hold their maximum at several positions."""
    rng = case_rng(seed)
    for size, stride in ((2, None), (3, 2), (2, 1)):
        yield rng.integers(0, 3, size=(2, 7, 7, 2)).astype(np.float64), size, stride


def tf_max_pool(x, size, stride=None):
    import tensorflow as tf

    return tf.nn.max_pool2d(tf.constant(x), size, stride or size, "VALID").numpy()


def tf_max_pool_grad(x, dout, size, stride=None):
    """d/dx of sum(max_pool(x) * dout): the gradient TensorFlow backpropagates through max pooling."""
    import tensorflow as tf

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(tf.nn.max_pool2d(xt, size, stride or size, "VALID") * dout)
    return tape.gradient(loss, xt).numpy()


@exercise("03.max_pool_forward", points=1, title="max pooling forward pass in NumPy")
def max_pool_forward(student_fn):
    """``student_fn(x, size, stride)`` must equal ``tf.nn.max_pool2d(..., 'VALID')`` on hidden cases."""
    import tensorflow as tf

    for x, size, stride in _inputs(3):
        out = student_fn(x, size=size, stride=stride)
        out = out[0] if isinstance(out, tuple) else out
        want = tf_max_pool(x, size, stride)
        where = f"x {x.shape}, size={size}, stride={stride}"
        expect_shape(out, want.shape, f"output for {where}")
        avg = tf.nn.avg_pool2d(x, size, stride or size, "VALID").numpy()
        if np.allclose(out, avg):
            raise AssertionError(f"for {where} you computed an average; max pooling keeps each window's maximum")
        expect_close(out, want, f"output for {where}", hint="the window of output (r, c) is "
                     "x[:, r*stride : r*stride+size, c*stride : c*stride+size, :]; take its max over the two "
                     "spatial axes, per channel (stride defaults to size when None)")
    return f"{len(POOL_CASES)} hidden cases match tf.nn.max_pool2d"


@exercise("03.max_pool_backward", points=2, title="max pooling backward pass in NumPy")
def max_pool_backward(student_fn):
    """``student_fn(x, dout, size, stride)`` must equal TensorFlow's gradient on hidden cases."""
    rng = case_rng(4)
    for x, size, stride in _inputs(5):
        dout = rng.standard_normal(tf_max_pool(x, size, stride).shape)
        dx = student_fn(x, dout, size=size, stride=stride)
        want = tf_max_pool_grad(x, dout, size, stride)
        where = f"x {x.shape}, size={size}, stride={stride}"
        overlap = (stride or size) < size
        expect_close(dx, want, f"dx for {where}", hint="each window sends its upstream gradient to the one input "
                     "position that held its maximum; all other positions get 0"
                     + ("; windows overlap here, so a position that is the max of two windows gets both "
                        "gradients: accumulate with +=, do not overwrite" if overlap else ""))
    for x, size, stride in _tied_inputs(6):
        dout = rng.standard_normal(tf_max_pool(x, size, stride).shape)
        dx = student_fn(x, dout, size=size, stride=stride)
        expect_close(dx, tf_max_pool_grad(x, dout, size, stride),
                     f"dx with tied maxima (x of small integers {x.shape}, size={size}, stride={stride})",
                     hint="when several positions tie for a window's maximum, only the FIRST of them in row-major "
                          "order gets the gradient (what np.argmax over the flattened window picks, and what "
                          "TensorFlow does); the other tied positions get 0 -- do not send it to all, do not split it")
    return f"{len(POOL_CASES)} hidden cases (incl. overlapping windows) match tf.GradientTape"
