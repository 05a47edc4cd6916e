"""Receptive fields: which input pixels can influence one unit, by formula and by gradient.

Used in lessons 02, 14.

For a stack of layers with kernel sizes ``k_l`` and strides ``s_l`` (convolutions and
poolings alike), the receptive field ``r`` and the "jump" ``j`` (input pixels between
two neighbouring units) grow as

    r_l = r_{l-1} + (k_l - 1) * j_{l-1},      j_l = j_{l-1} * s_l,      r_0 = j_0 = 1.

:func:`empirical_receptive_field` measures the same thing on a real Keras model: the
input pixels where the gradient of one output unit is non-zero.
"""
from __future__ import annotations

import numpy as np


def receptive_field(layers) -> list[tuple[int, int]]:
    """``[(r_1, j_1), ..., (r_L, j_L)]`` for ``layers = [(kernel, stride), ...]`` (square kernels)."""
    r, j, out = 1, 1, []
    for kernel, stride in layers:
        r, j = r + (kernel - 1) * j, j * stride
        out.append((r, j))
    return out


def layer_geometry(model) -> list[tuple[str, int, int]]:
    """``(name, kernel, stride)`` of every Conv2D / pooling layer of a Keras model, in order.

    Only square kernels/strides and no dilation are supported (all the course uses).
    """
    geometry = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in ("Conv2D", "DepthwiseConv2D"):
            assert tuple(layer.dilation_rate) == (1, 1), f"{layer.name}: dilation is not supported"
            geometry.append((layer.name, layer.kernel_size[0], layer.strides[0]))
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            geometry.append((layer.name, layer.pool_size[0], layer.strides[0]))
    return geometry


def input_gradient(model, input_shape, position=None, samples: int = 4, seed: int = 0) -> np.ndarray:
    """|d output[position] / d input|, summed over output channels, input channels and ``samples``
    random inputs: an (H, W) map that is non-zero exactly on the unit's effective receptive field.

    ``position`` is (row, col) in the model's output map; the centre by default. Several random
    inputs make it unlikely that a ReLU switched off some path for all of them.
    """
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    x = tf.constant(rng.standard_normal((samples, *input_shape)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
        row, col = position if position is not None else (y.shape[1] // 2, y.shape[2] // 2)
        unit = tf.reduce_sum(y[:, row, col, :])
    grad = tape.gradient(unit, x).numpy()
    return np.abs(grad).sum(axis=(0, 3))


def empirical_receptive_field(model, input_shape, position=None, samples: int = 4, seed: int = 0):
    """``(height, width)`` of the bounding box of the non-zero input gradient of one output unit."""
    grad = input_gradient(model, input_shape, position, samples, seed)
    rows, cols = np.nonzero(grad > 0)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
