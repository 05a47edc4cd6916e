"""Scenes, box utilities (IoU, NMS vs TensorFlow, grid encoding) and mask IoU vs Keras."""
import keras
import numpy as np
import pytest
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


def test_average_precision_known_value_and_envelope():
    square = lambda y, x: [y, x, y + 10, x + 10]  # noqa: E731
    gt = np.array([square(0, 0), square(20, 20), square(40, 40)], float)
    det = np.array([square(0, 0), square(70, 70), square(90, 90), square(20, 20), square(40, 40)], float)
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    # TP FP FP TP TP: precision at the three recalls 1, 2/4, 3/5 -> envelope 1, 0.6, 0.6
    assert boxes.match_by_score(scores, det, np.zeros(5), gt, np.zeros(3)).tolist() == [1, 0, 0, 1, 1]
    assert boxes.average_precision(scores, det, np.zeros(5), gt, np.zeros(3)) == pytest.approx((1 + 0.6 + 0.6) / 3)
    # a duplicate of a matched box is a false positive; a detection in another image matches nothing
    assert boxes.match_by_score([0.9, 0.8, 0.7], det[[0, 0, 3]], [0, 0, 1], gt, [0, 0, 0]).tolist() == [1, 0, 0]
    with pytest.raises(ValueError, match="ground-truth"):
        boxes.average_precision(scores, det, np.zeros(5), np.zeros((0, 4)), [])


def test_average_precision_equals_sklearn_when_precision_never_rises():
    from sklearn.metrics import average_precision_score

    gt = np.array([[0, 10 * k, 8, 10 * k + 8] for k in range(6)], float)
    det = gt.copy()
    flags = np.array([1, 0, 1, 1, 0, 0], bool)
    det[~flags] += 100                              # false positives: far from every object
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    # sklearn sums precision at each recall step (no envelope) and knows only the detected objects;
    # with precision 1, 2/3, 3/4 at the three TPs the envelope changes it to 1, 3/4, 3/4
    ours = boxes.average_precision(scores, det, np.zeros(6), gt, np.zeros(6))
    assert ours == pytest.approx((1 + 0.75 + 0.75) / 6)
    assert average_precision_score(flags, scores) * flags.sum() / len(gt) == pytest.approx((1 + 2 / 3 + 0.75) / 6)
    flags_sorted = np.sort(flags)[::-1]             # all TPs first: precision only falls, both agree
    det_sorted = np.where(flags_sorted[:, None], gt, gt + 100)
    assert boxes.average_precision(scores, det_sorted, np.zeros(6), gt, np.zeros(6)) == pytest.approx(
        average_precision_score(flags_sorted, scores) * flags_sorted.sum() / len(gt))


def test_mean_average_precision_shape_and_perfect_detector():
    gt = np.array([[0, 0, 10, 10], [20, 20, 30, 30], [0, 20, 10, 30]], float)
    ap = boxes.mean_average_precision([0.9, 0.8, 0.7], gt, [0, 0, 1], [3, 5, 3], gt, [0, 0, 1], [3, 5, 3],
                                      iou_thresholds=np.arange(0.5, 0.96, 0.05))
    assert ap.shape == (10, 2) and np.all(ap == 1.0)


def test_anchor_boxes_centred_on_cells():
    anchors = boxes.anchor_boxes(canvas=32, grid=4, shapes=[(8, 4), (4, 8)])
    assert anchors.shape == (4, 4, 2, 4)
    np.testing.assert_allclose(anchors[0, 1, 0], [0, 10, 8, 14])
    np.testing.assert_allclose(anchors[3, 3, 1], [26, 24, 30, 32])
