"""Detection and segmentation model builders: shapes, the detection loss on hand-made predictions, U-Net parameter count."""
import numpy as np

from cnncourse.models.detection import build_grid_detector, detection_loss
from cnncourse.models.segmentation import build_unet


def perfect_prediction(y_true, n_classes=10, big=30.0):
    """Logits that agree with ``y_true`` everywhere: confident objectness and class, exact boxes."""
    pred = np.full(y_true.shape[:-1] + (5 + n_classes,), -big, np.float32)
    pred[..., 0] = np.where(y_true[..., 0] > 0, big, -big)
    box = np.clip(y_true[..., 1:5], 1e-6, 1 - 1e-6)
    pred[..., 1:5] = np.log(box / (1 - box))                     # sigmoid(pred) == the target box
    np.put_along_axis(pred[..., 5:], y_true[..., 5:6].astype(int), big, axis=-1)
    return pred


def test_grid_detector_shape_and_loss():
    model = build_grid_detector(input_shape=(32, 32, 1), n_classes=10)
    assert model.output_shape == (None, 4, 4, 15)
    y_true = np.zeros((2, 4, 4, 6), np.float32)
    y_true[0, 1, 2] = [1, 0.5, 0.5, 0.3, 0.4, 3]
    loss = lambda pred: float(detection_loss(y_true, pred))
    perfect = perfect_prediction(y_true)
    assert loss(perfect) < 1e-6
    wrong_class = perfect.copy()
    wrong_class[0, 1, 2, 5 + 3], wrong_class[0, 1, 2, 5 + 7] = -30.0, 30.0
    assert np.isclose(loss(wrong_class), 60.0, rtol=1e-4)        # one object: cross-entropy 30 - (-30)
    off_box = perfect.copy()
    off_box[0, 1, 2, 3] = 0.0                                    # height 0.3 -> sigmoid(0) = 0.5
    assert np.isclose(loss(off_box), 5.0 * 0.2 ** 2, rtol=1e-4)  # box_weight x squared error, on the object only
    missed = perfect.copy()
    missed[0, 1, 2, 0] = -30.0                                   # the object's cell says "nothing here"
    assert np.isclose(loss(missed), 5.0 * 30.0 / 32, rtol=1e-4)  # pos_weight x 30, averaged over 2 x 4 x 4 cells
    untrained = loss(model(np.zeros((2, 32, 32, 1), np.float32)))
    assert untrained > 100 * loss(perfect)


def test_unet_shape_and_params():
    model = build_unet(input_shape=(32, 32, 1), n_classes=11, filters=(8, 16))
    assert model.output_shape == (None, 32, 32, 11)
    conv = lambda cin, cout: 9 * cin * cout + 4 * cout        # conv without bias + batch norm (4 per channel)
    expected = (conv(1, 8) + conv(8, 8) + conv(8, 16) + conv(16, 16) + conv(16, 32) + conv(32, 32)
                + (4 * 32 * 16 + 16) + conv(32, 16) + conv(16, 16)
                + (4 * 16 * 8 + 8) + conv(16, 8) + conv(8, 8) + (8 * 11 + 11))
    assert model.count_params() == expected
    np.testing.assert_allclose(model(np.zeros((1, 32, 32, 1), np.float32)).numpy().sum(-1), 1, atol=1e-5)
