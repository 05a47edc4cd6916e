"""Attention in NumPy: scaled dot-product attention, image patches, and a check against Keras.

Used in lesson 18.

* :func:`scaled_dot_product_attention` -- softmax(Q K^T / sqrt(d_k)) V, the transformer's core.
* :func:`extract_patches` -- cut images into non-overlapping p x p patches (ViT tokens).
* :func:`keras_mha_numpy` -- recompute a ``keras.layers.MultiHeadAttention`` self-attention
  forward pass from its weights, to show the layer is exactly this arithmetic.
"""
from __future__ import annotations

import numpy as np


def softmax(z, axis: int = -1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(q, k, v, mask=None):
    """``q (..., Lq, d_k)``, ``k (..., Lk, d_k)``, ``v (..., Lk, d_v)`` -> ``(out (..., Lq, d_v), weights (..., Lq, Lk))``.

    ``mask`` (broadcastable to the weights) is True where attending is allowed.
    """
    q, k, v = (np.asarray(t, dtype=np.float64) for t in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def extract_patches(images, patch: int) -> np.ndarray:
    """``(N, H, W, C)`` -> ``(N, (H/p)*(W/p), p*p*C)``, patches in row-major order, each flattened (row, col, channel)."""
    x = np.asarray(images)
    n, h, w, c = x.shape
    if h % patch or w % patch:
        raise ValueError(f"image size {h}x{w} is not divisible by patch size {patch}")
    x = x.reshape(n, h // patch, patch, w // patch, patch, c).transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(n, (h // patch) * (w // patch), patch * patch * c)


def keras_mha_numpy(x, layer):
    """Self-attention ``layer(x, x)`` of a built ``keras.layers.MultiHeadAttention``, in NumPy.

    Returns ``(output (N, L, d_model), weights (N, heads, L, L))``.
    """
    x = np.asarray(x, dtype=np.float64)
    wq, bq = (np.asarray(t) for t in layer.query_dense.get_weights())
    wk, bk = (np.asarray(t) for t in layer.key_dense.get_weights())
    wv, bv = (np.asarray(t) for t in layer.value_dense.get_weights())
    wo, bo = (np.asarray(t) for t in layer.output_dense.get_weights())
    # projections: (N, L, d) x (d, heads, dim) -> (N, heads, L, dim)
    q = np.einsum("nld,dhk->nhlk", x, wq) + bq[None, :, None, :]
    k = np.einsum("nld,dhk->nhlk", x, wk) + bk[None, :, None, :]
    v = np.einsum("nld,dhk->nhlk", x, wv) + bv[None, :, None, :]
    out, weights = scaled_dot_product_attention(q, k, v)
    return np.einsum("nhlk,hkd->nld", out, wo) + bo, weights
