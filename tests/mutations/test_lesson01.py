"""Lesson 01 checkers reject plausible wrong parameter counts and CNNs built off-spec."""
import keras
import pytest
from keras import layers

from . import assert_accepted, assert_rejected


def dense_params(n_in, n_out, use_bias=True):
    return n_in * n_out + (n_out if use_bias else 0)


def conv2d_params(kernel_size, c_in, c_out, use_bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return kh * kw * c_in * c_out + (c_out if use_bias else 0)


def dense_bias_always(n_in, n_out, use_bias=True):
    return n_in * n_out + n_out


def dense_bias_per_input(n_in, n_out, use_bias=True):
    return n_in * n_out + (n_in if use_bias else 0)


def conv_square_from_first(kernel_size, c_in, c_out, use_bias=True):
    k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
    return k * k * c_in * c_out + (c_out if use_bias else 0)


def conv_without_c_in(kernel_size, c_in, c_out, use_bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return kh * kw * c_out + (c_out if use_bias else 0)


def conv_bias_per_input_channel(kernel_size, c_in, c_out, use_bias=True):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    return kh * kw * c_in * c_out + (c_in if use_bias else 0)


def test_param_counts_accept_reference():
    assert_accepted("01.layer_param_counts", dense_params, conv2d_params)


@pytest.mark.parametrize("dense, conv, match", [
    pytest.param(dense_bias_always, conv2d_params, "use_bias=False", id="dense-bias-always"),
    pytest.param(dense_bias_per_input, conv2d_params, "dense_params", id="dense-bias-per-input"),
    pytest.param(dense_params, conv_square_from_first, r"\(5, 3\)", id="conv-non-square-as-square"),
    pytest.param(dense_params, conv_without_c_in, "c_in", id="conv-forgets-input-channels"),
    pytest.param(dense_params, conv_bias_per_input_channel, "conv2d_params", id="conv-bias-per-input-channel"),
])
def test_param_counts_reject(dense, conv, match):
    assert_rejected("01.layer_param_counts", dense, conv, match=match)


def build_small_cnn(filters=(8, 16), num_classes=10):
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for f in filters:
        x = layers.Conv2D(f, 3, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def _small_cnn(filters, num_classes, conv_kwargs=None, pool=layers.MaxPooling2D, head_activation="softmax"):
    conv_kwargs = {"activation": "relu"} if conv_kwargs is None else conv_kwargs
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for f in filters:
        x = layers.Conv2D(f, 3, **conv_kwargs)(x)
        x = pool(2)(x)
    x = layers.Flatten()(x)
    return keras.Model(inputs, layers.Dense(num_classes, activation=head_activation)(x))


def sequential_cnn(filters=(8, 16), num_classes=10):
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(filters[0], 3, activation="relu"),
                             layers.MaxPooling2D(2), layers.Conv2D(filters[1], 3, activation="relu"),
                             layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(num_classes, activation="softmax")])


def same_padding(filters=(8, 16), num_classes=10):
    return _small_cnn(filters, num_classes, {"activation": "relu", "padding": "same"})


def no_relu(filters=(8, 16), num_classes=10):
    return _small_cnn(filters, num_classes, {})


def logits_out(filters=(8, 16), num_classes=10):
    return _small_cnn(filters, num_classes, head_activation=None)


def average_pooling(filters=(8, 16), num_classes=10):
    return _small_cnn(filters, num_classes, pool=layers.AveragePooling2D)


def hard_coded_filters(filters=(8, 16), num_classes=10):
    return _small_cnn((8, 16), num_classes)


def extra_hidden_dense(filters=(8, 16), num_classes=10):
    inputs = keras.Input(shape=(28, 28, 1))
    x = inputs
    for f in filters:
        x = layers.MaxPooling2D(2)(layers.Conv2D(f, 3, activation="relu")(x))
    x = layers.Dense(64, activation="relu")(layers.Flatten()(x))
    return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))


def test_small_cnn_accepts_reference():
    assert_accepted("01.build_small_cnn", build_small_cnn)


@pytest.mark.parametrize("build, match", [
    pytest.param(sequential_cnn, "functional", id="sequential-model"),
    pytest.param(same_padding, "padding='valid'", id="same-padding"),
    pytest.param(no_relu, "activation 'linear', expected 'relu'", id="conv-without-relu"),
    pytest.param(logits_out, "'softmax'", id="logits-instead-of-softmax"),
    pytest.param(average_pooling, "AveragePooling2D", id="average-pooling"),
    pytest.param(hard_coded_filters, "filters=", id="ignores-filters-argument"),
    pytest.param(extra_hidden_dense, "layers are", id="extra-hidden-dense"),
])
def test_small_cnn_rejects(build, match):
    assert_rejected("01.build_small_cnn", build, match=match)
