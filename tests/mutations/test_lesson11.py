"""Lesson 11 checkers reject residual blocks wired differently from the spec, wrong separable counts and wrong
batch-norm folds."""
import numpy as np
import pytest
from keras import layers

from . import assert_accepted, assert_rejected


def _block(x, filters, stride=1, *, stride_on="conv1", relu_before_bn=False, relu_before_add=False,
           always_project=False, project_without_bn=False, no_middle_relu=False, add_before_bn=False):
    s1, s2 = (stride, 1) if stride_on == "conv1" else (1, stride)
    y = layers.Conv2D(filters, 3, strides=s1, padding="same", use_bias=False)(x)
    if relu_before_bn:
        y = layers.BatchNormalization()(layers.Activation("relu")(y))
    else:
        y = layers.BatchNormalization()(y)
        if not no_middle_relu:
            y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, strides=s2, padding="same", use_bias=False)(y)
    bn = layers.BatchNormalization()
    if not add_before_bn:
        y = bn(y)
    shortcut = x
    if always_project or stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        if not project_without_bn:
            shortcut = layers.BatchNormalization()(shortcut)
    if relu_before_add:
        return layers.Add()([layers.Activation("relu")(y), layers.Activation("relu")(shortcut)])
    out = layers.Add()([y, shortcut])
    if add_before_bn:
        out = bn(out)
    return layers.Activation("relu")(out)


def residual_block(x, filters, stride=1):
    return _block(x, filters, stride)


def test_residual_block_accepts_reference():
    assert_accepted("11.residual_block", residual_block)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"stride_on": "conv2"}, "stride", id="stride-on-second-conv"),
    pytest.param({"relu_before_bn": True}, "BatchNormalization.*ReLU|order", id="relu-before-batchnorm"),
    pytest.param({"no_middle_relu": True}, "ReLU", id="no-relu-between-convs"),
    pytest.param({"relu_before_add": True}, "addition", id="relu-before-the-addition"),
    pytest.param({"add_before_bn": True}, "order|BatchNormalization", id="second-bn-after-the-addition"),
    pytest.param({"always_project": True}, "only when the shape changes", id="projection-on-identity-block"),
    pytest.param({"project_without_bn": True}, "1x1 conv with the stride, then BN", id="projection-without-bn"),
])
def test_residual_block_rejects(kwargs, match):
    assert_rejected("11.residual_block", lambda x, filters, stride=1: _block(x, filters, stride, **kwargs), match=match)


def conv_params(k, c_in, c_out, use_bias=True):
    return k * k * c_in * c_out + (c_out if use_bias else 0)


def separable_params(k, c_in, c_out, depth_multiplier=1, use_bias=True):
    mid = c_in * depth_multiplier
    return k * k * mid + mid * c_out + (c_out if use_bias else 0)


def bias_on_both_convs(k, c_in, c_out, depth_multiplier=1, use_bias=True):
    mid = c_in * depth_multiplier
    return k * k * mid + mid * c_out + ((mid + c_out) if use_bias else 0)


def multiplier_ignored(k, c_in, c_out, depth_multiplier=1, use_bias=True):
    return separable_params(k, c_in, c_out, 1, use_bias)


def pointwise_ignores_multiplier(k, c_in, c_out, depth_multiplier=1, use_bias=True):
    return k * k * c_in * depth_multiplier + c_in * c_out + (c_out if use_bias else 0)


def depthwise_mixes_channels(k, c_in, c_out, depth_multiplier=1, use_bias=True):
    mid = c_in * depth_multiplier
    return k * k * c_in * mid + mid * c_out + (c_out if use_bias else 0)


def separable_bias_forgotten(k, c_in, c_out, depth_multiplier=1, use_bias=True):
    mid = c_in * depth_multiplier
    return k * k * mid + mid * c_out


def conv_bias_per_input(k, c_in, c_out, use_bias=True):
    return k * k * c_in * c_out + (c_in if use_bias else 0)


def test_separable_accepts_reference():
    assert_accepted("11.separable_params", conv_params, separable_params)


@pytest.mark.parametrize("conv, sep, match", [
    pytest.param(conv_params, bias_on_both_convs, "bias only on the pointwise", id="bias-on-depthwise-too"),
    pytest.param(conv_params, multiplier_ignored, "depth_multiplier=2", id="depth-multiplier-ignored"),
    pytest.param(conv_params, pointwise_ignores_multiplier, r"\(C_in\*m\)\*C_out", id="pointwise-ignores-multiplier"),
    pytest.param(conv_params, depthwise_mixes_channels, "one k x k filter per input channel", id="depthwise-mixes-channels"),
    pytest.param(conv_bias_per_input, separable_params, "C_out biases", id="conv-bias-per-input-channel"),
    pytest.param(conv_params, separable_bias_forgotten, "bias only on the pointwise", id="separable-bias-forgotten"),
])
def test_separable_rejects(conv, sep, match):
    assert_rejected("11.separable_params", conv, sep, match=match)


def fold_batchnorm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    scale = gamma / np.sqrt(moving_variance + epsilon)
    bias = np.zeros_like(gamma) if bias is None else bias
    return kernel * scale, scale * (bias - moving_mean) + beta


def fold_without_epsilon(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    return fold_batchnorm(kernel, bias, gamma, beta, moving_mean, moving_variance, 0.0)


def fold_with_variance_not_std(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    scale = gamma / (moving_variance + epsilon)
    bias = np.zeros_like(gamma) if bias is None else bias
    return kernel * scale, scale * (bias - moving_mean) + beta


def fold_bias_not_scaled(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    scale = gamma / np.sqrt(moving_variance + epsilon)
    bias = np.zeros_like(gamma) if bias is None else bias
    return kernel * scale, bias - moving_mean + beta


def fold_mean_not_scaled(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    scale = gamma / np.sqrt(moving_variance + epsilon)
    bias = np.zeros_like(gamma) if bias is None else bias
    return kernel * scale, scale * bias - moving_mean + beta


def fold_along_input_axis(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    scale = gamma / np.sqrt(moving_variance + epsilon)
    bias = np.zeros_like(gamma) if bias is None else bias
    return kernel * scale[:, None], scale * (bias - moving_mean) + beta     # scales C_in, not C_out


def fold_with_initial_statistics(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    """As if BN normalised with the statistics of a fresh layer (mean 0, variance 1), not the moving ones."""
    return fold_batchnorm(kernel, bias, gamma, beta, np.zeros_like(moving_mean), np.ones_like(moving_variance), epsilon)


def fold_mean_and_variance_swapped(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon):
    return fold_batchnorm(kernel, bias, gamma, beta, moving_variance, np.abs(moving_mean), epsilon)


def test_fold_batchnorm_accepts_reference():
    assert_accepted("11.fold_batchnorm", fold_batchnorm)


@pytest.mark.parametrize("fn", [
    pytest.param(fold_without_epsilon, id="epsilon-forgotten"),
    pytest.param(fold_with_variance_not_std, id="divides-by-variance-not-std"),
    pytest.param(fold_bias_not_scaled, id="bias-not-scaled"),
    pytest.param(fold_mean_not_scaled, id="mean-not-scaled"),
    pytest.param(fold_along_input_axis, id="scale-along-input-channels"),
    pytest.param(fold_with_initial_statistics, id="initial-not-moving-statistics"),
    pytest.param(fold_mean_and_variance_swapped, id="mean-and-variance-swapped"),
])
def test_fold_batchnorm_rejects(fn):
    assert_rejected("11.fold_batchnorm", fn, match="folded conv.*Hint: scale = gamma")
