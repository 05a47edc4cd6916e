"""Regularisation tools: the small CNN preset of lessons 07-09, the L2 penalty Keras adds to the loss,
inverted dropout in NumPy, when early stopping stops, and the train/validation gap.

Used in lessons 07, 08, 09.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from cnncourse.models.fashion import small_cnn as the_small_cnn


#: Lessons 07-09's small CNN: :func:`cnncourse.models.fashion.small_cnn` with unpadded convolutions, a
#: 128-unit hidden layer, each ReLU its own layer and Keras' automatic layer names (``small_cnn(dropout=0.5,
#: l2=1e-3, batchnorm=True)`` and every other option of the one builder work the same).
small_cnn = partial(the_small_cnn, dense=128, padding="valid", activation_layers=True, layer_names=False,
                    input_name=None, output_name=None, name="cnn")


def deep_plain_cnn(depth: int = 6, width: int = 16, batchnorm: bool = False, input_shape=(28, 28, 1),
                   num_classes: int = 10, name: str = "deep_plain_cnn"):
    """A plain (no skip connections) CNN: a stride-2 conv then ``depth`` 3x3 'same' convs of ``width``
    channels, each followed by ReLU (and BatchNormalization before the ReLU when ``batchnorm``),
    global average pooling and a logits layer. Deep enough to be hard to train without batch norm."""
    import keras
    from keras import layers

    inputs = keras.Input(input_shape)
    h = layers.Activation("relu")(layers.Conv2D(width, 3, strides=2, padding="same")(inputs))
    for _ in range(depth):
        h = layers.Conv2D(width, 3, padding="same", use_bias=not batchnorm)(h)
        if batchnorm:
            h = layers.BatchNormalization()(h)
        h = layers.Activation("relu")(h)
    h = layers.GlobalAveragePooling2D()(h)
    return keras.Model(inputs, layers.Dense(num_classes)(h), name=name)


def compile_classifier(model, learning_rate: float = 1e-3, steps_per_execution: int = 1):
    """Adam + sparse cross-entropy on logits + accuracy; returns the model.

    ``steps_per_execution`` > 1 runs that many batches per call into TensorFlow: the same
    updates in the same order, with less per-step overhead for small models.
    """
    import keras

    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def l1l2_penalty(model, l1: float, l2: float) -> float:
    """What ``keras.regularizers.L1L2(l1, l2)`` on every kernel of ``model`` would add to the loss:
    ``l1 * sum(|W|) + l2 * sum(W**2)`` over the ``kernel`` of each layer that has one (Conv2D, Dense);
    biases and batch norm's parameters and statistics are not penalised."""
    total = 0.0
    for layer in model.layers:
        if hasattr(layer, "kernel"):
            w = np.asarray(layer.kernel.numpy(), dtype=np.float64)
            total += l1 * float(np.abs(w).sum()) + l2 * float(np.square(w).sum())
    return total


def dropout_forward(x, rate: float, rng: np.random.Generator, training: bool = True) -> np.ndarray:
    """Inverted dropout: in training zero each unit with probability ``rate`` and scale the
    survivors by ``1 / (1 - rate)`` so the expectation is unchanged; at inference, identity."""
    x = np.asarray(x, dtype=float)
    if not training or rate == 0:
        return x.copy()
    if not 0 <= rate < 1:
        raise ValueError("rate must be in [0, 1)")
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0)


def early_stopping_epoch(val_losses, patience: int, min_delta: float = 0.0) -> tuple[int, int]:
    """Where Keras' ``EarlyStopping(monitor='val_loss', patience, min_delta)`` stops.

    Returns ``(stopped_epoch, best_epoch)``, 0-based: training runs epochs 0..stopped_epoch
    (the last epoch if it never stops) and ``restore_best_weights`` returns to ``best_epoch``.
    An epoch improves when its loss is below the best so far minus ``min_delta``.
    """
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, value in enumerate(val_losses):
        if value < best - min_delta:
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def accuracy_gap(model, x_train, y_train, x_val, y_val, batch_size: int | None = None) -> dict[str, float]:
    """Train and validation accuracy measured in inference mode (no dropout), and their gap.

    ``batch_size`` is passed to ``evaluate`` (Keras' default, 32, when None); larger batches
    are faster and give the same accuracy.
    """
    train = float(model.evaluate(x_train, y_train, batch_size=batch_size, verbose=0, return_dict=True)["accuracy"])
    val = float(model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0, return_dict=True)["accuracy"])
    return {"train_acc": train, "val_acc": val, "gap": train - val}
