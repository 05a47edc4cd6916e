"""Checkers for lesson 18 (limitations and trends): pseudo-label selection, scaled dot-product attention."""
from __future__ import annotations

import numpy as np

from cnncourse.attention import scaled_dot_product_attention as reference_attention
from cnncourse.checks.expect import case_rng, expect_close, expect_true, hidden_cases
from cnncourse.checks.registry import exercise
from cnncourse.semi_supervised import select_pseudo_labels as reference_select


def _random_probs(rng, n, k, sharpness):
    logits = rng.normal(scale=sharpness, size=(n, k))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@exercise("18.pseudo_label_select", points=2)
def pseudo_label_select(student_fn):
    """Confident, class-balanced pseudo-labels from predicted probabilities."""
    rng = case_rng(1818)
    cases = [(200, 10, 3.0, 0.9, None), (300, 10, 4.0, 0.8, 5), (50, 3, 2.0, 0.5, 4),
             (400, 10, 1.0, 0.95, 10), (120, 5, 3.0, 0.7, 1)]
    for n, k, sharp, threshold, cap in cases:
        probs = _random_probs(rng, n, k, sharp)
        if cap is None:  # one row exactly at the threshold: ">= threshold" keeps it
            probs = np.concatenate([probs, [[threshold] + [(1 - threshold) / (k - 1)] * (k - 1)]])
        idx, labels = student_fn(probs, threshold=threshold, max_per_class=cap)
        idx, labels = np.asarray(idx), np.asarray(labels)
        ref_idx, ref_labels = reference_select(probs, threshold=threshold, max_per_class=cap)
        what = f"pool of {n}, threshold {threshold}, max_per_class {cap}"
        expect_true(len(idx) == len(labels), f"{what}: indices and labels differ in length")
        if len(idx) and np.any(probs[idx].max(axis=1) < threshold):
            raise AssertionError(f"{what}: you selected images below the confidence threshold")
        expect_true(np.all(np.diff(idx) > 0), f"{what}: return the indices in ascending order, each once (np.sort)")
        if cap is not None and len(idx):
            per_class = np.bincount(probs[idx].argmax(axis=1), minlength=k)
            expect_true(per_class.max() <= cap, f"{what}: class {per_class.argmax()} got {per_class.max()} "
                        f"pseudo-labels, more than max_per_class={cap}. Hint: the cap applies per predicted class")
        expect_true(len(idx) == len(ref_idx), f"{what}: selected {len(idx)} images, expected {len(ref_idx)}. "
                    "Hint: keep probs.max(axis=1) >= threshold, then per predicted class at most "
                    "max_per_class of the most confident")
        expect_true(np.array_equal(np.sort(idx), ref_idx),
                    f"{what}: right count but wrong images. Hint: within each class keep the MOST confident ones")
        order = np.argsort(idx)
        expect_true(np.array_equal(labels[order], ref_labels), f"{what}: labels must be the predicted classes (argmax)")
    return f"{len(cases)} hidden pools selected exactly like the reference"


@exercise("18.self_attention", points=2)
def self_attention(student_fn):
    """Scaled dot-product attention softmax(Q K^T / sqrt(d_k)) V in NumPy."""
    rng = case_rng(1819)
    for shape_q, shape_k, dv in [((4, 8), (4, 8), 8), ((2, 5, 6), (2, 7, 6), 3), ((3, 2, 9, 16), (3, 2, 9, 16), 4),
                                 ((1, 6, 2), (1, 3, 2), 5)] + hidden_cases("18.self_attention"):
        q = rng.normal(size=shape_q) * 2
        k = rng.normal(size=shape_k) * 2
        v = rng.normal(size=shape_k[:-1] + (dv,))
        out, weights = student_fn(q, k, v)
        ref_out, ref_w = reference_attention(q, k, v)
        expect_close(weights, ref_w, f"attention weights for q {shape_q}, k {shape_k}",
                     hint="scores = q @ k^T / sqrt(d_k) (swap the LAST two axes of k), softmax over the last axis")
        expect_close(out, ref_out, f"output for q {shape_q}, k {shape_k}", hint="output = weights @ v")
    q, k, v = rng.normal(size=(2, 4, 8)) * 40, rng.normal(size=(2, 5, 8)) * 40, rng.normal(size=(2, 5, 3))
    with np.errstate(all="ignore"):
        out, weights = student_fn(q, k, v)
    ref_out, ref_w = reference_attention(q, k, v)
    expect_true(np.all(np.isfinite(weights)) and np.all(np.isfinite(out)),
                "with large scores (q k^T / sqrt(d_k) in the thousands) your weights or output are inf/nan. Hint: "
                "subtract each row's maximum score before exp -- softmax does not change, exp cannot overflow (lesson 04)")
    expect_close(weights, ref_w, "attention weights for large scores", hint="softmax of the shifted scores, last axis")
    return "4 hidden cases (batched, Lq != Lk, d_v != d_k) match the reference"
