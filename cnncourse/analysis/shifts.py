"""Shifting images and comparing features: to measure translation equivariance and invariance.

Used in lessons 01, 03.

:func:`shift` is the course's one zero-fill image shift (``augmentation.random_translate`` uses it too).

* equivariance: ``f(shift(x)) == shift(f(x))`` -- the feature map moves with the image
  (convolutions, away from the borders);
* invariance: ``f(shift(x)) ~= f(x)`` -- the features barely change (what pooling buys, a little).
"""
from __future__ import annotations

import numpy as np


def shift(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move a batch ``(N, H, W, ...)`` by ``dy`` rows (down if > 0) and ``dx`` columns (right if > 0),
    filling the vacated border with zeros (black), as a camera panning over a dark background.
    A shift by the full height or width (or more) leaves only zeros. For one image use ``shift(image[None], dy, dx)[0]``."""
    images = np.asarray(images)
    out = np.zeros_like(images)
    h, w = images.shape[1:3]
    if abs(dy) >= h or abs(dx) >= w:
        return out
    src_r, dst_r = slice(max(-dy, 0), h - max(dy, 0)), slice(max(dy, 0), h - max(-dy, 0))
    src_c, dst_c = slice(max(-dx, 0), w - max(dx, 0)), slice(max(dx, 0), w - max(-dx, 0))
    out[:, dst_r, dst_c] = images[:, src_r, src_c]
    return out


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-example cosine similarity of two batches of features (each example flattened): shape (N,)."""
    a = np.asarray(a, dtype=np.float64).reshape(len(a), -1)
    b = np.asarray(b, dtype=np.float64).reshape(len(b), -1)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.sum(a * b, axis=1) / np.maximum(norms, 1e-12)


def relative_change(a: np.ndarray, b: np.ndarray) -> float:
    """``||a - b|| / ||a||`` over the whole batch: 0 when identical."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-12))
