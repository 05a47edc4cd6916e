"""Segmentation masks: per-class IoU (their ``np.nanmean`` is the mean IoU) and colouring a label mask for display.

Used in lesson 14.
"""
from __future__ import annotations

import numpy as np


def per_class_iou(y_true, y_pred, n_classes: int) -> np.ndarray:
    """IoU of each class over all pixels of integer masks; ``nan`` for a class absent from both."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    confusion = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    inter = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / union, np.nan)


def colorize(mask, n_classes: int, cmap: str = "tab20") -> np.ndarray:
    """RGB image (H, W, 3) of a label mask: background black, each class its own colour."""
    import matplotlib

    colors = matplotlib.colormaps[cmap](np.linspace(0, 1, max(n_classes - 1, 1)))[:, :3]
    table = np.vstack([[0.0, 0.0, 0.0], colors])
    return table[np.asarray(mask)]
