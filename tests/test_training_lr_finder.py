import keras
import numpy as np
import pytest

from cnncourse.training.lr_finder import lr_range_test, suggest_lr


def test_suggest_lr_is_minimum_over_factor():
    lrs = np.logspace(-4, 1, 6)
    losses = [2.0, 1.9, 1.0, 0.2, 0.1, 5.0]
    assert suggest_lr(lrs, losses, method="min/10") == pytest.approx(1.0 / 10)
    assert suggest_lr(lrs, losses) == pytest.approx(1e-2)  # the steepest drop, 1.9 -> 0.2 around 1e-2
    with pytest.raises(ValueError):
        suggest_lr(lrs, losses, method="magic")
    with pytest.raises(ValueError):
        suggest_lr([], [])


def test_range_test_increases_lr_and_stops_on_divergence():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    inp = keras.Input((6,))
    model = keras.Model(inp, keras.layers.Dense(2)(keras.layers.Dense(16, activation="relu")(inp)))
    lrs, losses = lr_range_test(model, x, y, min_lr=1e-4, max_lr=1e3, steps=60, batch_size=32)
    assert len(lrs) == len(losses) >= 10
    assert np.all(np.diff(lrs) > 0) and lrs[0] == pytest.approx(1e-4)
    assert len(lrs) < 60  # a learning rate of 1e3 must blow up before the end
    assert 1e-5 < suggest_lr(lrs, losses) < 10
