"""Semi-supervised learning by pseudo-labelling: few labels plus a large unlabelled pool.

Used in lesson 18.

A model trained on the labelled images predicts the pool; its confident predictions
(:func:`select_pseudo_labels`) become extra training labels. :func:`balanced_labelled_subset`
draws the small labelled set with the same number of images per class.
"""
from __future__ import annotations

import numpy as np


def select_pseudo_labels(probs, threshold: float = 0.9, max_per_class: int | None = None):
    """Indices and labels of pool images whose top probability is >= ``threshold``.

    With ``max_per_class``, keep at most that many per predicted class: the most confident
    ones (ties: lower index first), so one easy class cannot flood the training set.
    Returns ``(indices, labels)``, indices sorted ascending.
    """
    probs = np.asarray(probs)
    confidence, labels = probs.max(axis=1), probs.argmax(axis=1)
    chosen = []
    for c in np.unique(labels):
        idx = np.flatnonzero((labels == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        chosen.append(idx if max_per_class is None else idx[:max_per_class])
    indices = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)
    return indices.astype(int), labels[indices]


def balanced_labelled_subset(y, per_class: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of ``per_class`` random examples of every class in ``y``."""
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    picks = [rng.choice(np.flatnonzero(y == c), size=per_class, replace=False) for c in np.unique(y)]
    return np.sort(np.concatenate(picks))
