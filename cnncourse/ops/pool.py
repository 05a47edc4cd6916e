"""Max and average pooling in NumPy (NHWC), ``forward -> (out, cache)``, ``backward(dout, cache)``."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, size, stride):
    assert x.ndim == 4, f"x must be NHWC (N, H, W, C), got shape {x.shape}"
    # (N, Ho, Wo, C, size, size)
    return sliding_window_view(x, (size, size), axis=(1, 2))[:, ::stride, ::stride]


def _scatter(x_shape, per_offset, size, stride, ho, wo, dtype):
    """Add per-window-offset gradients ``per_offset[k]`` back at input positions."""
    dx = np.zeros(x_shape, dtype=dtype)
    for k in range(size * size):
        i, j = divmod(k, size)
        dx[:, i: i + stride * ho: stride, j: j + stride * wo: stride, :] += per_offset(k)
    return dx


def max_pool_forward(x, size: int = 2, stride: int | None = None):
    """Max over each ``size x size`` window ('valid' padding); stride defaults to size."""
    stride = stride or size
    flat = _windows(x, size, stride)
    flat = flat.reshape(*flat.shape[:4], size * size)
    return flat.max(axis=-1), (x.shape, x.dtype, size, stride, flat.argmax(axis=-1))


def max_pool_backward(dout, cache):
    """Route each gradient to the position that held the window's maximum (first one on ties)."""
    x_shape, dtype, size, stride, argmax = cache
    ho, wo = dout.shape[1:3]
    return _scatter(x_shape, lambda k: dout * (argmax == k), size, stride, ho, wo, dtype)


def avg_pool_forward(x, size: int = 2, stride: int | None = None):
    """Mean over each ``size x size`` window ('valid' padding); stride defaults to size."""
    stride = stride or size
    return _windows(x, size, stride).mean(axis=(-2, -1)), (x.shape, x.dtype, size, stride)


def avg_pool_backward(dout, cache):
    """Spread each gradient evenly over the window it averaged."""
    x_shape, dtype, size, stride = cache
    ho, wo = dout.shape[1:3]
    share = dout / (size * size)
    return _scatter(x_shape, lambda k: share, size, stride, ho, wo, dtype)
