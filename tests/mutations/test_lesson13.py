"""Lesson 13 checkers reject Grad-CAM and saliency maps computed with plausible mistakes."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from . import assert_accepted, assert_rejected


def _normalise(maps, per_image=True):
    axes = (1, 2) if per_image else None
    low, high = maps.min(axis=axes, keepdims=True), maps.max(axis=axes, keepdims=True)
    return (maps - low) / (high - low + 1e-7)


def _class_scores(logits, classes, of="logit"):
    if of == "probability":
        logits = tf.nn.softmax(logits)
    if of == "predicted":
        classes = tf.argmax(logits, axis=1)
    return tf.gather(logits, classes, axis=1, batch_dims=1)


def _grad_cam(model, images, class_index, layer_name, *, score="logit", relu=True, weights_from="gradients",
              per_image=True, abs_weights=False):
    images = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    classes = np.broadcast_to(np.asarray(class_index), (images.shape[0],))
    both = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
    with tf.GradientTape() as tape:
        features, logits = both(images, training=False)
        s = _class_scores(logits, classes, score)
    grads = tape.gradient(s, features)
    source = grads if weights_from == "gradients" else features
    weights = tf.reduce_mean(source, axis=(1, 2), keepdims=True)
    if abs_weights:
        weights = tf.abs(weights)
    cam = tf.reduce_sum(weights * features, axis=-1)
    cam = (tf.nn.relu(cam) if relu else cam).numpy()
    return _normalise(cam, per_image)


def grad_cam(model, images, class_index, layer_name):
    return _grad_cam(model, images, class_index, layer_name)


def test_grad_cam_accepts_reference():
    assert_accepted("13.grad_cam", grad_cam)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"relu": False}, "ReLU", id="no-relu"),
    pytest.param({"score": "probability"}, "logit", id="gradient-of-softmax-probability"),
    pytest.param({"score": "predicted"}, "Grad-CAM", id="predicted-class-not-requested-class"),
    pytest.param({"weights_from": "features"}, "d\\(logit of the class\\)/d\\(feature map\\)", id="weights-from-activations"),
    pytest.param({"per_image": False}, "each map", id="normalised-over-the-batch"),
    pytest.param({"abs_weights": True}, "Grad-CAM", id="absolute-channel-weights"),
])
def test_grad_cam_rejects(kwargs, match):
    assert_rejected("13.grad_cam", lambda m, x, c, name: _grad_cam(m, x, c, name, **kwargs), match=match)


def _saliency(model, images, class_index, *, score="logit", absolute=True, reduce="max", per_image=True):
    images = tf.convert_to_tensor(np.asarray(images, dtype=np.float32))
    classes = np.broadcast_to(np.asarray(class_index), (images.shape[0],))
    with tf.GradientTape() as tape:
        tape.watch(images)
        s = _class_scores(model(images, training=False), classes, score)
    grads = tape.gradient(s, images)
    grads = tf.abs(grads) if absolute else grads
    maps = (tf.reduce_max(grads, axis=-1) if reduce == "max" else tf.reduce_mean(grads, axis=-1)).numpy()
    return _normalise(maps, per_image)


def saliency(model, images, class_index):
    return _saliency(model, images, class_index)


def test_saliency_accepts_reference():
    assert_accepted("13.saliency", saliency)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"absolute": False}, "absolute", id="signed-gradient"),
    pytest.param({"reduce": "mean"}, "max over channels", id="mean-over-channels"),
    pytest.param({"score": "probability"}, "logit", id="gradient-of-softmax-probability"),
    pytest.param({"score": "predicted"}, "saliency", id="predicted-class-not-requested-class"),
    pytest.param({"per_image": False}, "each map", id="normalised-over-the-batch"),
])
def test_saliency_rejects(kwargs, match):
    assert_rejected("13.saliency", lambda m, x, c: _saliency(m, x, c, **kwargs), match=match)
