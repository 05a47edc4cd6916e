"""Small logit-output CNNs for deployment and limitation experiments (lessons 17-18).

:func:`edge_cnn` is a two-block conv/pool network whose head is either ``"flatten"``
(fixed input size) or ``"gap"`` (global average pooling: any input size works).
:func:`count_macs` counts multiply-accumulates (MACs) of Conv2D/Dense layers; one MAC is
two floating-point operations, so FLOPs = 2 x MACs.

Used in lessons 17, 18.
"""
from __future__ import annotations

import keras
from keras import layers


def edge_cnn(filters=(16, 32), dense: int = 64, head: str = "flatten", input_shape=(28, 28, 1),
             num_classes: int = 10, name: str = "edge_cnn") -> keras.Model:
    """[conv3x3(f, relu) -> maxpool2] per f -> flatten|gap -> dense(relu) -> dense logits "logits".

    ``head="gap"`` with ``input_shape=(None, None, 1)`` gives a size-agnostic model;
    ``dense=0`` drops the hidden dense layer. Outputs raw logits.
    """
    if head not in ("flatten", "gap"):
        raise ValueError(f"head must be 'flatten' or 'gap', not {head!r}")
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for i, f in enumerate(filters, start=1):
        x = layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x) if head == "flatten" else layers.GlobalAveragePooling2D(name="gap")(x)
    if dense:
        x = layers.Dense(dense, activation="relu", name="dense")(x)
    outputs = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, outputs, name=name)


def with_softmax(model: keras.Model, name: str | None = None) -> keras.Model:
    """Wrap a logit model so it outputs class probabilities (for serving and TFLite)."""
    probs = layers.Softmax(name="probs")(model.output)
    return keras.Model(model.input, probs, name=name or f"{model.name}_probs")


def count_macs(model: keras.Model) -> int:
    """Multiply-accumulates of one forward pass (batch size 1), by :func:`cnncourse.analysis.costs.model_macs`.

    Needs a model with known spatial sizes; refuses attention layers, which it would not count.
    """
    from cnncourse.analysis.costs import model_macs

    if any(isinstance(layer, layers.MultiHeadAttention) for layer in model.layers):
        raise ValueError("count_macs does not count attention layers")
    return model_macs(model)

