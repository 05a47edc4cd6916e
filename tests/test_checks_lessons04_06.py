"""Each checker of lessons 04-06 passes the reference and rejects wrong or unfinished answers."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cnncourse import checks, ops
from cnncourse.ops import tinynet
from cnncourse.training import loop as training
from cnncourse.ops.activations import ACTIVATIONS
from cnncourse.checks import CheckFailed


def stub(*args, **kwargs):
    raise NotImplementedError()


# ---- 04
def good_activation(name, x):
    f, df = ACTIVATIONS[name]
    return f(x), df(x)


def naive_sigmoid_activation(name, x):
    y, dy = good_activation(name, x)
    if name == "sigmoid":
        dy = y  # forgot the (1 - y) factor
    return y, dy


def good_ce(logits, labels):
    return ops.softmax_cross_entropy(logits, labels)


def naive_ce(logits, labels):
    n = len(labels)
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(n), labels]).mean()
    g = p.copy()
    g[np.arange(n), labels] -= 1
    return loss, g / n


def test_lesson04_checkers():
    checks.activation_grads(good_activation)
    checks.stable_softmax_cross_entropy(good_ce)
    with pytest.raises(CheckFailed, match="sigmoid"):
        checks.activation_grads(naive_sigmoid_activation)
    with pytest.raises(CheckFailed, match="subtract"):
        checks.stable_softmax_cross_entropy(naive_ce)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.stable_softmax_cross_entropy(stub)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.activation_grads(stub)


# ---- 05
def good_conv_backward(dout, x, w, stride=1, pad=0):
    _, cache = ops.conv2d_forward(x, w, np.zeros(w.shape[3]), stride, pad)
    return ops.conv2d_backward(dout, cache)


def unflipped_dx(dout, x, w, stride=1, pad=0):
    dx, dw, db = good_conv_backward(dout, x, w, stride, pad)
    return dx, dw * 0.5, db


def test_lesson05_checkers():
    checks.conv2d_backward(good_conv_backward)
    with pytest.raises(CheckFailed, match="dw"):
        checks.conv2d_backward(unflipped_dx)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.conv2d_backward(stub)


# ---- 06
def test_lesson06_checkers():
    checks.momentum_update(training.momentum_update)
    with pytest.raises(CheckFailed, match="velocity"):
        checks.momentum_update(lambda w, g, v, lr, m=0.9: (w - lr * g, v))
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.momentum_update(stub)
