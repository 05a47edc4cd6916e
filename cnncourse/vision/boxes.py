"""Bounding boxes ``[y1, x1, y2, x2]``: IoU, greedy non-max suppression, grid encoding for a detector.

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


def draw_boxes(ax, boxes, labels=None, color: str = "lime", lw: float = 1.5) -> None:
    """Draw ``[y1, x1, y2, x2]`` pixel boxes (and optional text labels) on a matplotlib axis showing the image."""
    from matplotlib.patches import Rectangle

    for k, (y1, x1, y2, x2) in enumerate(np.asarray(boxes).reshape(-1, 4)):
        ax.add_patch(Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False, edgecolor=color, lw=lw))
        if labels is not None:
            ax.text(x1 - 0.5, y1 - 1, str(labels[k]), color=color, fontsize=8, va="bottom")
