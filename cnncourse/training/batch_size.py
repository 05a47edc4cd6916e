"""What the batch size changes: the noise of the minibatch gradient, and the memory for activations.

Used in lesson 07.
"""
from __future__ import annotations

import numpy as np


def _flat_gradient(model, loss_fn, x, y):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=False))
    grads = tape.gradient(loss, model.trainable_variables)
    return np.concatenate([g.numpy().ravel() for g in grads])


def minibatch_gradient_variance(model, x, y, batch_sizes, n_batches: int = 20, seed: int = 0) -> dict[int, float]:
    """Mean squared distance between a minibatch gradient and the full-data gradient.

    For each batch size B, draw ``n_batches`` random batches (without replacement within a
    batch) and return ``E ||g_B - g||^2``. Sampling theory predicts ``tr(Sigma) / B * (N - B) / (N - 1)``:
    doubling the batch roughly halves the noise.
    """
    import keras

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y).astype("int64")
    full = sum(_flat_gradient(model, loss_fn, x[i:i + 512], y[i:i + 512]) * len(x[i:i + 512])
               for i in range(0, len(x), 512)) / len(x)
    rng = np.random.default_rng(seed)
    out = {}
    for b in batch_sizes:
        dists = []
        for _ in range(n_batches):
            idx = rng.choice(len(x), size=int(b), replace=False)
            dists.append(np.sum((_flat_gradient(model, loss_fn, x[idx], y[idx]) - full) ** 2))
        out[int(b)] = float(np.mean(dists))
    return out


def activation_memory_bytes(model, batch_size: int, bytes_per_value: int = 4) -> int:
    """Rough activation memory for one batch: every layer's output kept once (what backprop stores).

    ``batch_size * sum(prod(output_shape[1:]))`` over the model's layers (inputs included),
    times ``bytes_per_value`` (4 for float32). Weights and optimizer state come on top.
    """
    total = 0
    for layer in model.layers:
        shape = layer.output.shape
        total += int(np.prod([d for d in shape[1:]]))
    return int(total) * int(batch_size) * int(bytes_per_value)
