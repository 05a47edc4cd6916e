"""Checkers for lesson 05 (backpropagation through a conv net)."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import expect_close, expect_true
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

    rng = np.random.default_rng(505)
    cases = [((1, 4, 4, 1), (2, 2, 1, 1), 1, 0), ((2, 5, 5, 3), (3, 3, 3, 4), 1, 1),
             ((2, 7, 6, 2), (3, 3, 2, 3), 2, 1), ((1, 6, 6, 2), (2, 2, 2, 2), 2, 0)]
    for xs, ws, stride, pad in cases:
        x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[3])
        ho, wo = output_size(xs[1], ws[0], stride, pad), output_size(xs[2], ws[1], stride, pad)
        dout = rng.normal(size=(xs[0], ho, wo, ws[3]))
        out = student_fn(dout, x.copy(), w.copy(), stride=stride, pad=pad)
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


@exercise("05.train_step", points=3)
def numpy_train_step(student_fn):
    """one full NumPy training step of the tiny conv net (forward, loss, backward, update)"""
    from cnncourse import tinynet
    from cnncourse.data import load_digits

    x, y = load_digits()
    x = (x / 16.0)[..., None].astype(np.float64)
    rng = np.random.default_rng(55)
    idx = rng.choice(len(x), 64, replace=False)
    xb, yb = x[idx], y[idx]
    params = tinynet.init_params(filters=4, seed=7)
    ref_loss, ref_params = tinynet.train_step(params, xb, yb, lr=0.1)
    snapshot = {k: v.copy() for k, v in params.items()}
    out = student_fn({k: v.copy() for k, v in params.items()}, xb, yb, 0.1)
    expect_true(isinstance(out, tuple) and len(out) == 2, "return the tuple (loss, new_params)")
    loss, new = out
    expect_close(loss, ref_loss, "loss", hint="the loss is computed on the forward pass, before the update")
    for k in ("b2", "w2", "b1", "w1"):
        expect_true(k in new, f"new_params is missing {k!r}")
        expect_close(new[k], ref_params[k], f"updated {k}",
                     hint=f"new {k} = {k} - lr * d loss/d {k}; follow the chain rule back through "
                          "dense -> max pool -> ReLU -> conv", rtol=1e-6, atol=1e-9)
    expect_true(all(np.array_equal(params[k], snapshot[k]) for k in params), "do not modify the input params in place")
    p, losses = new, [loss]
    for _ in range(5):
        l, p = student_fn(p, xb, yb, 0.1)
        losses.append(l)
    expect_true(losses[-1] < losses[0], f"the loss did not decrease over 6 steps: {np.round(losses, 3)}")
    return f"matches the reference update; loss {losses[0]:.3f} -> {losses[-1]:.3f} in 6 steps"
