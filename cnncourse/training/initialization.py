"""Weight initialisation: fan-in/fan-out, Glorot and He scales, and per-layer statistics of a deep stack.

Used in lesson 07.

The point of a good initialiser is that the spread of activations (forward) and of
gradients (backward) stays roughly constant from layer to layer; ``layer_statistics``
measures exactly that on real inputs.
"""
from __future__ import annotations

import numpy as np


def fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel, as Keras computes them.

    Dense kernels are (in, out); conv kernels are (kh, kw, in, out) (HWIO), whose
    receptive field kh*kw multiplies both fans.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def he_std(shape) -> float:
    """Standard deviation of He/Kaiming init for ReLU: sqrt(2 / fan_in)."""
    fan_in, _ = fans(shape)
    return float(np.sqrt(2.0 / fan_in))


def he_normal(shape, rng: np.random.Generator) -> np.ndarray:
    """He normal weights (plain, not truncated): N(0, 2 / fan_in)."""
    return rng.normal(0.0, he_std(shape), size=shape)


def glorot_uniform(shape, rng: np.random.Generator) -> np.ndarray:
    """Glorot uniform weights: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def deep_conv_stack(kernel_initializer, depth: int = 10, filters: int = 32,
                    input_shape=(28, 28, 1), activation: str = "relu", num_classes: int = 10, seed: int = 0):
    """A plain stack of ``depth`` 3x3 'same' convolutions, then global average pooling and a softmax head.

    ``kernel_initializer`` is any Keras initialiser (name or object) used by every conv layer;
    the head always uses Glorot so the comparison is about the stack itself.
    """
    import keras

    inputs = keras.Input(input_shape)
    h = inputs
    for i in range(depth):
        init = keras.initializers.get(kernel_initializer)
        if hasattr(init, "seed"):
            init = init.__class__.from_config({**init.get_config(), "seed": seed + i})
        h = keras.layers.Conv2D(filters, 3, padding="same", activation=activation,
                                kernel_initializer=init, name=f"conv{i + 1}")(h)
    h = keras.layers.GlobalAveragePooling2D(name="gap")(h)
    outputs = keras.layers.Dense(num_classes, kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 99),
                                 name="logits")(h)
    return keras.Model(inputs, outputs, name="deep_stack")


def layer_statistics(model, x, y) -> dict[str, np.ndarray]:
    """Forward and backward spread per Conv2D layer on one batch ``(x, y)``.

    Runs the layers of a sequential-shaped functional model one by one under a
    ``tf.GradientTape`` and returns, per conv layer (input to output):
    ``activation_std`` (std of its output), ``gradient_std`` (std of dLoss/d output)
    and ``kernel_grad_std`` (std of dLoss/d kernel). The loss is mean softmax
    cross-entropy on integer labels with logits.
    """
    import keras
    import tensorflow as tf

    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    x = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    with tf.GradientTape(persistent=True) as tape:
        h, acts, convs = x, [], []
        for layer in layers:
            h = layer(h)
            if isinstance(layer, keras.layers.Conv2D):
                acts.append(h)
                convs.append(layer)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.asarray(y).astype("int64"), logits=h))
    act_grads = tape.gradient(loss, acts)
    kernel_grads = tape.gradient(loss, [layer.kernel for layer in convs])
    del tape
    return {
        "activation_std": np.array([float(tf.math.reduce_std(a)) for a in acts]),
        "gradient_std": np.array([float(tf.math.reduce_std(g)) for g in act_grads]),
        "kernel_grad_std": np.array([float(tf.math.reduce_std(g)) for g in kernel_grads]),
    }


def mean_square_gains(model, x) -> np.ndarray:
    """Per-layer gain of the signal's second moment: mean(h_l ** 2) / mean(h_{l-1} ** 2) for consecutive Conv2D outputs.

    This is the quantity He initialisation keeps at 1 *in expectation over the random weights*
    (Glorot at 1/2 for ReLU units); one network's actual gains scatter around that value.
    Forward pass only; returns ``depth - 1`` ratios.
    """
    import keras
    import tensorflow as tf

    h = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    second_moments = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        h = layer(h)
        if isinstance(layer, keras.layers.Conv2D):
            second_moments.append(float(tf.reduce_mean(tf.square(h))))
    if len(second_moments) < 2:
        raise ValueError(f"mean_square_gains needs at least 2 Conv2D layers, the model has {len(second_moments)}")
    m = np.array(second_moments)
    return m[1:] / m[:-1]
