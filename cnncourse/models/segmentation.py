"""U-Net (Ronneberger et al., 2015): an encoder that downsamples, a decoder that upsamples,
and skip connections that hand the decoder the encoder's sharp, high-resolution features.

Used in lesson 14."""
from __future__ import annotations

import keras
from keras import layers


def conv_block(x, filters: int, name: str):
    """Two 3x3 convolutions, each followed by batch normalisation and ReLU."""
    for i in (1, 2):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
    return x


def build_unet(input_shape=(64, 64, 1), n_classes: int = 11, filters=(16, 32, 64)) -> keras.Model:
    """Per-pixel class probabilities (H, W, n_classes); H and W must divide by 2**len(filters)."""
    inputs = keras.Input(shape=input_shape, name="image")
    x, skips = inputs, []
    for level, f in enumerate(filters):
        x = conv_block(x, f, f"down{level}")
        skips.append(x)
        x = layers.MaxPooling2D(name=f"pool{level}")(x)
    x = conv_block(x, 2 * filters[-1], "bottleneck")
    for level, f in reversed(list(enumerate(filters))):
        x = layers.Conv2DTranspose(f, 2, strides=2, padding="same", name=f"up{level}")(x)
        x = layers.Concatenate(name=f"skip{level}")([x, skips[level]])
        x = conv_block(x, f, f"dec{level}")
    outputs = layers.Conv2D(n_classes, 1, activation="softmax", name="pixel_classes")(x)
    return keras.Model(inputs, outputs, name="unet")
