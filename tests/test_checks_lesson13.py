"""Lesson 13 checkers accept the reference and reject wrong or unfinished answers."""
import numpy as np
import pytest

from cnncourse import checks
from cnncourse.vision import interpret
from cnncourse.checks import CheckFailed


def test_grad_cam_accepts_reference():
    checks.grad_cam(interpret.grad_cam)


def test_grad_cam_rejects_missing_relu():
    import keras
    import tensorflow as tf

    def no_relu(model, images, class_index, layer_name):
        images = tf.convert_to_tensor(images)
        classes = np.broadcast_to(np.asarray(class_index), (images.shape[0],))
        both = keras.Model(model.input, [model.get_layer(layer_name).output, model.output])
        with tf.GradientTape() as tape:
            a, logits = both(images)
            score = tf.gather(logits, classes, axis=1, batch_dims=1)
        w = tf.reduce_mean(tape.gradient(score, a), axis=(1, 2), keepdims=True)
        return interpret.normalize_maps(tf.reduce_sum(a * w, axis=-1).numpy())

    with pytest.raises(CheckFailed, match="Grad-CAM"):
        checks.grad_cam(no_relu)


def test_grad_cam_rejects_stub():
    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.grad_cam(stub)


def test_saliency_accepts_reference():
    checks.saliency(interpret.saliency)


def test_saliency_rejects_signed_gradient_and_stub():
    import tensorflow as tf

    def signed(model, images, class_index):
        images = tf.convert_to_tensor(images)
        classes = np.broadcast_to(np.asarray(class_index), (images.shape[0],))
        with tf.GradientTape() as tape:
            tape.watch(images)
            score = tf.gather(model(images), classes, axis=1, batch_dims=1)
        return interpret.normalize_maps(tf.reduce_max(tape.gradient(score, images), axis=-1).numpy())

    with pytest.raises(CheckFailed, match="absolute"):
        checks.saliency(signed)

    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not done yet"):
        checks.saliency(stub)
