"""Two baselines for 28x28 grayscale images, as functional Keras 3 models with logit outputs.

* :func:`dense_net` -- a fully connected network (flatten -> dense layers): no notion of space.
* :func:`compact_cnn` -- conv(3x3)/pool blocks and one dense layer; ``pooling=False`` keeps
  the full resolution, to measure what pooling buys.

Lessons 01 (CNN vs dense) and 03 (pooling) compare them; pair them with
``keras.losses.SparseCategoricalCrossentropy(from_logits=True)``.

Used in lessons 01, 03.
"""
from __future__ import annotations

import keras
from keras import layers


def dense_net(input_shape=(28, 28, 1), hidden=(128,), num_classes: int = 10,
              name: str = "dense_net") -> keras.Model:
    """flatten -> dense(h, relu) for each h in ``hidden`` -> dense(logits)."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Flatten(name="flatten")(inputs)
    for i, units in enumerate(hidden, start=1):
        x = layers.Dense(units, activation="relu", name=f"dense{i}")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)


def compact_cnn(input_shape=(28, 28, 1), filters=(16, 32), num_classes: int = 10,
                pooling: bool = True, name: str = "compact_cnn") -> keras.Model:
    """[conv(3x3, f, same, relu) -> maxpool(2)] for each f in ``filters`` -> flatten -> dense(logits).

    With ``pooling=False`` the max-pooling layers are left out, so the flattened
    feature map (and the dense layer after it) keeps the input's full resolution.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        if pooling:
            x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)
