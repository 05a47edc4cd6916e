"""CNN builders for 28x28 grayscale images (Fashion-MNIST, MNIST): functional Keras 3 models.

* :func:`small_cnn` -- a plain conv/pool/dense net, the one lesson 06 trains by hand.
* :func:`fast_cnn` -- the course's fast recipe network: compact, batch-normalised,
  global-average-pooled; trained by :func:`cnncourse.training.loop.train_fast_recipe`.

Used in lessons 06, 16.
"""
from __future__ import annotations

import keras
from keras import layers


def small_cnn(num_classes: int = 10, input_shape=(28, 28, 1), filters: int = 16, dense: int = 64,
              name: str = "small_cnn") -> keras.Model:
    """conv(3x3, f) -> pool -> conv(3x3, 2f) -> pool -> flatten -> dense(relu) -> dense(logits).

    Outputs raw logits (no softmax): pair it with ``from_logits=True`` losses.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(2 * filters, 3, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(dense, activation="relu", name="dense")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)


def _conv_bn_relu(x, filters: int, name: str):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    return layers.ReLU(name=f"{name}_relu")(x)


def space_to_depth(x, block: int, name: str = "space_to_depth"):
    """Fold each ``block x block`` patch into channels: (H, W, C) -> (H/b, W/b, b*b*C), losing nothing.

    A cheap stem for small grey images: the first convolution then runs on a 4x smaller grid with
    4x more channels, which CPUs compute far more efficiently than a 1-channel full-size map.
    """
    h, w, c = x.shape[1:]
    if h % block or w % block:
        raise ValueError(f"space_to_depth: image {h}x{w} is not divisible by block {block}")
    x = layers.Reshape((h // block, block, w // block, block * c), name=f"{name}_split")(x)
    x = layers.Permute((1, 3, 2, 4), name=f"{name}_swap")(x)
    return layers.Reshape((h // block, w // block, block * block * c), name=name)(x)


def fast_cnn(num_classes: int = 10, input_shape=(28, 28, 1), widths=(32, 64), blocks=(1, 2),
             head: str = "flatten", dropout: float = 0.1, stem_block: int = 2, name: str = "fast_cnn") -> keras.Model:
    """The fast-recipe CNN: stages of ``blocks[i]`` conv(3x3)-BN-ReLU units of ``widths[i]`` filters.

    ``stem_block`` > 1 first folds ``stem_block``-sized patches into channels (:func:`space_to_depth`:
    28x28x1 -> 14x14x4 for 2). Every stage but the last ends in 2x2 max pooling, then the head
    ("flatten" keeps where features are, "gap" averages them away), dropout and a dense layer of
    logits. Convolutions have no bias (batch norm adds one). The defaults (about 2.9 M
    multiply-adds per image) train about twice as fast on a 2-core CPU as a plain 16-32-64 net
    on the full 28x28 grid with 1.9 M.
    """
    inputs = keras.Input(shape=input_shape, name="image")
    x = space_to_depth(inputs, stem_block) if stem_block > 1 else inputs
    for stage, (width, count) in enumerate(zip(widths, blocks), start=1):
        for block in range(count):
            x = _conv_bn_relu(x, width, f"s{stage}{'abcd'[block]}")
        if stage < len(widths):
            x = layers.MaxPooling2D(2, name=f"pool{stage}")(x)
    x = (layers.Flatten if head == "flatten" else layers.GlobalAveragePooling2D)(name="head")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)
