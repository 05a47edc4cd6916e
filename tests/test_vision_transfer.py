"""Transfer helpers: texture crops, freezing, heads, scratch CNN."""
import numpy as np

from cnncourse.models.efficientnet_lite import build_efficientnet_lite0
from cnncourse.vision.transfer import TEXTURES, classifier_on, count_params, freeze_all_but_top, small_cnn, texture_crops


def test_texture_crops_shapes_labels_and_determinism():
    x, y = texture_crops(3, "train", size=32)
    assert x.shape == (12, 32, 32, 3) and x.dtype == np.float32
    assert np.array_equal(y, np.repeat(np.arange(len(TEXTURES)), 3))
    assert 0 <= x.min() and x.max() <= 255 and np.array_equal(x[..., 0], x[..., 2])
    np.testing.assert_array_equal(x, texture_crops(3, "train", size=32)[0])
    assert not np.array_equal(x, texture_crops(3, "test", size=32)[0])


def test_freeze_counts():
    model = build_efficientnet_lite0((32, 32, 3), num_classes=10)
    freeze_all_but_top(model, 0)
    assert count_params(model.trainable_weights) == 0
    freeze_all_but_top(model, 1)  # head conv + head BN (gamma, beta) + classifier
    assert count_params(model.trainable_weights) == 320 * 1280 + 2 * 1280 + 1280 * 10 + 10
    freeze_all_but_top(model, 100)
    assert count_params(model.trainable_weights) == count_params(model.weights) - 2 * sum(
        w.shape[0] for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"
        for w in layer.weights[:1])


def test_classifier_on_and_small_cnn_shapes():
    base = build_efficientnet_lite0((32, 32, 3), include_top=False)
    clf = classifier_on(base, 3)
    assert clf.output_shape == (None, 3)
    cnn = small_cnn((28, 28, 1), 10, filters=(4, 8))
    assert cnn.output_shape == (None, 10)
    assert cnn.count_params() == (9 * 4 + 4) + (9 * 4 * 8 + 8) + (8 * 10 + 10)


def test_small_cnn_flatten_variant():
    cnn = small_cnn((28, 28, 1), 10, filters=(16, 32), head="flatten")
    assert cnn.count_params() == (9 * 16 + 16) + (9 * 16 * 32 + 32) + (7 * 7 * 32 * 10 + 10)
