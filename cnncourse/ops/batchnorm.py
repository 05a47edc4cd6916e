"""Batch normalization in NumPy, ``forward -> (out, cache)`` / ``backward(dout, cache)`` style.

Channels-last like ``keras.layers.BatchNormalization(axis=-1)``: ``x`` is ``(N, D)`` or
``(N, H, W, C)`` and the statistics are taken over every axis but the last. ``bn_param`` is a dict
``{"mode": "train" | "test", "momentum": 0.99, "eps": 1e-3, "running_mean": ..., "running_var": ...}``
(Keras' defaults); in training mode its running statistics are updated in place, Keras-style:
``running = momentum * running + (1 - momentum) * batch_statistic``, with the *biased* batch
variance (divide by the number of values, as Keras does).
"""
from __future__ import annotations

import numpy as np


def _reduce_axes(x) -> tuple[int, ...]:
    if x.ndim < 2:
        raise ValueError(f"batchnorm expects x of shape (N, D) or (N, H, W, C), got shape {x.shape}")
    return tuple(range(x.ndim - 1))


def batchnorm_forward(x, gamma, beta, bn_param: dict):
    """``gamma * (x - mean) / sqrt(var + eps) + beta`` per channel; returns ``(out, cache)``.

    Training mode uses the batch mean and biased variance and updates ``bn_param``'s running
    statistics; test mode uses the running statistics and changes nothing.
    """
    x = np.asarray(x, dtype=np.float64)
    mode = bn_param.get("mode", "train")
    eps, momentum = bn_param.get("eps", 1e-3), bn_param.get("momentum", 0.99)
    channels = x.shape[-1]
    running_mean = bn_param.setdefault("running_mean", np.zeros(channels))
    running_var = bn_param.setdefault("running_var", np.ones(channels))
    if mode == "train":
        axes = _reduce_axes(x)
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mean
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        mean, var = np.asarray(running_mean, dtype=np.float64), np.asarray(running_var, dtype=np.float64)
    else:
        raise ValueError(f"bn_param['mode'] must be 'train' or 'test', got {mode!r}")
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std, mode)


def batchnorm_backward(dout, cache):
    """Gradients ``(dx, dgamma, dbeta)`` of a forward call from its ``cache``.

    In training mode the mean and variance depend on every x of the batch, which gives the two
    extra terms: ``dx = gamma * inv_std / m * (m * dout - sum(dout) - x_hat * sum(dout * x_hat))``
    with ``m`` values per channel. In test mode the statistics are constants.
    """
    x_hat, gamma, inv_std, mode = cache
    dout = np.asarray(dout, dtype=np.float64)
    axes = _reduce_axes(dout)
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * x_hat).sum(axis=axes)
    if mode == "test":
        return dout * gamma * inv_std, dgamma, dbeta
    m = dout.size // dout.shape[-1]
    dx = gamma * inv_std / m * (m * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
