"""Scenes, box utilities (IoU, NMS vs TensorFlow, grid encoding) and mask IoU vs Keras."""
import keras
import numpy as np
import tensorflow as tf

from cnncourse.vision import boxes, masks
from cnncourse.data.scenes import compose_scenes


def test_compose_scenes_boxes_and_masks_agree():
    rng = np.random.default_rng(0)
    items = (rng.random((20, 28, 28)) > 0.5).astype(np.uint8) * 255
    s = compose_scenes(items, np.arange(20) % 10, 8, canvas=32, downscale=2, seed=0)
    assert s.images.shape == (8, 32, 32, 1) and s.masks.shape == (8, 32, 32)
    for k in range(8):
        assert 1 <= len(s.boxes[k]) <= 3
        assert boxes.iou(s.boxes[k], s.boxes[k])[~np.eye(len(s.boxes[k]), dtype=bool)].max(initial=0) == 0
        for (y1, x1, y2, x2), c in zip(s.boxes[k].astype(int), s.classes[k]):
            assert (s.masks[k, y1:y2, x1:x2] == c + 1).any()


def test_iou_known_values():
    a = np.array([[0, 0, 10, 10]])
    b = np.array([[0, 0, 10, 10], [5, 5, 15, 15], [20, 20, 30, 30], [2, 2, 4, 4]])
    np.testing.assert_allclose(boxes.iou(a, b)[0], [1, 25 / 175, 0, 4 / 100])


def test_nms_matches_tensorflow():
    rng = np.random.default_rng(1)
    for _ in range(5):
        c = rng.uniform(10, 50, (25, 2)); h = rng.uniform(3, 10, (25, 2))
        b = np.concatenate([c - h, c + h], 1).astype(np.float32)
        s = rng.random(25).astype(np.float32)
        want = tf.image.non_max_suppression(b, s, 25, iou_threshold=0.4).numpy()
        assert boxes.nms(b, s, 0.4).tolist() == want.tolist()


def test_encode_decode_roundtrip():
    bx = [np.array([[2.0, 3.0, 16.0, 13.0]])]
    target = boxes.encode_grid(bx, [np.array([7])], canvas=32, grid=4)
    assert target[0, ..., 0].sum() == 1
    logits = np.full((4, 4, 15), -20.0)
    i, j = np.argwhere(target[0, ..., 0] == 1)[0]
    p = np.clip(target[0, i, j, 1:5], 1e-6, 1 - 1e-6)
    logits[i, j, :5] = [20, *np.log(p / (1 - p))]
    logits[i, j, 5 + 7] = 5
    out_boxes, scores, classes = boxes.decode_grid(logits, canvas=32)
    np.testing.assert_allclose(out_boxes, bx[0], atol=1e-3)
    assert classes.tolist() == [7] and boxes.match_detections(out_boxes, classes, bx[0], [7]) == (1, 1, 1)


def test_mean_iou_matches_keras():
    rng = np.random.default_rng(2)
    t, p = rng.integers(0, 5, (3, 8, 8)), rng.integers(0, 4, (3, 8, 8))
    metric = keras.metrics.MeanIoU(num_classes=6)
    metric.update_state(t.ravel(), p.ravel())
    per = masks.per_class_iou(t, p, 6)
    assert np.isnan(per[5]) and per[4] == 0
    np.testing.assert_allclose(np.nanmean(per), float(metric.result()), atol=1e-6)   # lesson 14's mean IoU
    assert masks.colorize(t[0], 6).shape == (8, 8, 3)


def test_grid_collisions_counts_boxes_encode_grid_overwrites():
    same_cell = np.array([[0, 0, 6, 6], [1, 1, 5, 5], [20, 20, 30, 30]], float)   # first two centred in cell (0, 0)
    assert boxes.grid_collisions([same_cell], canvas=32, grid=4) == 1
    target = boxes.encode_grid([same_cell], [np.array([1, 2, 3])], canvas=32, grid=4)
    assert target[0, ..., 0].sum() == 2 and target[0, 0, 0, 5] == 2   # one object lost, the later one kept
    assert boxes.grid_collisions([same_cell[:1], same_cell[2:]], canvas=32, grid=4) == 0
