"""Lesson 04 checkers reject plausible wrong activation derivatives and unstable or mis-scaled losses."""
import numpy as np
import pytest
from scipy.special import erf

from . import assert_accepted, assert_rejected


def activation_with_grad(name, x, *, relu_at_zero=0.0, leaky=0.2, tanh_square=True, gelu="exact", sigmoid_grad=True):
    x = np.asarray(x, dtype=np.float64)
    if name == "relu":
        return np.maximum(x, 0.0), np.where(x > 0, 1.0, np.where(x == 0, relu_at_zero, 0.0))
    if name == "leaky_relu":
        return np.where(x > 0, x, leaky * x), np.where(x > 0, 1.0, leaky)
    if name == "sigmoid":
        s = 0.5 * (1.0 + np.tanh(0.5 * x))
        return s, s * (1.0 - s) if sigmoid_grad else s
    if name == "tanh":
        t = np.tanh(x)
        return t, 1.0 - t ** 2 if tanh_square else 1.0 - t
    if name == "gelu":
        cdf = 0.5 * (1.0 + erf(x / np.sqrt(2.0)))
        pdf = np.exp(-0.5 * x ** 2) / np.sqrt(2.0 * np.pi)
        if gelu == "tanh-approximation":
            inner = np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)
            t = np.tanh(inner)
            return 0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t ** 2) * np.sqrt(2 / np.pi) * (1 + 3 * 0.044715 * x ** 2)
        return x * cdf, cdf if gelu == "cdf-only" else cdf + x * pdf
    raise ValueError(name)


def test_activations_accept_reference():
    assert_accepted("04.activation_grads", activation_with_grad)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"relu_at_zero": 1.0}, r"relu'\(x\).*slope", id="relu-grad-1-at-zero"),
    pytest.param({"relu_at_zero": 0.5}, r"relu'\(x\)", id="relu-grad-half-at-zero"),
    pytest.param({"leaky": 0.01}, r"leaky_relu\(x\)", id="leaky-slope-0.01"),
    pytest.param({"leaky": 0.3}, r"leaky_relu\(x\)", id="leaky-keras-layer-default-0.3"),
    pytest.param({"tanh_square": False}, r"tanh'\(x\).*tanh\(x\)\^2", id="tanh-grad-without-square"),
    pytest.param({"sigmoid_grad": False}, r"sigmoid'\(x\)", id="sigmoid-grad-is-sigmoid"),
    pytest.param({"gelu": "tanh-approximation"}, r"gelu\(x\)", id="gelu-tanh-approximation"),
    pytest.param({"gelu": "cdf-only"}, "product rule", id="gelu-grad-without-product-rule"),
])
def test_activations_reject(kwargs, match):
    assert_rejected("04.activation_grads", lambda name, x: activation_with_grad(name, x, **kwargs), match=match)


def relu_in_place(name, x):
    """ReLU written with out=x: the values are right, but the caller's pre-activations are overwritten."""
    if name == "relu":
        np.maximum(x, 0.0, out=x)
        return x, (x > 0).astype(float)
    return activation_with_grad(name, x)


def test_activations_reject_relu_in_place():
    assert_rejected("04.activation_grads", relu_in_place, match="changed its input `x` in place")


def softmax_cross_entropy_stable(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), labels] -= 1.0
    return loss, dlogits / n


def _onehot(labels, k):
    return np.eye(k)[labels]


def no_max_subtraction(logits, labels):
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return -np.log(p[np.arange(len(labels)), labels]).mean(), (p - _onehot(labels, logits.shape[1])) / len(labels)


def global_max_subtraction(logits, labels):
    with np.errstate(all="ignore"):
        e = np.exp(logits - logits.max())
        p = e / e.sum(axis=1, keepdims=True)
        return -np.log(p[np.arange(len(labels)), labels]).mean(), (p - _onehot(labels, logits.shape[1])) / len(labels)


def log_of_clipped_softmax(logits, labels):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(labels)), labels] + 1e-12).mean(), (p - _onehot(labels, logits.shape[1])) / len(labels)


def summed_not_averaged(logits, labels):
    loss, grad = softmax_cross_entropy_stable(logits, labels)
    return loss * len(labels), grad * len(labels)


def gradient_not_divided_by_n(logits, labels):
    loss, grad = softmax_cross_entropy_stable(logits, labels)
    return loss, grad * len(labels)


def softmax_over_batch_axis(logits, labels):
    shifted = logits - logits.max(axis=0, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    n = len(labels)
    return -log_p[np.arange(n), labels].mean(), (np.exp(log_p) - _onehot(labels, logits.shape[1])) / n


def max_subtracted_in_place(logits, labels):
    n = len(labels)
    logits -= logits.max(axis=1, keepdims=True)          # the caller's logits are now shifted
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_p[np.arange(n), labels].mean(), (np.exp(log_p) - _onehot(labels, logits.shape[1])) / n


def test_cross_entropy_accepts_reference():
    assert_accepted("04.stable_softmax_cross_entropy", softmax_cross_entropy_stable)


@pytest.mark.parametrize("fn, match", [
    pytest.param(no_max_subtraction, "subtract each row's maximum", id="no-max-subtraction"),
    pytest.param(global_max_subtraction, "each row's maximum", id="global-max-instead-of-row-max"),
    pytest.param(log_of_clipped_softmax, "loss", id="log-of-clipped-softmax"),
    pytest.param(summed_not_averaged, "average", id="sum-over-batch"),
    pytest.param(gradient_not_divided_by_n, r"/ N", id="gradient-not-divided-by-n"),
    pytest.param(softmax_over_batch_axis, "loss", id="softmax-over-batch-axis"),
    pytest.param(max_subtracted_in_place, "changed its input `logits` in place", id="logits-shifted-in-place"),
])
def test_cross_entropy_rejects(fn, match):
    assert_rejected("04.stable_softmax_cross_entropy", fn, match=match)
