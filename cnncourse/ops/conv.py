"""2-D convolution layers in NumPy, cs231n style: ``forward -> (out, cache)``, ``backward(dout, cache)``.

Layouts follow Keras/TensorFlow: inputs NHWC ``(N, H, W, C)``, kernels HWIO
``(KH, KW, C_in, C_out)``, bias ``(C_out,)``. Like every deep-learning library,
the "convolution" here is a cross-correlation: the kernel is not flipped.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """Spatial output size of a convolution or pooling: ``(size + 2*pad - kernel) // stride + 1``."""
    return (size + 2 * pad - kernel) // stride + 1


def correlate2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' cross-correlation of one 2-D image with one 2-D kernel (no flip)."""
    windows = sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def convolve2d(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' true convolution: cross-correlation with the kernel flipped in both axes."""
    return correlate2d(image, kernel[::-1, ::-1])


def _pad(x: np.ndarray, pad: int) -> np.ndarray:
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0))) if pad else x


def _check_shapes(x, w, b):
    assert x.ndim == 4, f"x must be NHWC (N, H, W, C), got shape {x.shape}"
    assert w.ndim == 4, f"w must be HWIO (KH, KW, C_in, C_out), got shape {w.shape}"
    assert x.shape[3] == w.shape[2], f"x has {x.shape[3]} channels but w expects {w.shape[2]}"
    assert b.shape == (w.shape[3],), f"b must have shape ({w.shape[3]},), got {b.shape}"


def conv2d_forward_naive(x, w, b, stride: int = 1, pad: int = 0):
    """Convolution with explicit loops over images, output positions and filters."""
    _check_shapes(x, w, b)
    n, h, wd, _ = x.shape
    kh, kw, _, c_out = w.shape
    ho, wo = output_size(h, kh, stride, pad), output_size(wd, kw, stride, pad)
    xp = _pad(x, pad)
    out = np.zeros((n, ho, wo, c_out), dtype=np.result_type(x, w))
    for i in range(n):
        for r in range(ho):
            for c in range(wo):
                window = xp[i, r * stride: r * stride + kh, c * stride: c * stride + kw, :]
                for f in range(c_out):
                    out[i, r, c, f] = np.sum(window * w[:, :, :, f]) + b[f]
    return out, (x, w, b, stride, pad)


def conv2d_backward_naive(dout, cache):
    """Gradients ``(dx, dw, db)`` of the naive convolution, again with explicit loops."""
    x, w, b, stride, pad = cache
    kh, kw, _, c_out = w.shape
    n, ho, wo, _ = dout.shape
    xp = _pad(x, pad)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(n):
        for r in range(ho):
            for c in range(wo):
                rs, cs = r * stride, c * stride
                for f in range(c_out):
                    g = dout[i, r, c, f]
                    dw[:, :, :, f] += g * xp[i, rs: rs + kh, cs: cs + kw, :]
                    dxp[i, rs: rs + kh, cs: cs + kw, :] += g * w[:, :, :, f]
    dx = dxp[:, pad: pad + x.shape[1], pad: pad + x.shape[2], :]
    return dx, dw, dout.sum(axis=(0, 1, 2))


def im2col(x: np.ndarray, kh: int, kw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Every receptive field as a row: ``(N*Ho*Wo, KH*KW*C)``, ordered like a flattened HWIO kernel."""
    xp = _pad(x, pad)
    windows = sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    n, ho, wo = windows.shape[:3]
    # windows: (N, Ho, Wo, C, KH, KW) -> rows ordered (KH, KW, C) to match w.reshape(-1, C_out)
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * ho * wo, -1)


def col2im(cols: np.ndarray, x_shape, kh: int, kw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    """Inverse of im2col for gradients: sum each row back into the input positions it came from."""
    n, h, wd, c = x_shape
    ho, wo = output_size(h, kh, stride, pad), output_size(wd, kw, stride, pad)
    cols = cols.reshape(n, ho, wo, kh, kw, c)
    dxp = np.zeros((n, h + 2 * pad, wd + 2 * pad, c), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i: i + stride * ho: stride, j: j + stride * wo: stride, :] += cols[:, :, :, i, j, :]
    return dxp[:, pad: pad + h, pad: pad + wd, :]


def conv2d_forward(x, w, b, stride: int = 1, pad: int = 0):
    """Vectorized convolution: im2col, then one matrix product."""
    _check_shapes(x, w, b)
    kh, kw, _, c_out = w.shape
    n, h, wd, _ = x.shape
    ho, wo = output_size(h, kh, stride, pad), output_size(wd, kw, stride, pad)
    cols = im2col(x, kh, kw, stride, pad)
    out = (cols @ w.reshape(-1, c_out) + b).reshape(n, ho, wo, c_out)
    return out, (x, w, b, stride, pad, cols)


def conv2d_backward(dout, cache):
    """Gradients ``(dx, dw, db)`` of :func:`conv2d_forward`.

    ``dw`` correlates the input with ``dout``; ``dx`` is a full convolution of
    ``dout`` with the kernel (the matrix product with ``w.T`` followed by col2im).
    """
    x, w, b, stride, pad, cols = cache
    kh, kw, _, c_out = w.shape
    dflat = dout.reshape(-1, c_out)
    dw = (cols.T @ dflat).reshape(w.shape)
    dx = col2im(dflat @ w.reshape(-1, c_out).T, x.shape, kh, kw, stride, pad)
    return dx, dw, dflat.sum(axis=0)
