"""Bounding boxes ``[y1, x1, y2, x2]``: IoU, greedy non-max suppression, grid encoding for a detector,
anchors, and precision-recall / average precision of a detector.

Used in lesson 14.
"""
from __future__ import annotations

import numpy as np


def area(boxes) -> np.ndarray:
    boxes = np.asarray(boxes, dtype=np.float64)
    return np.clip(boxes[..., 2] - boxes[..., 0], 0, None) * np.clip(boxes[..., 3] - boxes[..., 1], 0, None)


def iou(a, b) -> np.ndarray:
    """Pairwise intersection over union of boxes ``a`` (N, 4) and ``b`` (M, 4): an (N, M) array."""
    a, b = np.asarray(a, dtype=np.float64).reshape(-1, 4), np.asarray(b, dtype=np.float64).reshape(-1, 4)
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(bottom_right - top_left, 0, None), axis=-1)
    union = area(a)[:, None] + area(b)[None, :] - inter
    return inter / np.maximum(union, 1e-12)


def nms(boxes, scores, iou_threshold: float = 0.5, max_output: int | None = None) -> np.ndarray:
    """Greedy NMS: keep the best box, drop boxes overlapping it by IoU > threshold, repeat.

    Returns the kept indices in order of decreasing score, as ``tf.image.non_max_suppression`` does.
    """
    boxes, scores = np.asarray(boxes, dtype=np.float64).reshape(-1, 4), np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size and (max_output is None or len(keep) < max_output):
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[iou(boxes[best], boxes[order])[0] <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def encode_grid(boxes_list, classes_list, canvas: int = 64, grid: int = 8) -> np.ndarray:
    """Detector targets (N, grid, grid, 6): the cell holding a box centre gets
    ``[1, cy, cx, h, w, class]`` with centre offsets in cell units (0..1) and sizes / canvas.

    One cell holds one object: when two centres fall in the same cell, the later box overwrites
    the earlier one (count such losses with :func:`grid_collisions`; anchors exist to avoid them)."""
    cell = canvas / grid
    target = np.zeros((len(boxes_list), grid, grid, 6), np.float32)
    for n, (boxes, classes) in enumerate(zip(boxes_list, classes_list)):
        for (y1, x1, y2, x2), c in zip(boxes, classes):
            cy, cx = (y1 + y2) / 2 / cell, (x1 + x2) / 2 / cell
            i, j = min(int(cy), grid - 1), min(int(cx), grid - 1)
            target[n, i, j] = [1, cy - i, cx - j, (y2 - y1) / canvas, (x2 - x1) / canvas, c]
    return target


def grid_collisions(boxes_list, canvas: int = 64, grid: int = 8) -> int:
    """How many boxes :func:`encode_grid` drops because another box's centre is in the same cell."""
    cell = canvas / grid
    lost = 0
    for boxes in boxes_list:
        cells = set()
        for y1, x1, y2, x2 in boxes:
            key = (min(int((y1 + y2) / 2 / cell), grid - 1), min(int((x1 + x2) / 2 / cell), grid - 1))
            lost += key in cells
            cells.add(key)
    return lost


def decode_grid(output, canvas: int = 64, score_threshold: float = 0.3):
    """One scene's raw detector output (grid, grid, 5 + C) -> ``boxes (K, 4), scores (K,), classes (K,)``
    for every cell whose objectness (sigmoid) exceeds ``score_threshold``; NMS is not applied."""
    output = np.asarray(output, dtype=np.float64)
    grid = output.shape[0]
    cell = canvas / grid
    sig = 1 / (1 + np.exp(-output[..., :5]))
    rows, cols = np.nonzero(sig[..., 0] > score_threshold)
    cy, cx = (rows + sig[rows, cols, 1]) * cell, (cols + sig[rows, cols, 2]) * cell
    h, w = sig[rows, cols, 3] * canvas, sig[rows, cols, 4] * canvas
    boxes = np.stack([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2], axis=-1).reshape(-1, 4)
    return boxes, sig[rows, cols, 0], np.argmax(output[rows, cols, 5:], axis=-1)


def match_detections(pred_boxes, pred_classes, gt_boxes, gt_classes, iou_threshold: float = 0.5):
    """Greedy matching in the given (score) order: ``(true_positives, n_predictions, n_ground_truth)``.

    A prediction is a true positive when it has the right class and IoU >= threshold with a
    ground-truth box not matched before.
    """
    gt_boxes = np.asarray(gt_boxes).reshape(-1, 4)
    used = np.zeros(len(gt_boxes), bool)
    tp = 0
    if len(pred_boxes) and len(gt_boxes):
        overlaps = iou(pred_boxes, gt_boxes)
        for p, c in enumerate(pred_classes):
            candidates = np.where(~used & (np.asarray(gt_classes) == c), overlaps[p], -1.0)
            best = int(np.argmax(candidates))
            if candidates[best] >= iou_threshold:
                used[best] = True
                tp += 1
    return tp, len(pred_boxes), len(gt_boxes)


def anchor_boxes(canvas: int, grid: int, shapes) -> np.ndarray:
    """Anchors (grid, grid, len(shapes), 4): a box of every ``(height, width)`` in ``shapes`` centred on every cell."""
    cell = canvas / grid
    centres = (np.arange(grid) + 0.5) * cell
    cy, cx = np.meshgrid(centres, centres, indexing="ij")
    half = np.asarray(shapes, dtype=np.float64) / 2                     # (A, 2)
    return np.stack([cy[..., None] - half[:, 0], cx[..., None] - half[:, 1],
                     cy[..., None] + half[:, 0], cx[..., None] + half[:, 1]], axis=-1)


def match_by_score(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold: float = 0.5) -> np.ndarray:
    """True-positive flags of one class's detections, in order of decreasing score (stable for ties).

    Each detection, best score first, is matched to the not-yet-matched ground truth *of its own image*
    with the highest IoU; it is a true positive when that IoU is >= ``iou_threshold``, else a false
    positive. A ground truth is matched at most once (a second detection of it is a false positive).
    """
    scores = np.asarray(scores, dtype=np.float64).ravel()
    det_boxes, gt_boxes = np.asarray(det_boxes, dtype=np.float64).reshape(-1, 4), np.asarray(gt_boxes).reshape(-1, 4)
    det_images, gt_images = np.asarray(det_images).ravel(), np.asarray(gt_images).ravel()
    if not (len(scores) == len(det_boxes) == len(det_images)) or len(gt_boxes) != len(gt_images):
        raise ValueError(f"{len(scores)} scores, {len(det_boxes)} detection boxes and {len(det_images)} image ids "
                         f"(and {len(gt_boxes)} ground-truth boxes with {len(gt_images)} image ids) must match")
    order = np.argsort(-scores, kind="stable")
    overlaps = iou(det_boxes, gt_boxes) if len(gt_boxes) else np.zeros((len(det_boxes), 0))
    same_image = det_images[:, None] == gt_images[None, :]
    used = np.zeros(len(gt_boxes), bool)
    is_tp = np.zeros(len(order), bool)
    for rank, d in enumerate(order):
        candidates = np.where(same_image[d] & ~used, overlaps[d], -1.0)
        if candidates.size and candidates.max() >= iou_threshold:
            used[int(np.argmax(candidates))] = True
            is_tp[rank] = True
    return is_tp


def precision_recall(is_tp, n_ground_truth: int):
    """Precision and recall after each detection of a score-sorted list of true-positive flags."""
    if n_ground_truth <= 0:
        raise ValueError(f"n_ground_truth must be positive, got {n_ground_truth}")
    tp = np.cumsum(np.asarray(is_tp, dtype=np.float64))
    return tp / np.arange(1, len(tp) + 1), tp / n_ground_truth


def average_precision(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold: float = 0.5) -> float:
    """All-point interpolated AP of one class (PASCAL VOC 2010+): the area under the precision envelope
    ``p_interp(r) = max_{r' >= r} p(r')`` of the precision-recall curve of :func:`match_by_score`."""
    if len(np.asarray(gt_boxes).reshape(-1, 4)) == 0:
        raise ValueError("average precision needs at least one ground-truth box")
    is_tp = match_by_score(scores, det_boxes, det_images, gt_boxes, gt_images, iou_threshold)
    precision, recall = precision_recall(is_tp, len(np.asarray(gt_boxes).reshape(-1, 4)))
    precision = np.concatenate([[0.0], precision, [0.0]])
    recall = np.concatenate([[0.0], recall, [recall[-1] if len(recall) else 0.0]])
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(recall) * envelope[1:]))


