"""Adversarial examples: the fast gradient sign method (FGSM) and accuracy under attack.

Used in lesson 18.

FGSM (Goodfellow, Shlens & Szegedy, 2015) moves every pixel by ``epsilon`` in the direction
that increases the classification loss, ``x + epsilon * sign(grad_x loss)``, then clips to the
valid pixel range. :func:`accuracy_under_attack` measures a model's accuracy on such images.
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf


def input_gradient(model, x, y) -> np.ndarray:
    """Gradient of the mean sparse cross-entropy (``model`` outputs logits) with respect to the input ``x``."""
    x = tf.convert_to_tensor(np.asarray(x, dtype="float32"))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x, training=False)
        loss = keras.losses.sparse_categorical_crossentropy(np.asarray(y), logits, from_logits=True)
        loss = tf.reduce_mean(loss)
    return tape.gradient(loss, x).numpy()


def fgsm(model, x, y, epsilon: float, clip=(0.0, 1.0)) -> np.ndarray:
    """FGSM images: ``clip(x + epsilon * sign(d loss / d x), *clip)`` for a logit ``model`` and labels ``y``."""
    if epsilon < 0:
        raise ValueError(f"epsilon must be >= 0, got {epsilon}")
    x = np.asarray(x, dtype="float32")
    return np.clip(x + epsilon * np.sign(input_gradient(model, x, y)), *clip).astype("float32")


def predict_classes(model, x, batch_size: int = 1000) -> np.ndarray:
    """Arg-max class of a logit model, in plain batched calls (no ``predict`` function to trace)."""
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False)).argmax(axis=1)
                           for i in range(0, len(x), batch_size)])


def accuracy_under_attack(model, x, y, epsilons, batch_size: int = 500, seed: int = 0) -> dict:
    """Accuracy on FGSM images and, as a control, on random-sign noise of the same size, per epsilon.

    Returns ``{"fgsm": [acc per epsilon], "random sign": [acc per epsilon]}``. The random-sign
    images change every pixel by exactly as much as FGSM does, but in a random direction.
    """
    x, y = np.asarray(x, dtype="float32"), np.asarray(y)
    rng = np.random.default_rng(seed)
    noise_sign = rng.choice(np.array([-1.0, 1.0], dtype="float32"), size=x.shape)
    grad_sign = np.concatenate([np.sign(input_gradient(model, x[i:i + batch_size], y[i:i + batch_size]))
                                for i in range(0, len(x), batch_size)])
    result = {"fgsm": [], "random sign": []}
    for eps in epsilons:
        for name, direction in (("fgsm", grad_sign), ("random sign", noise_sign)):
            x_eps = np.clip(x + eps * direction, 0.0, 1.0)
            result[name].append(float((predict_classes(model, x_eps) == y).mean()))
    return result
