"""Figure 2: NumPy conv2d forward+backward (im2col, and naive loops) vs TensorFlow's CPU conv.

Each ratio compares the two implementations on the same shapes, float32, stride 1, 'same'
padding: NumPy ``conv2d_forward`` + ``conv2d_backward`` against ``tf.nn.conv2d`` plus its
gradients (``GradientTape``, inside a ``tf.function``, the way Keras runs it). The naive
loops are timed on a much smaller shape, and TensorFlow is timed again on that shape.
"""
from __future__ import annotations

import contextlib

import numpy as np

from cnncourse.course.bench.figure import Figure
from cnncourse.course.bench.timing import blas_threads, median_seconds, tf_threads

IM2COL_TARGET = 3.0
IM2COL_KEY, NAIVE_KEY = "conv_im2col_ratio", "conv_naive_ratio"


def _arrays(shape, seed: int = 0):
    n, h, w, c_in, c_out, k = shape
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w, c_in), dtype=np.float32)
    kernel = (rng.standard_normal((k, k, c_in, c_out), dtype=np.float32) / np.sqrt(k * k * c_in)).astype(np.float32)
    b = rng.standard_normal(c_out, dtype=np.float32)
    dout = rng.standard_normal((n, h, w, c_out), dtype=np.float32)
    return x, kernel, b, dout


def numpy_step(forward, backward, x, w, b, dout):
    """Forward then backward with one of the NumPy implementations; returns (out, dx, dw, db)."""
    out, cache = forward(x, w, b, stride=1, pad=w.shape[0] // 2)
    return (out, *backward(dout, cache))


def tf_step_fn():
    """A compiled TF forward+backward: ``(x, w, b, dout) -> (out, dx, dw, db)``."""
    import tensorflow as tf

    @tf.function
    def step(x, w, b, dout):
        with tf.GradientTape() as tape:
            tape.watch([x, w, b])
            out = tf.nn.conv2d(x, w, strides=1, padding="SAME") + b
        dx, dw, db = tape.gradient(out, [x, w, b], output_gradients=dout)
        return out, dx, dw, db

    return step


def _compare(forward, backward, shape, repeats: int, step):
    """(numpy seconds, tf seconds, max abs difference of all four outputs) on ``shape``."""
    import tensorflow as tf

    x, w, b, dout = _arrays(shape)
    tx, tw, tb, tdout = (tf.constant(a) for a in (x, w, b, dout))
    ours = numpy_step(forward, backward, x, w, b, dout)
    theirs = [t.numpy() for t in step(tx, tw, tb, tdout)]
    diff = max(float(np.max(np.abs(a - t))) for a, t in zip(ours, theirs))
    np_s = median_seconds(lambda: numpy_step(forward, backward, x, w, b, dout), repeats)
    tf_s = median_seconds(lambda: [t.numpy() for t in step(tx, tw, tb, tdout)], repeats)
    return np_s, tf_s, diff


def _shape_text(shape) -> str:
    n, h, w, c_in, c_out, k = shape
    return f"x {n}x{h}x{w}x{c_in} * w {k}x{k}x{c_in}x{c_out}"


def measure(shape=(32, 28, 28, 16, 32, 3), naive_shape=(1, 28, 28, 16, 32, 3), repeats: int = 7,
            threads: int | None = 2) -> list[Figure]:
    """The im2col/TF and naive/TF time ratios (forward + backward, median of ``repeats``)."""
    from cnncourse import ops

    with _blas_limit(threads):
        step = tf_step_fn()
        threads_text = f"{tf_threads()}; {blas_threads()}"
        np_s, tf_s, diff = _compare(ops.conv2d_forward, ops.conv2d_backward, shape, repeats, step)
        nv_s, tf_small_s, nv_diff = _compare(ops.conv2d_forward_naive, ops.conv2d_backward_naive,
                                             naive_shape, max(1, repeats // 2), step)
    return [
        Figure(IM2COL_KEY, "conv2d fwd+bwd: NumPy im2col / TensorFlow", round(np_s / tf_s, 2), "x",
               IM2COL_TARGET, "<=",
               detail=(f"{_shape_text(shape)}: numpy {1e3 * np_s:.2f} ms, TF {1e3 * tf_s:.2f} ms "
                       f"(median of {repeats}); max |diff| {diff:.1e}; {threads_text}")),
        Figure(NAIVE_KEY, "conv2d fwd+bwd: NumPy naive loops / TensorFlow", round(nv_s / tf_small_s, 1), "x",
               None, "<=",
               detail=(f"{_shape_text(naive_shape)} (both timed on this shape): naive {1e3 * nv_s:.1f} ms, "
                       f"TF {1e3 * tf_small_s:.3f} ms; max |diff| {nv_diff:.1e}; no target (it is the lesson's "
                       "'why vectorize' number)")),
    ]


def _blas_limit(threads: int | None):
    """A context limiting NumPy's BLAS to ``threads`` (as TF is) while timing, when threadpoolctl is there."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threads = None
    if threads is None:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")
