"""Scenes for detection and segmentation: real 28x28 items pasted on a larger blank canvas.

Used in lesson 14.

Each scene records what a detector and a segmenter need: the image, one box per item
(``[y1, x1, y2, x2]`` in pixels, y2/x2 exclusive, the order ``tf.image`` uses), the item
classes, and a label mask (0 = background, ``class + 1`` on the item's pixels).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Scenes:
    """A batch of composed scenes."""

    images: np.ndarray       # (N, S, S, 1) float32 in [0, 1]
    masks: np.ndarray        # (N, S, S) int32: 0 background, class + 1 on item pixels
    boxes: list              # N arrays (k, 4) float32 [y1, x1, y2, x2] in pixels
    classes: list            # N arrays (k,) int64

    def __len__(self) -> int:
        return len(self.images)


def tight_crop(item: np.ndarray, threshold: float) -> np.ndarray:
    """The smallest sub-image holding every pixel above ``threshold`` (item in [0, 1])."""
    rows, cols = np.nonzero(item > threshold)
    if rows.size == 0:
        return item
    return item[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


def _overlaps(box, others, margin: int) -> bool:
    y1, x1, y2, x2 = box
    return any(y1 < b[2] + margin and b[0] < y2 + margin and x1 < b[3] + margin and b[1] < x2 + margin
               for b in others)


def compose_scenes(images, labels, n_scenes: int, canvas: int = 64, min_items: int = 1,
                   max_items: int = 3, threshold: float = 0.2, margin: int = 1, downscale: int = 1,
                   seed: int = 0) -> Scenes:
    """Paste 1..3 random items (uint8 or [0,1] images, shape (M, h, w)) on ``canvas`` x ``canvas`` scenes.

    ``downscale`` > 1 shrinks the items first by averaging ``downscale`` x ``downscale`` pixel blocks
    (28x28 -> 14x14 for 2), which keeps scenes small and models cheap.
    Items are cropped to their pixels above ``threshold`` and placed so that their boxes do not
    overlap (``margin`` pixels apart); the mask marks the item pixels above ``threshold``.
    """
    rng = np.random.default_rng(seed)
    items = np.asarray(images, dtype=np.float32)
    if items.max() > 1.0:
        items = items / 255.0
    if downscale > 1:
        m, h, w = items.shape
        items = items[:, :h - h % downscale, :w - w % downscale]
        items = items.reshape(m, h // downscale, downscale, w // downscale, downscale).mean(axis=(2, 4))
    labels = np.asarray(labels, dtype=np.int64)
    out_images = np.zeros((n_scenes, canvas, canvas, 1), np.float32)
    out_masks = np.zeros((n_scenes, canvas, canvas), np.int32)
    all_boxes, all_classes = [], []
    for s in range(n_scenes):
        wanted = int(rng.integers(min_items, max_items + 1))
        boxes, classes = [], []
        for _ in range(wanted):
            index = int(rng.integers(len(items)))
            crop = tight_crop(items[index], threshold)
            h, w = crop.shape
            for _attempt in range(50):
                y, x = int(rng.integers(0, canvas - h + 1)), int(rng.integers(0, canvas - w + 1))
                box = (y, x, y + h, x + w)
                if not _overlaps(box, boxes, margin):
                    break
            else:
                continue  # no room left for this item
            region = out_images[s, y:y + h, x:x + w, 0]
            np.maximum(region, crop, out=region)
            out_masks[s, y:y + h, x:x + w][crop > threshold] = labels[index] + 1
            boxes.append(box)
            classes.append(labels[index])
        all_boxes.append(np.array(boxes, np.float32).reshape(-1, 4))
        all_classes.append(np.array(classes, np.int64))
    return Scenes(out_images, out_masks, all_boxes, all_classes)
