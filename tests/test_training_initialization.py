import keras
import numpy as np
import pytest

from cnncourse.training.initialization import (deep_conv_stack, fans, glorot_uniform, he_normal, he_std,
                                      layer_statistics, mean_square_gains)


@pytest.mark.parametrize("shape", [(20, 30), (3, 3, 8, 16), (5, 5, 1, 4)])
def test_fans_match_keras_variance_scaling(shape):
    # keras.initializers.VarianceScaling(scale=1, mode="fan_in", "uniform") has limit sqrt(3 / fan_in)
    w = keras.initializers.VarianceScaling(1.0, "fan_in", "uniform", seed=0)(shape).numpy()
    fan_in, fan_out = fans(shape)
    assert np.max(np.abs(w)) <= np.sqrt(3.0 / fan_in) + 1e-7
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    assert (fan_in, fan_out) == (shape[-2] * receptive, shape[-1] * receptive)


def test_reference_initialisers_have_target_variance():
    rng = np.random.default_rng(0)
    shape = (3, 3, 64, 64)
    assert abs(he_normal(shape, rng).var() / he_std(shape) ** 2 - 1) < 0.05
    g = glorot_uniform(shape, rng)
    fan_in, fan_out = fans(shape)
    assert abs(g.var() / (2 / (fan_in + fan_out)) - 1) < 0.05   # Glorot's variance
    assert np.max(np.abs(g)) <= np.sqrt(6 / (576 + 576))


def test_keras_he_normal_std_matches_formula():
    shape = (3, 3, 32, 64)
    w = keras.initializers.HeNormal(seed=1)(shape).numpy()
    assert abs(w.std() / he_std(shape) - 1) < 0.05


def test_layer_statistics_shapes_and_zero_init():
    x = np.random.default_rng(0).normal(size=(8, 12, 12, 1)).astype("float32")
    y = np.arange(8) % 10
    model = deep_conv_stack("zeros", depth=3, filters=4, input_shape=(12, 12, 1))
    stats = layer_statistics(model, x, y)
    assert set(stats) == {"activation_std", "gradient_std", "kernel_grad_std"}
    assert all(v.shape == (3,) for v in stats.values())
    assert np.all(stats["activation_std"] == 0) and np.all(stats["kernel_grad_std"] == 0)


def test_he_keeps_scale_better_than_glorot():
    x = np.random.default_rng(0).normal(size=(16, 12, 12, 1)).astype("float32")
    y = np.arange(16) % 10
    he = layer_statistics(deep_conv_stack("he_normal", depth=8, filters=16, input_shape=(12, 12, 1)), x, y)
    gl = layer_statistics(deep_conv_stack("glorot_normal", depth=8, filters=16, input_shape=(12, 12, 1)), x, y)
    assert he["activation_std"][-1] > 3 * gl["activation_std"][-1]


def test_mean_square_gains_follow_the_initialiser_scale():
    x = np.random.default_rng(0).normal(size=(16, 12, 12, 1)).astype("float32")
    he = np.concatenate([mean_square_gains(deep_conv_stack("he_normal", depth=5, filters=32, input_shape=(12, 12, 1), seed=s), x)
                         for s in range(3)])
    glorot = np.concatenate([mean_square_gains(deep_conv_stack("glorot_normal", depth=5, filters=32, input_shape=(12, 12, 1),
                                                               seed=s), x) for s in range(3)])
    assert he.shape == (12,)
    assert 0.7 < he.mean() < 1.2 and 0.35 < glorot.mean() < 0.6, (he.mean(), glorot.mean())


def test_mean_square_gains_needs_two_conv_layers():
    with pytest.raises(ValueError, match="at least 2 Conv2D"):
        mean_square_gains(deep_conv_stack("he_normal", depth=1, filters=4, input_shape=(8, 8, 1)), np.zeros((1, 8, 8, 1)))
