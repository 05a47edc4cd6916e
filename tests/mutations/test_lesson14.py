"""Lesson 14 checkers reject unclipped overlaps, wrong suppression rules and wrong mask IoUs."""
import numpy as np
import pytest

from cnncourse.vision import boxes

from . import assert_accepted, assert_rejected


def _iou(a, b, *, clip="both", subtract_inter=True, plus_one=False, denominator="union"):
    a, b = np.asarray(a, float), np.asarray(b, float)
    top, left = np.maximum(a[:, None, 0], b[None, :, 0]), np.maximum(a[:, None, 1], b[None, :, 1])
    bottom, right = np.minimum(a[:, None, 2], b[None, :, 2]), np.minimum(a[:, None, 3], b[None, :, 3])
    one = 1.0 if plus_one else 0.0
    h, w = bottom - top + one, right - left + one
    if clip in ("both", "height"):
        h = np.clip(h, 0, None)
    if clip == "both":
        w = np.clip(w, 0, None)
    inter = h * w
    area_a = (a[:, 2] - a[:, 0] + one) * (a[:, 3] - a[:, 1] + one)
    area_b = (b[:, 2] - b[:, 0] + one) * (b[:, 3] - b[:, 1] + one)
    if denominator == "smaller":
        return inter / np.minimum(area_a[:, None], area_b[None, :])
    return inter / (area_a[:, None] + area_b[None, :] - (inter if subtract_inter else 0))


def iou(a, b):
    return _iou(a, b)


def test_iou_accepts_reference():
    assert_accepted("14.iou", iou)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"clip": "none"}, "clip", id="overlap-not-clipped"),
    pytest.param({"clip": "height"}, "clip\\(min\\(x2\\)", id="only-height-clipped"),
    pytest.param({"subtract_inter": False}, "union", id="union-double-counts-intersection"),
    pytest.param({"plus_one": True}, "iou on", id="pixel-plus-one-convention"),
    pytest.param({"denominator": "smaller"}, "union", id="intersection-over-smaller-box"),
])
def test_iou_rejects(kwargs, match):
    assert_rejected("14.iou", lambda a, b: _iou(a, b, **kwargs), match=match)


def nms(boxes_, scores, iou_threshold):
    order = np.argsort(-np.asarray(scores), kind="stable")
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(int(best))
        order = order[boxes.iou(boxes_[best][None], boxes_[order])[0] <= iou_threshold]
    return np.array(keep)


def drops_at_equal_threshold(boxes_, scores, iou_threshold):
    order = np.argsort(-np.asarray(scores), kind="stable")
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(int(best))
        order = order[boxes.iou(boxes_[best][None], boxes_[order])[0] < iou_threshold]
    return np.array(keep)


def suppressed_boxes_also_suppress(boxes_, scores, iou_threshold):
    order = np.argsort(-np.asarray(scores), kind="stable")
    overlaps = boxes.iou(boxes_, boxes_)
    return np.array([int(i) for rank, i in enumerate(order)
                     if not np.any(overlaps[i, order[:rank]] > iou_threshold)])


def input_order(boxes_, scores, iou_threshold):
    keep = []
    for i in range(len(scores)):
        if all(boxes.iou(boxes_[i][None], boxes_[[j]])[0, 0] <= iou_threshold for j in keep):
            keep.append(i)
    return np.array(keep)


def kept_indices_sorted(boxes_, scores, iou_threshold):
    return np.sort(nms(boxes_, scores, iou_threshold))


def test_nms_accepts_reference():
    assert_accepted("14.nms", nms)


@pytest.mark.parametrize("fn, match", [
    pytest.param(drops_at_equal_threshold, "greater than|IoU > threshold", id="drops-at-equal-iou"),
    pytest.param(suppressed_boxes_also_suppress, "kept", id="suppressed-boxes-also-suppress"),
    pytest.param(input_order, "decreasing score", id="visits-boxes-in-input-order"),
    pytest.param(kept_indices_sorted, "decreasing score", id="returns-indices-sorted"),
])
def test_nms_rejects(fn, match):
    assert_rejected("14.nms", fn, match=match)


def per_class_iou(y_true, y_pred, n_classes):
    result = np.full(n_classes, np.nan)
    for c in range(n_classes):
        t, p = y_true == c, y_pred == c
        union = np.logical_or(t, p).sum()
        if union:
            result[c] = np.logical_and(t, p).sum() / union
    return result


