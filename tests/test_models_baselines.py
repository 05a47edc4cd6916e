"""The baseline builders: functional models, output shapes and parameter counts computed by hand."""
import keras
import numpy as np

from cnncourse.models.baselines import compact_cnn, dense_net


def test_dense_net():
    model = dense_net(hidden=(64, 32), num_classes=5)
    assert not isinstance(model, keras.Sequential)
    assert model.count_params() == (784 * 64 + 64) + (64 * 32 + 32) + (32 * 5 + 5)
    assert model(np.zeros((3, 28, 28, 1), np.float32)).shape == (3, 5)


def test_compact_cnn_with_and_without_pooling():
    pooled, full = compact_cnn(), compact_cnn(pooling=False)
    conv = (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 32 + 32)
    assert pooled.count_params() == conv + 7 * 7 * 32 * 10 + 10
    assert full.count_params() == conv + 28 * 28 * 32 * 10 + 10
    assert [l.name for l in pooled.layers if "pool" in l.name] == ["pool1", "pool2"]
    assert not any("pool" in l.name for l in full.layers)
    assert pooled(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 10)


def test_compact_cnn_other_input():
    model = compact_cnn(input_shape=(32, 32, 3), filters=(8,), num_classes=4)
    assert model.count_params() == (3 * 3 * 3 * 8 + 8) + 16 * 16 * 8 * 4 + 4
