"""Classic CNNs as Keras 3 functional models: LeNet-5 (1998), AlexNet (2012), VGG (2014).

AlexNet and VGG take a ``width`` multiplier (scales every filter count and dense layer)
and any ``input_shape``, so that a scaled-down copy builds and trains on a CPU while the
full-size model (``width=1.0`` at 224x224x3) reproduces the published parameter counts.

Used in lesson 10.
"""
from __future__ import annotations

import keras
from keras import layers

#: VGG configurations: (filters, number of 3x3 convs) per block, from Simonyan & Zisserman (2014).
VGG_CONFIGS = {
    "vgg11": ((64, 1), (128, 1), (256, 2), (512, 2), (512, 2)),
    "vgg13": ((64, 2), (128, 2), (256, 2), (512, 2), (512, 2)),
    "vgg16": ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)),
    "vgg19": ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4)),
}


def _scale(n: int, width: float) -> int:
    return max(1, int(round(n * width)))


def lenet5(input_shape=(28, 28, 1), num_classes: int = 10, activation: str = "tanh") -> keras.Model:
    """LeNet-5 (LeCun et al., 1998) for 28x28 digits.

    C1 6@5x5 ('same', as the original padded 28x28 digits to 32x32) -> S2 avg-pool 2 ->
    C3 16@5x5 -> S4 avg-pool 2 -> C5 120@5x5 (a 1x1x120 map) -> F6 Dense 84 -> Dense softmax.
    61,706 parameters for 10 classes (C3 fully connected, unlike the original's sparse table).
    """
    inputs = keras.Input(shape=input_shape, name="digits")
    x = layers.Conv2D(6, 5, padding="same", activation=activation, name="C1")(inputs)
    x = layers.AveragePooling2D(2, name="S2")(x)
    x = layers.Conv2D(16, 5, activation=activation, name="C3")(x)
    x = layers.AveragePooling2D(2, name="S4")(x)
    x = layers.Conv2D(120, 5, activation=activation, name="C5")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(84, activation=activation, name="F6")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name="lenet5")


def alexnet(input_shape=(224, 224, 3), num_classes: int = 1000, width: float = 1.0,
            dense_units: int = 4096, dropout: float = 0.5) -> keras.Model:
    """AlexNet (Krizhevsky et al., 2012), single-tower version without LRN.

    conv 96@11x11/4 -> maxpool 3/2 -> conv 256@5x5 -> maxpool 3/2 -> conv 384@3x3 ->
    conv 384@3x3 -> conv 256@3x3 -> maxpool 3/2 -> FC 4096 -> FC 4096 -> FC classes.
    At 224x224x3, ``width=1`` it has 62,378,344 parameters. ``width`` scales filters
    and ``dense_units``; inputs of 64x64 or more keep every map at least 1x1.
    """
    w = lambda n: _scale(n, width)  # noqa: E731
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(w(96), 11, strides=4, padding="same", activation="relu", name="conv1")(inputs)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(w(256), 5, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = layers.Conv2D(w(384), 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(w(384), 3, padding="same", activation="relu", name="conv4")(x)
    x = layers.Conv2D(w(256), 3, padding="same", activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    x = layers.Flatten(name="flatten")(x)
    for i in (6, 7):
        x = layers.Dense(w(dense_units), activation="relu", name=f"fc{i}")(x)
        x = layers.Dropout(dropout, name=f"drop{i}")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="fc8")(x)
    return keras.Model(inputs, outputs, name="alexnet")


def vgg_block(x, filters: int, convs: int, batch_norm: bool = False, name: str = "block"):
    """A VGG block: ``convs`` 3x3 'same' convolutions with ReLU, then a 2x2 max-pool (halves H, W)."""
    for i in range(1, convs + 1):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=f"{name}_conv{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def vgg(config="vgg16", input_shape=(224, 224, 3), num_classes: int = 1000, width: float = 1.0,
        dense_units: int = 4096, dropout: float = 0.5, batch_norm: bool = False) -> keras.Model:
    """VGG (Simonyan & Zisserman, 2014) built from repeated :func:`vgg_block` calls.

    ``config`` is a name in :data:`VGG_CONFIGS` or a sequence of ``(filters, convs)``.
    Full-size VGG-16 (224x224x3, ``width=1``) has 138,357,544 parameters. ``width``
    scales filters and dense units; the input must be divisible by 2**blocks.
    """
    blocks = VGG_CONFIGS[config] if isinstance(config, str) else tuple(config)
    name = config if isinstance(config, str) else "vgg"
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for b, (filters, convs) in enumerate(blocks, start=1):
        x = vgg_block(x, _scale(filters, width), convs, batch_norm=batch_norm, name=f"block{b}")
    x = layers.Flatten(name="flatten")(x)
    for i in (1, 2):
        x = layers.Dense(_scale(dense_units, width), activation="relu", name=f"fc{i}")(x)
        x = layers.Dropout(dropout, name=f"drop{i}")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name=name)
