"""Dense layer, ReLU and softmax cross-entropy in NumPy, ``forward -> (out, cache)`` style."""
from __future__ import annotations

import numpy as np


def dense_forward(x, w, b):
    """Fully connected layer on flattened inputs: ``x.reshape(N, -1) @ w + b``."""
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w)


def dense_backward(dout, cache):
    x, w = cache
    flat = x.reshape(x.shape[0], -1)
    return (dout @ w.T).reshape(x.shape), flat.T @ dout, dout.sum(axis=0)


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def softmax(logits):
    """Row-wise softmax, shifted by the row maximum so exp never overflows."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of integer labels ``y`` under softmax(logits), and its gradient.

    Uses log-sum-exp so that large logits give finite losses.
    """
    n = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dlogits = np.exp(log_probs)
    dlogits[np.arange(n), y] -= 1
    return loss, dlogits / n
