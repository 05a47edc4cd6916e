"""Checkers for lesson 05 (backpropagation through a conv net)."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import call_keeping_inputs, case_rng, expect_close, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


def _tf_conv_grads(x, w, b, stride, pad, dout):
    import tensorflow as tf

    xt, wt, bt = (tf.constant(a) for a in (x, w, b))
    with tf.GradientTape() as tape:
        tape.watch([xt, wt, bt])
        out = tf.nn.conv2d(xt, wt, strides=stride, padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]) + bt
        s = tf.reduce_sum(out * dout)
    return [g.numpy() for g in tape.gradient(s, [xt, wt, bt])]


@exercise("05.conv2d_backward", points=3)
def conv2d_backward(student_fn):
    """conv2d backward pass (dx, dw, db) in NumPy"""
    from cnncourse.ops import conv2d_forward, gradcheck, output_size

    rng = case_rng(505)
    cases = [((1, 4, 4, 1), (2, 2, 1, 1), 1, 0), ((2, 5, 5, 3), (3, 3, 3, 4), 1, 1),
             ((2, 7, 6, 2), (3, 3, 2, 3), 2, 1), ((1, 6, 6, 2), (2, 2, 2, 2), 2, 0)]
    for xs, ws, stride, pad in cases + hidden_cases("05.conv2d_backward"):
        x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[3])
        ho, wo = output_size(xs[1], ws[0], stride, pad), output_size(xs[2], ws[1], stride, pad)
        dout = rng.normal(size=(xs[0], ho, wo, ws[3]))
        out = call_keeping_inputs(student_fn, (dout.copy(), x.copy(), w.copy()), ("dout", "x", "w"), "conv2d_backward",
                                  stride=stride, pad=pad)
        expect_true(isinstance(out, tuple) and len(out) == 3, "return the tuple (dx, dw, db)")
        dx, dw, db = out
        rdx, rdw, rdb = _tf_conv_grads(x, w, b, stride, pad, dout)
        where = f"x {xs}, w {ws}, stride {stride}, pad {pad}"
        expect_close(db, rdb, f"db ({where})", hint="db sums dout over batch, rows and columns")
        expect_close(dw, rdw, f"dw ({where})",
                     hint="dw[:, :, :, f] accumulates dout[n, r, c, f] * the input window that produced out[n, r, c, f]")
        expect_close(dx, rdx, f"dx ({where})",
                     hint="each dout[n, r, c, f] * w[:, :, :, f] is added back onto the (padded) input window; "
                          "remove the padding at the end")
    # an independent numerical gradient check on the last case
    x, w = rng.normal(size=(1, 5, 5, 2)), rng.normal(size=(3, 3, 2, 2))
    b, dout = rng.normal(size=2), rng.normal(size=(1, 3, 3, 2))
    dx, dw, _ = student_fn(dout, x.copy(), w.copy(), stride=1, pad=0)
    gradcheck(lambda xx: conv2d_forward(xx, w, b)[0], x, dx, dout, tol=1e-6)
    gradcheck(lambda ww: conv2d_forward(x, ww, b)[0], w, dw, dout, tol=1e-6)
    return "4 hidden cases match tf.GradientTape, and gradcheck agrees"


def _tf_avg_pool_grad(x_shape, size, stride, dout):
    import tensorflow as tf

    x = tf.zeros(x_shape, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        s = tf.reduce_sum(tf.nn.avg_pool2d(x, size, stride, "VALID") * dout)
    return tape.gradient(s, x).numpy()


@exercise("05.avg_pool_backward", points=3)
def avg_pool_backward(student_fn):
    """average-pooling backward pass in NumPy, including overlapping windows and sizes that do not divide the input"""
    from cnncourse.ops import output_size

    rng = case_rng(5005)
    cases = [((1, 4, 4, 1), 2, None), ((2, 5, 5, 3), 2, None), ((2, 7, 6, 2), 3, 2), ((1, 5, 7, 2), 2, 1),
             ((2, 6, 6, 1), 3, 3)]
    for x_shape, size, stride in cases + hidden_cases("05.avg_pool_backward"):
        s = stride or size
        ho, wo = output_size(x_shape[1], size, s), output_size(x_shape[2], size, s)
        dout = rng.normal(size=(x_shape[0], ho, wo, x_shape[3]))
        dx = call_keeping_inputs(student_fn, (dout.copy(), x_shape), ("dout", "x_shape"), "avg_pool_backward",
                                 size=size, stride=stride)
        where = f"x shape {x_shape}, size {size}, stride {stride}"
        expect_true(dx is not None and np.shape(dx) == tuple(x_shape),
                    f"dx must have the input's shape {tuple(x_shape)}, got {np.shape(dx)} ({where})")
        ref = _tf_avg_pool_grad(x_shape, size, s, dout)
        hint = ("each output averaged size*size inputs, so each of them receives dout / (size*size); windows start every "
                "`stride` pixels (stride=None means stride=size); where windows overlap the shares add up (+=, not =); "
                "rows/columns no window covers get 0")
        if stride is not None and stride < size:
            hint += " — this case has overlapping windows"
        expect_close(dx, ref, f"dx ({where})", hint=hint)
    return "5 hidden cases (overlapping windows, uncovered borders) match tf.GradientTape through tf.nn.avg_pool2d"
