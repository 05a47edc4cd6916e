"""Checkers for lesson 14 (vision tasks): box IoU, non-max suppression, per-class mask IoU."""
from __future__ import annotations

import numpy as np

from cnncourse.vision import boxes, masks
from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
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
    for name, *pair in hidden_cases("14.iou"):
        yield (name, *(_random_boxes(rng, b) if isinstance(b, int) else np.array(b, float).reshape(-1, 4) for b in pair))


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
    for case, (n, threshold) in enumerate([(12, 0.5), (30, 0.3), (20, 0.7), (1, 0.5)] + hidden_cases("14.nms")):
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
    for case, (n_classes, shape) in enumerate([(3, (2, 16, 16)), (5, (2, 16, 16)), (11, (2, 16, 16)), (4, (2, 16, 16))]
                                              + hidden_cases("14.per_class_iou")):
        y_true = rng.integers(0, n_classes, shape)
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


def _ap_variant(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold, *, ascending=False,
                envelope=True, eleven_point=False, reuse_ground_truth=False, ignore_images=False):
    """AP with one of the usual mistakes switched on (to name the mistake a wrong answer makes)."""
    scores = np.asarray(scores, float)
    order = np.argsort(scores if ascending else -scores, kind="stable")
    overlaps = boxes.iou(det_boxes, gt_boxes)
    same = np.ones(overlaps.shape, bool) if ignore_images else np.asarray(det_images)[:, None] == np.asarray(gt_images)[None, :]
    used = np.zeros(len(gt_boxes), bool)
    is_tp = []
    for d in order:
        candidates = np.where(same[d] & (reuse_ground_truth | ~used), overlaps[d], -1.0)
        hit = candidates.size > 0 and candidates.max() >= iou_threshold
        if hit:
            used[int(np.argmax(candidates))] = True
        is_tp.append(hit)
    tp = np.cumsum(is_tp)
    precision, recall = tp / np.arange(1, len(tp) + 1), tp / len(gt_boxes)
    if eleven_point:
        return float(np.mean([precision[recall >= r].max(initial=0.0) for r in np.linspace(0, 1, 11)]))
    if not envelope:   # sum of precision at each recall step (sklearn's average_precision_score)
        return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) *
                        np.maximum.accumulate(precision[::-1])[::-1]))


_AP_MISTAKES = {
    "ascending": "you rank detections by increasing score: sort by decreasing score (best first)",
    "envelope": "you sum the raw precision at each recall step: use the precision envelope "
                "p_interp(r) = max precision at any recall >= r (a running max from the right)",
    "eleven_point": "this is the 11-point AP (PASCAL VOC 2007): use all points, the area under the whole envelope",
    "reuse_ground_truth": "a second detection of an already matched ground truth counts as a true positive: "
                          "each ground truth can be matched once; later detections of it are false positives",
    "ignore_images": "you match detections to ground truths of other images: match only within the same image id",
}


def _ap_cases(rng):
    square = lambda y, x, s=10: [y, x, y + s, x + s]  # noqa: E731
    gt3 = np.array([square(0, 0), square(20, 20), square(40, 40)], float)
    # TP, FP, FP, TP, TP: precision rises after the false positives, so the envelope matters
    yield ("one image, precision rising after two false positives", [0.9, 0.8, 0.7, 0.6, 0.5],
           np.array([square(0, 0), square(70, 70), square(90, 90), square(21, 20), square(40, 41)], float),
           np.zeros(5, int), gt3, np.zeros(3, int), 0.5)
    # two detections of the same digit; one ground truth never found
    yield ("duplicate detections of one object", [0.95, 0.9, 0.3, 0.2],
           np.array([square(0, 0), square(1, 0), square(20, 21), square(60, 60)], float),
           np.zeros(4, int), gt3, np.zeros(3, int), 0.5)
    # a detection in image 1 exactly where image 0 has a ground truth
    yield ("two images", [0.9, 0.8, 0.7],
           np.array([square(0, 0), square(20, 20), square(20, 20)], float), np.array([1, 0, 1]),
           np.array([square(0, 0), square(20, 20), square(0, 0)], float), np.array([0, 1, 1]), 0.5)
    for case, threshold in enumerate([0.5, 0.75, 0.5] + hidden_cases("14.average_precision")):
        n_images = int(rng.integers(4, 7))
        gt_boxes, gt_images, det_boxes, det_images = [], [], [], []
        for image in range(n_images):
            for _ in range(int(rng.integers(1, 4))):
                y, x, s = *rng.uniform(0, 50, 2), rng.uniform(8, 14)
                gt_boxes.append([y, x, y + s, x + s]), gt_images.append(image)
                for copy in range(int(rng.random() < 0.8) + int(rng.random() < 0.35)):
                    jitter = rng.normal(0, 1.2, 4)
                    det_boxes.append(np.array([y, x, y + s, x + s]) + jitter), det_images.append(image)
            for _ in range(int(rng.integers(0, 3))):
                y, x, s = *rng.uniform(0, 50, 2), rng.uniform(8, 14)
                det_boxes.append([y, x, y + s, x + s]), det_images.append(image)
        det_boxes = np.array(det_boxes, float)
        yield (f"random case {case + 1} ({n_images} images, {len(gt_boxes)} objects, {len(det_boxes)} detections, "
               f"IoU threshold {threshold})", rng.permutation(len(det_boxes)) / len(det_boxes) + 0.01,
               det_boxes, np.array(det_images), np.array(gt_boxes, float), np.array(gt_images), threshold)


@exercise("14.average_precision", points=2)
def average_precision(student_fn):
    """all-point interpolated average precision of one class"""
    from cnncourse.checks.expect import case_rng

    cases = list(_ap_cases(case_rng(1415)))
    for name, scores, det_boxes, det_images, gt_boxes, gt_images, threshold in cases:
        args = (np.array(scores, float), det_boxes.copy(), det_images.copy(), gt_boxes.copy(), gt_images.copy())
        got = student_fn(*args, threshold)
        expect_shape(got, (), f"average precision on {name} (one number)")
        got = float(got)
        want = boxes.average_precision(*args, threshold)
        if abs(got - want) <= 1e-6:
            continue
        for mistake, message in _AP_MISTAKES.items():
            variant = _ap_variant(*args, threshold, **({"envelope": False} if mistake == "envelope" else {mistake: True}))
            if abs(got - variant) <= 1e-6 and abs(variant - want) > 1e-6:
                raise AssertionError(f"average precision on {name}: got {got:.4f}, expected {want:.4f}. "
                                     f"Hint: {message}")
        raise AssertionError(f"average precision on {name}: got {got:.4f}, expected {want:.4f}. Hint: sort by "
                             "decreasing score; match each detection to the unmatched ground truth of its image with "
                             "the highest IoU (TP if >= threshold); precision = TP/k, recall = TP/n_ground_truth; "
                             "AP = sum over recall steps of (r_i - r_{i-1}) * max precision at recall >= r_i")
    return f"{len(cases)} cases (envelope, duplicates, two images, random) match"
