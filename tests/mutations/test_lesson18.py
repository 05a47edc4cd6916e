"""Lesson 18 checkers reject wrong pseudo-label selections and wrong attention (scale, axis, stability)."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def select_pseudo_labels(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    keep = []
    for c in np.unique(predicted):
        idx = np.flatnonzero((predicted == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        keep.extend(idx if max_per_class is None else idx[:max_per_class])
    keep = np.sort(np.array(keep, dtype=int))
    return keep, predicted[keep]


def strict_threshold(probs, threshold=0.9, max_per_class=None):
    return select_pseudo_labels(probs, np.nextafter(threshold, 1.0), max_per_class)


def global_cap(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    idx = np.flatnonzero(confidence >= threshold)
    idx = idx[np.argsort(-confidence[idx], kind="stable")]
    if max_per_class is not None:
        idx = idx[: max_per_class * probs.shape[1]]
    keep = np.sort(idx)
    return keep, predicted[keep]


def first_in_pool_order(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    keep = []
    for c in np.unique(predicted):
        idx = np.flatnonzero((predicted == c) & (confidence >= threshold))
        keep.extend(idx if max_per_class is None else idx[:max_per_class])
    keep = np.sort(np.array(keep, dtype=int))
    return keep, predicted[keep]


def grouped_by_class(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    keep = []
    for c in np.unique(predicted):
        idx = np.flatnonzero((predicted == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        keep.extend(idx if max_per_class is None else idx[:max_per_class])
    keep = np.array(keep, dtype=int)
    return keep, predicted[keep]


def confidence_as_label(probs, threshold=0.9, max_per_class=None):
    keep, _ = select_pseudo_labels(probs, threshold, max_per_class)
    return keep, probs[keep].max(axis=1)


def test_pseudo_labels_accept_reference():
    assert_accepted("18.pseudo_label_select", select_pseudo_labels)


@pytest.mark.parametrize("fn, match", [
    pytest.param(strict_threshold, ">= threshold", id="strict-threshold"),
    pytest.param(global_cap, "per predicted class", id="cap-applied-to-the-whole-pool"),
    pytest.param(first_in_pool_order, "MOST confident", id="first-in-pool-not-most-confident"),
    pytest.param(grouped_by_class, "ascending", id="indices-grouped-by-class"),
    pytest.param(confidence_as_label, "argmax", id="confidence-returned-as-label"),
])
def test_pseudo_labels_reject(fn, match):
    assert_rejected("18.pseudo_label_select", fn, match=match)


def _attention(q, k, v, *, scale="sqrt_dk", axis=-1, stable=True):
    d = {"sqrt_dk": np.sqrt(q.shape[-1]), "dk": q.shape[-1], "none": 1.0, "sqrt_dv": np.sqrt(v.shape[-1])}[scale]
    scores = q @ np.swapaxes(k, -1, -2) / d
    if stable:
        scores = scores - scores.max(axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        weights = np.exp(scores) / np.exp(scores).sum(axis=axis, keepdims=True)
    return weights @ v, weights


def scaled_dot_product_attention(q, k, v):
    return _attention(q, k, v)


def test_attention_accepts_reference():
    assert_accepted("18.self_attention", scaled_dot_product_attention)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"scale": "none"}, "sqrt\\(d_k\\)", id="no-scaling"),
    pytest.param({"scale": "dk"}, "sqrt\\(d_k\\)", id="divided-by-d-k"),
    pytest.param({"scale": "sqrt_dv"}, "sqrt\\(d_k\\)", id="divided-by-sqrt-d-v"),
    pytest.param({"axis": -2}, "last axis", id="softmax-over-query-axis"),
    pytest.param({"stable": False}, "maximum", id="no-max-subtraction"),
])
def test_attention_rejects(kwargs, match):
    assert_rejected("18.self_attention", lambda q, k, v: _attention(q, k, v, **kwargs), match=match)