def absent_class_zero(y_true, y_pred, n_classes):
    return np.nan_to_num(per_class_iou(y_true, y_pred, n_classes), nan=0.0)


def nan_without_intersection(y_true, y_pred, n_classes):
    result = per_class_iou(y_true, y_pred, n_classes)
    return np.where(result == 0, np.nan, result)


def per_image_mean(y_true, y_pred, n_classes):
    with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
        __import__("warnings").simplefilter("ignore")
        return np.nanmean([per_class_iou(t, p, n_classes) for t, p in zip(y_true, y_pred)], axis=0)


def dice(y_true, y_pred, n_classes):
    result = np.full(n_classes, np.nan)
    for c in range(n_classes):
        t, p = y_true == c, y_pred == c
        if t.sum() + p.sum():
            result[c] = 2 * np.logical_and(t, p).sum() / (t.sum() + p.sum())
    return result


def test_per_class_iou_accepts_reference():
    assert_accepted("14.per_class_iou", per_class_iou)


@pytest.mark.parametrize("fn, match", [
    pytest.param(absent_class_zero, "nan", id="absent-class-zero"),
    pytest.param(nan_without_intersection, "only in one mask has IoU 0", id="nan-when-no-overlap"),
    pytest.param(per_image_mean, "per-class IoU", id="averaged-per-image"),
    pytest.param(dice, "per-class IoU", id="dice-not-iou"),
])
def test_per_class_iou_rejects(fn, match):
    assert_rejected("14.per_class_iou", fn, match=match)


def _average_precision(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold=0.5, *,
                       ascending=False, envelope=True, eleven_point=False, reuse=False, ignore_images=False,
                       strict=False):
    order = np.argsort(np.asarray(scores) if ascending else -np.asarray(scores), kind="stable")
    used = np.zeros(len(gt_boxes), bool)
    is_tp = []
    for d in order:
        overlaps = boxes.iou(det_boxes[d][None], gt_boxes)[0]
        ok = (np.ones(len(gt_boxes), bool) if ignore_images else gt_images == det_images[d]) & (reuse | ~used)
        overlaps = np.where(ok, overlaps, -1.0)
        best = int(np.argmax(overlaps))
        hit = overlaps[best] > iou_threshold if strict else overlaps[best] >= iou_threshold
        used[best] |= hit
        is_tp.append(hit)
    tp = np.cumsum(is_tp)
    precision, recall = tp / np.arange(1, len(tp) + 1), tp / len(gt_boxes)
    if eleven_point:
        return np.mean([np.max(precision[recall >= r], initial=0) for r in np.linspace(0, 1, 11)])
    if envelope:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0], recall])) * precision))


def average_precision(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold=0.5):
    return _average_precision(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold)


def sklearn_average_precision(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold=0.5):
    """Plausible shortcut: flag TPs, then sklearn's average_precision_score (no envelope, and blind to missed objects)."""
    from sklearn.metrics import average_precision_score

    order = np.argsort(-np.asarray(scores), kind="stable")
    used, flags = np.zeros(len(gt_boxes), bool), []
    for d in order:
        overlaps = np.where((gt_images == det_images[d]) & ~used, boxes.iou(det_boxes[d][None], gt_boxes)[0], -1)
        best = int(np.argmax(overlaps))
        used[best] |= overlaps[best] >= iou_threshold
        flags.append(overlaps[best] >= iou_threshold)
    return float(average_precision_score(flags, np.asarray(scores)[order]))


def test_average_precision_accepts_reference():
    assert_accepted("14.average_precision", average_precision)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"envelope": False}, "envelope", id="no-precision-envelope"),
    pytest.param({"reuse": True}, "matched once", id="second-match-of-a-ground-truth-counted"),
    pytest.param({"ascending": True}, "decreasing score", id="sorted-ascending"),
    pytest.param({"eleven_point": True}, "11-point", id="eleven-point-interpolation"),
    pytest.param({"ignore_images": True}, "same image", id="matches-across-images"),
])
def test_average_precision_rejects(kwargs, match):
    assert_rejected("14.average_precision",
                    lambda *args: _average_precision(*args, **kwargs), match=match)


def test_average_precision_rejects_sklearn_shortcut():
    assert_rejected("14.average_precision", sklearn_average_precision, match="average precision")
