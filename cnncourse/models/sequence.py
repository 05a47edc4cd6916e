"""Models for 1D signals: a 1D CNN, a dense baseline, and a 2D CNN for spectrograms (logit outputs).

Used in lesson 15."""
from __future__ import annotations

import keras
from keras import layers


def build_conv1d_classifier(length: int, n_classes: int, filters=(16, 32), kernel_size: int = 7) -> keras.Model:
    """[Conv1D(relu) -> MaxPool1D(2)] per filter count -> global average pooling -> Dense(logits).

    Global pooling makes the prediction (almost) independent of *where* in time a pattern occurs.
    """
    inputs = keras.Input(shape=(length, 1), name="series")
    x = inputs
    for i, f in enumerate(filters):
        x = layers.Conv1D(f, kernel_size, activation="relu", padding="same", name=f"conv{i + 1}")(x)
        x = layers.MaxPooling1D(2, name=f"pool{i + 1}")(x)
    x = layers.GlobalAveragePooling1D(name="gap")(x)
    outputs = layers.Dense(n_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="conv1d")


def build_dense_classifier(length: int, n_classes: int, hidden: int = 64) -> keras.Model:
    """Flatten -> Dense(hidden, relu) -> Dense(logits): one weight per time step, no weight sharing."""
    inputs = keras.Input(shape=(length, 1), name="series")
    x = layers.Flatten(name="flatten")(inputs)
    x = layers.Dense(hidden, activation="relu", name="hidden")(x)
    outputs = layers.Dense(n_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="dense")


def build_spectrogram_cnn(input_shape, n_classes: int, filters=(8, 16)) -> keras.Model:
    """A 2D CNN on (time frames, frequency bins, 1) spectrograms: conv/pool blocks -> global pooling -> logits."""
    inputs = keras.Input(shape=input_shape, name="spectrogram")
    x = inputs
    for i, f in enumerate(filters):
        x = layers.Conv2D(f, 3, activation="relu", padding="same", name=f"conv{i + 1}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i + 1}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(n_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name="spectrogram_cnn")
