"""Lesson 01 checkers accept the reference and reject wrong or unfinished answers with a hint."""
import keras
import pytest

from cnncourse import checks
from cnncourse.analysis import costs
from cnncourse.checks import CheckFailed
from cnncourse.checks.lesson01 import reference_small_cnn


def test_param_counts_accept_reference():
    checks.layer_param_counts(costs.dense_params, costs.conv2d_params)


def test_param_counts_reject_forgotten_bias():
    with pytest.raises(CheckFailed, match="bias"):
        checks.layer_param_counts(lambda n_in, n_out, use_bias=True: n_in * n_out, costs.conv2d_params)


def test_param_counts_reject_conv_without_input_channels():
    wrong = lambda k, c_in, c_out, use_bias=True: costs.conv2d_params(k, 1, c_out, use_bias)
    with pytest.raises(CheckFailed, match="c_in"):
        checks.layer_param_counts(costs.dense_params, wrong)


def test_param_counts_not_done():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.layer_param_counts(stub, stub)


def test_build_small_cnn_accepts_reference():
    checks.build_small_cnn(reference_small_cnn)


def test_build_small_cnn_rejects_sequential_and_same_padding():
    def sequential(filters=(8, 16), num_classes=10):
        return keras.Sequential([keras.Input((28, 28, 1)), *reference_small_cnn(filters, num_classes).layers[1:]])
    with pytest.raises(CheckFailed, match="functional"):
        checks.build_small_cnn(sequential)

    def same_padding(filters=(8, 16), num_classes=10):
        inputs = keras.Input((28, 28, 1))
        x = inputs
        for f in filters:
            x = keras.layers.MaxPooling2D(2)(keras.layers.Conv2D(f, 3, padding="same", activation="relu")(x))
        return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(keras.layers.Flatten()(x)))
    with pytest.raises(CheckFailed, match="outputs"):
        checks.build_small_cnn(same_padding)


def test_build_small_cnn_rejects_hard_coded_spec():
    with pytest.raises(CheckFailed):
        checks.build_small_cnn(lambda filters=(8, 16), num_classes=10: reference_small_cnn())


def test_build_small_cnn_not_done():
    def stub(filters=(8, 16), num_classes=10):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.build_small_cnn(stub)
