"""Checkers of lessons 10 and 11 accept the reference and reject wrong or unfinished answers."""
import keras
import pytest
from keras import layers

from cnncourse import checks
from cnncourse.analysis import flops
from cnncourse.checks import CheckFailed
from cnncourse.models import classic, modern


def test_lenet5_checker():
    checks.lenet5(classic.lenet5)

    def relu_max_but_wrong_c1(input_shape=(28, 28, 1), num_classes=10):
        inputs = keras.Input(input_shape)
        x = layers.Conv2D(6, 5, activation="tanh")(inputs)           # 'valid': 24x24, shapes go wrong
        x = layers.AveragePooling2D(2)(x)
        x = layers.Conv2D(16, 5, activation="tanh")(x)
        x = layers.AveragePooling2D(2)(x)
        x = layers.Flatten()(x)
        x = layers.Dense(84, activation="tanh")(x)
        return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))

    with pytest.raises(CheckFailed, match="3 convolution layers"):
        checks.lenet5(relu_max_but_wrong_c1)

    def unfinished(input_shape=(28, 28, 1), num_classes=10):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.lenet5(unfinished)


def test_conv_flops_checker():
    checks.conv_flops(flops.conv_macs)

    def ignores_stride(hw, c_in, c_out, kernel, stride=1, padding="same"):
        return flops.conv_macs(hw, c_in, c_out, kernel, 1, padding)

    with pytest.raises(CheckFailed, match="stride"):
        checks.conv_flops(ignores_stride)

    def flops_not_macs(hw, c_in, c_out, kernel, stride=1, padding="same"):
        return 2 * flops.conv_macs(hw, c_in, c_out, kernel, stride, padding)

    with pytest.raises(CheckFailed, match="MACs"):
        checks.conv_flops(flops_not_macs)

    def unfinished(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.conv_flops(unfinished)


def test_residual_block_checker():
    checks.residual_block(modern.residual_block)

    def no_shortcut(x, filters, stride=1):
        return modern.plain_block(x, filters, stride, name="p")

    with pytest.raises(CheckFailed):
        checks.residual_block(no_shortcut)

    def always_identity(x, filters, stride=1):   # no projection: breaks when the shape changes
        y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
        y = layers.BatchNormalization()(y)
        y = layers.Activation("relu")(y)
        y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
        y = layers.BatchNormalization()(y)
        return layers.Activation("relu")(layers.Add()([y, x]))

    with pytest.raises(CheckFailed):
        checks.residual_block(always_identity)

    def unfinished(x, filters, stride=1):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.residual_block(unfinished)


def test_separable_params_checker():
    checks.separable_params(flops.conv_params, flops.separable_params)

    def bias_on_both(k, c_in, c_out, depth_multiplier=1, use_bias=True):
        return flops.separable_params(k, c_in, c_out, depth_multiplier, use_bias) + (c_in * depth_multiplier if use_bias else 0)

    with pytest.raises(CheckFailed, match="pointwise"):
        checks.separable_params(flops.conv_params, bias_on_both)

    def unfinished(*args, **kwargs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.separable_params(unfinished, unfinished)
