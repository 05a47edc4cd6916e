"""A small anchor-free grid detector: each cell of a coarse grid predicts objectness, a box and a class.

Output (grid, grid, 5 + n_classes) of raw logits: ``[objectness, cy, cx, h, w, class scores...]``
decoded by :func:`cnncourse.vision.boxes.decode_grid`; trained with :func:`detection_loss` on targets
from :func:`cnncourse.vision.boxes.encode_grid`.

Used in lesson 14.
"""
from __future__ import annotations

import keras
import tensorflow as tf
from keras import layers


def build_grid_detector(input_shape=(64, 64, 1), n_classes: int = 10, filters=(16, 32, 64)) -> keras.Model:
    """Conv blocks, each halving the size (64 -> 8 with three blocks), then a 1x1 prediction head."""
    inputs = keras.Input(shape=input_shape, name="scene")
    x = inputs
    for f in filters:
        x = layers.Conv2D(f, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(filters[-1], 3, padding="same", activation="relu")(x)
    x = layers.Conv2D(filters[-1], 3, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(5 + n_classes, 1, name="grid_head")(x)
    return keras.Model(inputs, outputs, name="grid_detector")


def detection_loss(y_true, y_pred, pos_weight: float = 5.0, box_weight: float = 5.0):
    """Objectness cross-entropy on every cell; box (squared error on sigmoids) and class
    cross-entropy only on the cells that hold an object. ``y_true`` is (N, G, G, 6)."""
    obj = y_true[..., 0]
    n_pos = tf.maximum(tf.reduce_sum(obj), 1.0)
    obj_loss = tf.reduce_mean(tf.nn.weighted_cross_entropy_with_logits(obj, y_pred[..., 0], pos_weight))
    box_err = tf.reduce_sum(tf.square(tf.sigmoid(y_pred[..., 1:5]) - y_true[..., 1:5]), axis=-1)
    cls = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y_true[..., 5], tf.int32), y_pred[..., 5:])
    return obj_loss + (box_weight * tf.reduce_sum(obj * box_err) + tf.reduce_sum(obj * cls)) / n_pos
