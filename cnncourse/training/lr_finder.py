"""Learning-rate range test (Smith, 2017): raise the LR exponentially over one short pass and
watch the loss; a good LR sits well before the loss blows up.

Used in lesson 07.
"""
from __future__ import annotations

import numpy as np


def lr_range_test(model, x, y, min_lr: float = 1e-5, max_lr: float = 10.0, steps: int = 100,
                  batch_size: int = 64, optimizer: str = "sgd", momentum: float = 0.9,
                  beta: float = 0.9, diverge: float = 4.0, seed: int = 0):
    """Train ``model`` for up to ``steps`` minibatches with LR growing geometrically from
    ``min_lr`` to ``max_lr``; return ``(lrs, losses)`` with the loss smoothed by an
    exponential moving average (bias-corrected, factor ``beta``).

    Stops early once the smoothed loss exceeds ``diverge`` x its best value. The model's
    weights are changed: run it on a fresh model (or restore the weights afterwards).
    """
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    lrs = min_lr * (max_lr / min_lr) ** (np.arange(steps) / max(1, steps - 1))
    opt = (keras.optimizers.SGD(learning_rate=min_lr, momentum=momentum) if optimizer == "sgd"
           else keras.optimizers.Adam(learning_rate=min_lr))
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x, y = np.asarray(x, dtype=np.float32), np.asarray(y).astype("int64")
    out_lrs, out_losses, avg, best = [], [], 0.0, np.inf
    @tf.function(reduce_retracing=True)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for i, lr in enumerate(lrs):
        idx = rng.choice(len(x), size=batch_size, replace=False)
        opt.learning_rate.assign(float(lr))
        loss = step(x[idx], y[idx])
        value = float(loss)
        if not np.isfinite(value):
            break
        avg = beta * avg + (1 - beta) * value
        smooth = avg / (1 - beta ** (i + 1))
        out_lrs.append(float(lr))
        out_losses.append(smooth)
        best = min(best, smooth)
        if smooth > diverge * best:
            break
    return np.array(out_lrs), np.array(out_losses)


def suggest_lr(lrs, losses, method: str = "steepest", factor: float = 10.0) -> float:
    """Pick a learning rate from a range test.

    ``"steepest"``: the LR where the smoothed loss falls fastest per decade of LR, searched
    before the loss minimum (Smith's suggestion). ``"min/10"``: the LR at the loss minimum
    divided by ``factor`` (a more cautious rule of thumb).
    """
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    if lrs.shape != losses.shape or lrs.size == 0:
        raise ValueError("lrs and losses must be non-empty and of equal length")
    lowest = int(np.argmin(losses))
    if method == "min/10":
        return float(lrs[lowest] / factor)
    if method != "steepest":
        raise ValueError(f"unknown method {method!r}; use 'steepest' or 'min/10'")
    if lowest < 2:
        return float(lrs[lowest])
    slope = np.gradient(losses[: lowest + 1], np.log10(lrs[: lowest + 1]))
    return float(lrs[int(np.argmin(slope))])
