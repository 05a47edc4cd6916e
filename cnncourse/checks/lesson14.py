"""Checkers for lesson 14 (vision tasks): box IoU, non-max suppression, per-class mask IoU."""
from __future__ import annotations

import numpy as np

from cnncourse import boxes, masks
from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true
from cnncourse.checks.registry import exercise


def _random_boxes(rng, n, size=64.0):
    y1, x1 = rng.uniform(0, size * 0.7, n), rng.uniform(0, size * 0.7, n)
    h, w = rng.uniform(4, size * 0.4, n), rng.uniform(4, size * 0.4, n)
    return np.stack([y1, x1, y1 + h, x1 + w], axis=1)


def _iou_cases():
    rng = case_rng(1414)
    yield "disjoint boxes", np.array([[0, 0, 10, 10]], float), np.array([[20, 20, 30, 30]], float)
    yield "boxes touching at an edge", np.array([[0, 0, 10, 10]], float), np.array([[0, 10, 10, 20]], float)
    yield "a box inside another", np.array([[0, 0, 20, 20]], float), np.array([[5, 5, 10, 10], [0, 0, 20, 20]], float)
    yield "boxes overlapping only in x", np.array([[0, 0, 10, 10]], float), np.array([[12, 2, 20, 8]], float)
    yield "random boxes (5 x 7)", _random_boxes(rng, 5), _random_boxes(rng, 7)


@exercise("14.iou", points=2)
def iou(student_fn):
    """pairwise IoU of two sets of boxes"""
    for name, a, b in _iou_cases():
        got = student_fn(a.copy(), b.copy())
        expect_shape(got, (len(a), len(b)), f"iou on {name}")
        expect_close(got, boxes.iou(a, b), f"iou on {name}", atol=1e-6,
                     hint="intersection = clip(min(y2) - max(y1), 0) * clip(min(x2) - max(x1), 0); "
                          "union = area_a + area_b - intersection; broadcast a[:, None] against b[None, :]")
    return "5 hidden cases (disjoint, touching, containment, random) match"


@exercise("14.nms", points=2)
def nms(student_fn):
    """greedy non-max suppression against tf.image.non_max_suppression"""
    import tensorflow as tf

    rng = case_rng(77)
    for case, threshold in enumerate([0.5, 0.3, 0.7, 0.5]):
        n = [12, 30, 20, 1][case]
        centres = rng.uniform(10, 50, (3, 2))[rng.integers(0, 3, n)] + rng.normal(0, 3, (n, 2))
        half = rng.uniform(5, 12, (n, 2))
        b = np.concatenate([centres - half, centres + half], axis=1)
        scores = rng.permutation(n) / n + 0.01
        if case == 0:  # two boxes far from the rest whose IoU is exactly 0.5 = the threshold: both are kept
            b = np.concatenate([b, [[100, 100, 110, 110], [100, 100, 110, 105]]])
            scores, n = np.concatenate([scores, [1.5, 1.4]]), n + 2
        expected = tf.image.non_max_suppression(b.astype(np.float32), scores.astype(np.float32), n,
                                                iou_threshold=threshold).numpy()
        got = np.asarray(student_fn(b.copy(), scores.copy(), threshold)).astype(np.int64).ravel()
        expect_true(got.tolist() == expected.tolist(),
                    f"with {n} boxes and iou_threshold={threshold} you kept indices {got.tolist()}, "
                    f"tf.image.non_max_suppression keeps {expected.tolist()}. Hint: visit boxes by "
                    "decreasing score, keep the best, drop every remaining box with IoU > threshold to it (greater "
                    "than: a box whose IoU equals the threshold stays); only kept boxes suppress others")
    return "4 hidden cases match tf.image.non_max_suppression"


@exercise("14.per_class_iou", points=2)
def per_class_iou(student_fn):
    """per-class IoU of integer label masks"""
    import keras

    rng = case_rng(3)
    for case in range(4):
        n_classes = [3, 5, 11, 4][case]
        y_true = rng.integers(0, n_classes, (2, 16, 16))
        y_pred = np.where(rng.random(y_true.shape) < 0.6, y_true, rng.integers(0, n_classes, y_true.shape))
        if case == 3:  # class 3 absent from both masks -> nan; class 2 only predicted -> IoU 0
            y_true, y_pred = np.minimum(y_true, 1), np.minimum(y_pred, 2)
        got = np.asarray(student_fn(y_true.copy(), y_pred.copy(), n_classes), dtype=np.float64)
        want = masks.per_class_iou(y_true, y_pred, n_classes)
        expect_shape(got, want.shape, "per-class IoU")
        expect_true(np.array_equal(np.isnan(got), np.isnan(want)),
                    f"nan positions differ: got {got.round(3).tolist()}, expected {want.round(3).tolist()}. "
                    "Hint: a class that is in neither mask has union 0 -> return nan for it; "
                    "a class only in one mask has IoU 0")
        expect_close(np.nan_to_num(got, nan=-1), np.nan_to_num(want, nan=-1), "per-class IoU",
                     hint="for class c: |true==c AND pred==c| / |true==c OR pred==c|")
        metric = keras.metrics.MeanIoU(num_classes=n_classes)
        metric.update_state(y_true.ravel(), y_pred.ravel())
        expect_close(np.nanmean(got), float(metric.result()), "mean IoU (nanmean of yours)", atol=1e-5)
    return "4 hidden cases match; their nan-mean equals keras.metrics.MeanIoU"
