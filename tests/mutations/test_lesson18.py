"""Lesson 18 checkers reject wrong pseudo-label selections, wrong attention (scale, axis, stability) and wrong FGSM."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def select_pseudo_labels(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    keep = []
    for c in np.unique(predicted):
        idx = np.flatnonzero((predicted == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        keep.extend(idx if max_per_class is None else idx[:max_per_class])
    keep = np.sort(np.array(keep, dtype=int))
    return keep, predicted[keep]


def strict_threshold(probs, threshold=0.9, max_per_class=None):
    return select_pseudo_labels(probs, np.nextafter(threshold, 1.0), max_per_class)


def global_cap(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    idx = np.flatnonzero(confidence >= threshold)
    idx = idx[np.argsort(-confidence[idx], kind="stable")]
    if max_per_class is not None:
        idx = idx[: max_per_class * probs.shape[1]]
    keep = np.sort(idx)
    return keep, predicted[keep]


def first_in_pool_order(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    keep = []
    for c in np.unique(predicted):
        idx = np.flatnonzero((predicted == c) & (confidence >= threshold))
        keep.extend(idx if max_per_class is None else idx[:max_per_class])
    keep = np.sort(np.array(keep, dtype=int))
    return keep, predicted[keep]


def grouped_by_class(probs, threshold=0.9, max_per_class=None):
    confidence, predicted = probs.max(axis=1), probs.argmax(axis=1)
    keep = []
    for c in np.unique(predicted):
        idx = np.flatnonzero((predicted == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        keep.extend(idx if max_per_class is None else idx[:max_per_class])
    keep = np.array(keep, dtype=int)
    return keep, predicted[keep]


def confidence_as_label(probs, threshold=0.9, max_per_class=None):
    keep, _ = select_pseudo_labels(probs, threshold, max_per_class)
    return keep, probs[keep].max(axis=1)


def test_pseudo_labels_accept_reference():
    assert_accepted("18.pseudo_label_select", select_pseudo_labels)


@pytest.mark.parametrize("fn, match", [
    pytest.param(strict_threshold, ">= threshold", id="strict-threshold"),
    pytest.param(global_cap, "per predicted class", id="cap-applied-to-the-whole-pool"),
    pytest.param(first_in_pool_order, "MOST confident", id="first-in-pool-not-most-confident"),
    pytest.param(grouped_by_class, "ascending", id="indices-grouped-by-class"),
    pytest.param(confidence_as_label, "argmax", id="confidence-returned-as-label"),
])
def test_pseudo_labels_reject(fn, match):
    assert_rejected("18.pseudo_label_select", fn, match=match)


def _attention(q, k, v, *, scale="sqrt_dk", axis=-1, stable=True):
    d = {"sqrt_dk": np.sqrt(q.shape[-1]), "dk": q.shape[-1], "none": 1.0, "sqrt_dv": np.sqrt(v.shape[-1])}[scale]
    scores = q @ np.swapaxes(k, -1, -2) / d
    if stable:
        scores = scores - scores.max(axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        weights = np.exp(scores) / np.exp(scores).sum(axis=axis, keepdims=True)
    return weights @ v, weights


def scaled_dot_product_attention(q, k, v):
    return _attention(q, k, v)


def test_attention_accepts_reference():
    assert_accepted("18.self_attention", scaled_dot_product_attention)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"scale": "none"}, "sqrt\\(d_k\\)", id="no-scaling"),
    pytest.param({"scale": "dk"}, "sqrt\\(d_k\\)", id="divided-by-d-k"),
    pytest.param({"scale": "sqrt_dv"}, "sqrt\\(d_k\\)", id="divided-by-sqrt-d-v"),
    pytest.param({"axis": -2}, "last axis", id="softmax-over-query-axis"),
    pytest.param({"stable": False}, "maximum", id="no-max-subtraction"),
])
def test_attention_rejects(kwargs, match):
    assert_rejected("18.self_attention", lambda q, k, v: _attention(q, k, v, **kwargs), match=match)


def _fgsm(model, x, y, epsilon, *, direction=1.0, use_sign=True, clip=True):
    import keras
    import tensorflow as tf

    x = tf.convert_to_tensor(x, dtype="float32")
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True)
    grad = tape.gradient(loss, x)
    x_adv = x + direction * epsilon * (tf.sign(grad) if use_sign else grad)
    return tf.clip_by_value(x_adv, 0.0, 1.0) if clip else x_adv


def fgsm(model, x, y, epsilon):
    return _fgsm(model, x, y, epsilon)


def weights_gradient(model, x, y, epsilon):
    """Copies the training step: the gradient w.r.t. the weights, stepped uphill; x is returned as it was."""
    import keras
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = keras.losses.sparse_categorical_crossentropy(y, model(x), from_logits=True)
    grads = tape.gradient(loss, model.trainable_variables)
    for variable, grad in zip(model.trainable_variables, grads):
        variable.assign_add(epsilon * tf.sign(grad))
    return np.clip(x, 0.0, 1.0)


def random_sign_noise(model, x, y, epsilon):
    """Noise of the right size in a random direction: not an attack."""
    return np.clip(x + epsilon * np.random.default_rng(0).choice([-1.0, 1.0], size=np.shape(x)), 0.0, 1.0)


def test_fgsm_accepts_reference():
    assert_accepted("18.fgsm", fgsm)


@pytest.mark.parametrize("fn, match", [
    pytest.param(lambda m, x, y, e: _fgsm(m, x, y, e, use_sign=False), "SIGN of the gradient", id="gradient-not-sign"),
    pytest.param(lambda m, x, y, e: _fgsm(m, x, y, e, direction=-1.0), "ASCENDS", id="descends-the-loss"),
    pytest.param(lambda m, x, y, e: _fgsm(m, x, y, e, clip=False), "clip", id="no-clipping"),
    pytest.param(weights_gradient, "INPUT", id="gradient-wrt-weights"),
    pytest.param(random_sign_noise, "gradient", id="random-sign-noise"),
])
def test_fgsm_rejects(fn, match):
    assert_rejected("18.fgsm", fn, match=match)
