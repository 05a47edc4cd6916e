"""Activation functions and their derivatives in NumPy (lesson 04's references).

Course tooling: the references behind lesson 04's checker and tests (the lesson itself imports none of it,
since these are the answers to its exercise).

Each entry of :data:`ACTIVATIONS` maps a name to ``(f, df)``; both take and return arrays.
Conventions match TensorFlow: ReLU'(0) = 0, leaky ReLU slope 0.2, exact (erf) GELU.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import erf

NEGATIVE_SLOPE = 0.2  # keras.activations.leaky_relu / tf.nn.leaky_relu default


def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    return (x > 0).astype(np.result_type(x, np.float32))


def leaky_relu(x, negative_slope: float = NEGATIVE_SLOPE):
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_grad(x, negative_slope: float = NEGATIVE_SLOPE):
    return np.where(x > 0, 1.0, negative_slope)


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1.0 - np.tanh(x) ** 2


def _phi(x):  # standard normal density
    return np.exp(-0.5 * np.asarray(x, dtype=np.float64) ** 2) / math.sqrt(2 * math.pi)


def _Phi(x):  # standard normal CDF
    return 0.5 * (1.0 + erf(np.asarray(x, dtype=np.float64) / math.sqrt(2)))


def gelu(x):
    """Exact GELU: x * Phi(x) (``tf.nn.gelu(x, approximate=False)``)."""
    return x * _Phi(x)


def gelu_grad(x):
    return _Phi(x) + x * _phi(x)


ACTIVATIONS = {
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "gelu": (gelu, gelu_grad),
}


def tf_activation(name: str):
    """The TensorFlow function of the same name (for GradientTape comparisons)."""
    import tensorflow as tf

    return {
        "relu": tf.nn.relu,
        "leaky_relu": lambda x: tf.nn.leaky_relu(x, alpha=NEGATIVE_SLOPE),
        "sigmoid": tf.nn.sigmoid,
        "tanh": tf.nn.tanh,
        "gelu": lambda x: tf.nn.gelu(x, approximate=False),
    }[name]


def tape_value_and_grad(name: str, x):
    """``(f(x), f'(x))`` of TF's activation by GradientTape (elementwise, so grad of the sum)."""
    import tensorflow as tf

    t = tf.constant(np.asarray(x, dtype=np.float64))
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf_activation(name)(t)
    return y.numpy(), tape.gradient(y, t).numpy()