def mean_average_precision(scores, det_boxes, det_images, det_classes, gt_boxes, gt_images, gt_classes,
                           iou_thresholds=(0.5,)) -> np.ndarray:
    """AP per (IoU threshold, class) over the classes that have ground truths: an array (T, C).
    ``.mean()`` over both axes with thresholds 0.50:0.05:0.95 is COCO's mAP@[.5:.95] (all-point, not 101-point)."""
    det_classes, gt_classes = np.asarray(det_classes).ravel(), np.asarray(gt_classes).ravel()
    scores, det_boxes = np.asarray(scores).ravel(), np.asarray(det_boxes).reshape(-1, 4)
    det_images, gt_boxes, gt_images = np.asarray(det_images).ravel(), np.asarray(gt_boxes).reshape(-1, 4), np.asarray(gt_images).ravel()
    classes = np.unique(gt_classes)
    return np.array([[average_precision(scores[det_classes == c], det_boxes[det_classes == c],
                                        det_images[det_classes == c], gt_boxes[gt_classes == c],
                                        gt_images[gt_classes == c], t) for c in classes]
                     for t in iou_thresholds])


def draw_boxes(ax, boxes, labels=None, color: str = "lime", lw: float = 1.5) -> None:
    """Draw ``[y1, x1, y2, x2]`` pixel boxes (and optional text labels) on a matplotlib axis showing the image."""
    from matplotlib.patches import Rectangle

    for k, (y1, x1, y2, x2) in enumerate(np.asarray(boxes).reshape(-1, 4)):
        ax.add_patch(Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False, edgecolor=color, lw=lw))
        if labels is not None:
            ax.text(x1 - 0.5, y1 - 1, str(labels[k]), color=color, fontsize=8, va="bottom")
