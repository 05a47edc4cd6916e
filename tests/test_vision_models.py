"""Detection and segmentation model builders: shapes, a finite loss, U-Net parameter count."""
import numpy as np

from cnncourse.models.detection import build_grid_detector, detection_loss
from cnncourse.models.segmentation import build_unet


def test_grid_detector_shape_and_loss():
    model = build_grid_detector(input_shape=(32, 32, 1), n_classes=10)
    assert model.output_shape == (None, 4, 4, 15)
    y_true = np.zeros((2, 4, 4, 6), np.float32)
    y_true[0, 1, 2] = [1, 0.5, 0.5, 0.3, 0.4, 3]
    loss = float(detection_loss(y_true, model(np.zeros((2, 32, 32, 1), np.float32))))
    assert np.isfinite(loss) and loss > 0


def test_unet_shape_and_params():
    model = build_unet(input_shape=(32, 32, 1), n_classes=11, filters=(8, 16))
    assert model.output_shape == (None, 32, 32, 11)
    conv = lambda cin, cout: 9 * cin * cout + 4 * cout        # conv without bias + batch norm (4 per channel)
    expected = (conv(1, 8) + conv(8, 8) + conv(8, 16) + conv(16, 16) + conv(16, 32) + conv(32, 32)
                + (4 * 32 * 16 + 16) + conv(32, 16) + conv(16, 16)
                + (4 * 16 * 8 + 8) + conv(16, 8) + conv(8, 8) + (8 * 11 + 11))
    assert model.count_params() == expected
    np.testing.assert_allclose(model(np.zeros((1, 32, 32, 1), np.float32)).numpy().sum(-1), 1, atol=1e-5)
