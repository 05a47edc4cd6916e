"""A tiny conv net in NumPy, trained with the four steps of backpropagation (lesson 05).

Used in lesson 05.

Architecture on (N, 8, 8, 1) digits: conv 3x3 (pad 1, F filters) -> ReLU -> 2x2 max pool ->
dense (4*4*F -> 10) -> softmax cross-entropy. All layers come from :mod:`cnncourse.ops`.
Parameters are a dict ``{"w1", "b1", "w2", "b2"}`` of float64 arrays.
"""
from __future__ import annotations

import numpy as np

from cnncourse import ops


def init_params(filters: int = 8, in_channels: int = 1, side: int = 8, classes: int = 10, seed: int = 0) -> dict:
    """He-initialised weights for the tiny net (kernels HWIO, dense ``(4*4*F, classes)``)."""
    rng = np.random.default_rng(seed)
    fan_in1, flat = 9 * in_channels, (side // 2) ** 2 * filters
    return {
        "w1": rng.normal(0, np.sqrt(2 / fan_in1), (3, 3, in_channels, filters)),
        "b1": np.zeros(filters),
        "w2": rng.normal(0, np.sqrt(2 / flat), (flat, classes)),
        "b2": np.zeros(classes),
    }


def forward(params: dict, x):
    """Logits and the caches the backward pass needs."""
    a1, c1 = ops.conv2d_forward(x, params["w1"], params["b1"], stride=1, pad=1)
    r1, cr = ops.relu_forward(a1)
    p1, cp = ops.max_pool_forward(r1, 2)
    logits, cd = ops.dense_forward(p1, params["w2"], params["b2"])
    return logits, (c1, cr, cp, cd)


def backward(dlogits, caches) -> dict:
    """Gradients of the loss w.r.t. every parameter, by the chain rule from the logits back."""
    c1, cr, cp, cd = caches
    dp1, dw2, db2 = ops.dense_backward(dlogits, cd)
    dr1 = ops.max_pool_backward(dp1, cp)
    da1 = ops.relu_backward(dr1, cr)
    _, dw1, db1 = ops.conv2d_backward(da1, c1)
    return {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


def loss_and_grads(params: dict, x, y):
    """Steps 1-3: forward pass, loss, backward pass. Returns ``(loss, grads)``."""
    logits, caches = forward(params, x)
    loss, dlogits = ops.softmax_cross_entropy(logits, y)
    return loss, backward(dlogits, caches)


def train_step(params: dict, x, y, lr: float):
    """All four steps on one batch: returns ``(loss before the update, updated params)`` (new dict)."""
    loss, grads = loss_and_grads(params, x, y)
    return loss, {k: params[k] - lr * grads[k] for k in params}


def accuracy(params: dict, x, y) -> float:
    logits, _ = forward(params, x)
    return float(np.mean(logits.argmax(axis=1) == y))
