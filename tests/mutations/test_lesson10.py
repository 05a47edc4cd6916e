"""Lesson 10 checkers reject LeNet-5 variants that differ from the spec and wrong MAC counts."""
import keras
import pytest
from keras import layers

from . import assert_accepted, assert_rejected


def _lenet(input_shape=(28, 28, 1), num_classes=10, act="tanh", pool=layers.AveragePooling2D, c3_padding="valid",
           head="softmax", dropout=False, sequential=False, f6_act=None, c1_padding="same", c3_kernel=5,
           c5_dense=False, use_bias=True, pool_strides=None):
    f6_act = f6_act or act
    c5 = ([layers.Flatten(), layers.Dense(120, activation=act, use_bias=use_bias)] if c5_dense else
          [layers.Conv2D(120, 5, activation=act, use_bias=use_bias), layers.Flatten()])
    stack = [layers.Conv2D(6, 5, padding=c1_padding, activation=act, use_bias=use_bias), pool(2, strides=pool_strides),
             layers.Conv2D(16, c3_kernel, padding=c3_padding, activation=act, use_bias=use_bias),
             pool(2, strides=pool_strides), *c5,
             layers.Dense(84, activation=f6_act, use_bias=use_bias)]
    if dropout:
        stack.append(layers.Dropout(0.5))
    stack.append(layers.Dense(num_classes, activation=head))
    if sequential:
        return keras.Sequential([keras.Input(input_shape), *stack])
    inputs = x = keras.Input(shape=input_shape)
    for layer in stack:
        x = layer(x)
    return keras.Model(inputs, x)


def build_lenet5(input_shape=(28, 28, 1), num_classes=10):
    return _lenet(input_shape, num_classes)


def activation_layers_instead_of_argument(input_shape=(28, 28, 1), num_classes=10):
    inputs = keras.Input(shape=input_shape)
    x = layers.Activation("tanh")(layers.Conv2D(6, 5, padding="same")(inputs))
    x = layers.AveragePooling2D(2)(x)
    x = layers.Activation("tanh")(layers.Conv2D(16, 5)(x))
    x = layers.AveragePooling2D(2)(x)
    x = layers.Flatten()(layers.Activation("tanh")(layers.Conv2D(120, 5)(x)))
    x = layers.Activation("tanh")(layers.Dense(84)(x))
    return keras.Model(inputs, layers.Softmax()(layers.Dense(num_classes)(x)))


def test_lenet_accepts_reference_and_separate_activation_layers():
    assert_accepted("10.lenet5", build_lenet5)
    assert_accepted("10.lenet5", activation_layers_instead_of_argument)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"act": "relu"}, "tanh", id="relu-instead-of-tanh"),
    pytest.param({"pool": layers.MaxPooling2D}, "average pooling", id="max-pooling-instead-of-average"),
    pytest.param({"act": "relu", "pool": layers.MaxPooling2D}, "tanh|average", id="modernised-relu-and-max-pool"),
    pytest.param({"f6_act": "relu"}, "tanh", id="f6-relu"),
    pytest.param({"c3_padding": "same"}, "C3 and C5 'valid'", id="c3-same-padding"),
    pytest.param({"head": None}, "softmax", id="no-softmax"),
    pytest.param({"dropout": True}, "Dropout", id="extra-dropout"),
    pytest.param({"sequential": True}, "functional", id="sequential-model"),
    pytest.param({"act": "sigmoid"}, "tanh", id="sigmoid-instead-of-tanh"),
    pytest.param({"c3_kernel": (5, 3), "c3_padding": "same"}, r"expected 16 filters of 5x5", id="c3-non-square-kernel"),
    pytest.param({"c5_dense": True}, "3 convolution layers", id="c5-as-dense-layer"),
    pytest.param({"use_bias": False}, "every conv and Dense layer has a bias", id="no-biases"),
    pytest.param({"pool_strides": 1}, "C3 and C5 'valid'|outputs", id="subsampling-with-stride-1"),
])
def test_lenet_rejects(kwargs, match):
    assert_rejected("10.lenet5", lambda input_shape=(28, 28, 1), num_classes=10: _lenet(input_shape, num_classes, **kwargs),
                    match=match)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def conv_macs(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    if padding == "same":
        h_out, w_out = -(-h // sh), -(-w // sw)
    else:
        h_out, w_out = (h - kh) // sh + 1, (w - kw) // sw + 1
    return h_out * w_out * kh * kw * c_in * c_out


def flops_not_macs(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    return 2 * conv_macs(input_hw, c_in, c_out, kernel, stride, padding)


def stride_ignored(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    return conv_macs(input_hw, c_in, c_out, kernel, 1, padding)


def same_uses_floor(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    h_out, w_out = ((h // sh, w // sw) if padding == "same" else ((h - kh) // sh + 1, (w - kw) // sw + 1))
    return h_out * w_out * kh * kw * c_in * c_out


def square_kernel_assumed(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    k = _pair(kernel)[0]
    return conv_macs(input_hw, c_in, c_out, (k, k), stride, padding)


def square_stride_assumed(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    s = _pair(stride)[0]
    return conv_macs(input_hw, c_in, c_out, kernel, (s, s), padding)


def valid_off_by_one(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    if padding == "same":
        return conv_macs(input_hw, c_in, c_out, kernel, stride, padding)
    return ((h - kh + 1) // sh) * ((w - kw + 1) // sw) * kh * kw * c_in * c_out


def valid_width_from_kernel_height(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    if padding == "same":
        return conv_macs(input_hw, c_in, c_out, kernel, stride, padding)
    return ((h - kh) // sh + 1) * ((w - kh) // sw + 1) * kh * kw * c_in * c_out


def counts_bias_adds(input_hw, c_in, c_out, kernel, stride=1, padding="same"):
    macs = conv_macs(input_hw, c_in, c_out, kernel, stride, padding)
    return macs + macs // (_pair(kernel)[0] * _pair(kernel)[1] * c_in)


def test_conv_macs_accepts_reference():
    assert_accepted("10.conv_flops", conv_macs)


@pytest.mark.parametrize("fn, match", [
    pytest.param(flops_not_macs, "not FLOPs", id="flops-not-macs"),
    pytest.param(stride_ignored, "stride shrinks", id="stride-ignored"),
    pytest.param(same_uses_floor, "ceil", id="same-padding-floor"),
    pytest.param(square_kernel_assumed, r"kernel=\(3, [15]\)", id="non-square-kernel-as-square"),
    pytest.param(square_stride_assumed, r"stride=\(2, [13]\)", id="non-square-stride-as-square"),
    pytest.param(valid_off_by_one, "valid", id="valid-output-off-by-one"),
    pytest.param(valid_width_from_kernel_height, r"\(3, 5\)", id="valid-non-square-kernel-width-from-kh"),
    pytest.param(counts_bias_adds, "MACs", id="bias-adds-counted"),
])
def test_conv_macs_rejects(fn, match):
    assert_rejected("10.conv_flops", fn, match=match)
