"""Gradient flow: how large the loss gradient is at each weighted layer of a network.

Used in lesson 11.

Used to compare a deep plain network with a residual one: in the plain network the
gradient reaching the first layers can be orders of magnitude off from the last ones'.
"""
from __future__ import annotations


def kernel_gradient_norms(model, x, y, layer_types=None, training: bool = True):
    """L2 norm of d(loss)/d(kernel) for each Conv2D/Dense kernel, in forward order.

    ``x, y``: a batch and its integer labels; the loss is sparse categorical cross-entropy
    of the model's (softmax) output. ``training=True`` runs batch norm in training mode,
    as during the first step of training. Returns a pandas DataFrame with columns
    ``layer`` (name), ``depth`` (1, 2, ...), ``grad_norm``.
    """
    import keras
    import pandas as pd
    import tensorflow as tf

    layer_types = layer_types or (keras.layers.Conv2D, keras.layers.Dense)
    chosen = [layer for layer in model.layers if isinstance(layer, layer_types)]
    kernels = [layer.kernel for layer in chosen]
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=training))
    grads = tape.gradient(loss, kernels)
    return pd.DataFrame({"layer": [layer.name for layer in chosen],
                         "depth": range(1, len(chosen) + 1),
                         "grad_norm": [float(tf.norm(g)) for g in grads]})
