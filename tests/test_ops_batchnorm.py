"""The NumPy batch normalization against keras.layers.BatchNormalization and numerical gradients."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cnncourse.ops import batchnorm_backward, batchnorm_forward, numerical_gradient, relative_error

SHAPES = [(6, 5), (3, 4, 5, 2)]


def keras_bn(x, gamma, beta, mean, var, momentum, eps, training):
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=eps, dtype="float64")
    layer.build(x.shape)
    layer.set_weights([gamma, beta, mean, var])
    out = layer(tf.constant(x), training=training).numpy()
    return out, layer.moving_mean.numpy(), layer.moving_variance.numpy()


def inputs(shape, seed):
    rng = np.random.default_rng(seed)
    c = shape[-1]
    x = rng.normal(2.0, 3.0, shape) * rng.uniform(0.01, 2.0, c)
    return x, rng.normal(1, 0.5, c), rng.normal(0, 0.5, c), rng.normal(0, 1, c), rng.uniform(0.5, 2, c)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["train", "test"])
def test_forward_matches_keras(shape, mode):
    x, gamma, beta, mean, var = inputs(shape, 0)
    param = {"mode": mode, "momentum": 0.9, "eps": 1e-3, "running_mean": mean.copy(), "running_var": var.copy()}
    out, _ = batchnorm_forward(x, gamma, beta, param)
    expected, moving_mean, moving_var = keras_bn(x, gamma, beta, mean, var, 0.9, 1e-3, mode == "train")
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(param["running_mean"], moving_mean, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(param["running_var"], moving_var, rtol=1e-6, atol=1e-10)
    if mode == "test":
        np.testing.assert_array_equal(param["running_mean"], mean)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["train", "test"])
def test_backward_matches_numerical_gradient_and_tf(shape, mode):
    x, gamma, beta, mean, var = inputs(shape, 1)
    dout = np.random.default_rng(2).normal(size=shape)

    def forward(x_, g_, b_):
        return batchnorm_forward(x_, g_, b_, {"mode": mode, "running_mean": mean, "running_var": var})[0]

    _, cache = batchnorm_forward(x, gamma, beta, {"mode": mode, "running_mean": mean, "running_var": var})
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert relative_error(dx, numerical_gradient(lambda v: forward(v, gamma, beta), x.copy(), dout)) < 1e-6
    assert relative_error(dgamma, numerical_gradient(lambda g: forward(x, g, beta), gamma.copy(), dout)) < 1e-6
    assert relative_error(dbeta, numerical_gradient(lambda b: forward(x, gamma, b), beta.copy(), dout)) < 1e-6
    layer = keras.layers.BatchNormalization(epsilon=1e-3, dtype="float64")
    layer.build(shape)
    layer.set_weights([gamma, beta, mean, var])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, training=mode == "train")
    tdx, tdg, tdb = tape.gradient(y, [xt, layer.gamma.value, layer.beta.value], output_gradients=tf.constant(dout))
    np.testing.assert_allclose(dx, tdx.numpy(), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dgamma, tdg.numpy(), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dbeta, tdb.numpy(), rtol=1e-6, atol=1e-9)


def test_bad_input_named():
    with pytest.raises(ValueError, match="mode"):
        batchnorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), {"mode": "eval"})
    with pytest.raises(ValueError, match="shape"):
        batchnorm_forward(np.ones(3), np.ones(3), np.zeros(3), {"mode": "train"})
