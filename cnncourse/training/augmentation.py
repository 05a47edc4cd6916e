"""Data augmentation: label-preserving random transformations with Keras preprocessing layers,
a NumPy random shift, and a grid of augmented samples.

Used in lesson 09.
"""
from __future__ import annotations

import numpy as np

from cnncourse.analysis.shifts import shift


def random_translate(image, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Shift by integers dy, dx drawn uniformly from [-max_shift, max_shift], zero fill."""
    dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
    return shift(np.asarray(image)[None], int(dy), int(dx))[0]


def clothing_augmenter(translate: float = 0.1, rotate: float = 0.03, zoom: float = 0.1,
                       contrast: float = 0.0, noise: float = 0.0, seed: int = 0):
    """Augmentations that keep a clothing (or digit) label: horizontal flip only, small shifts,
    small rotations (``rotate`` is a fraction of a full turn) and zoom; optional contrast and
    Gaussian noise. Active only in training mode: at inference it is the identity."""
    import keras
    from keras import layers

    stack = [layers.RandomFlip("horizontal", seed=seed),
             layers.RandomTranslation(translate, translate, fill_mode="constant", seed=seed + 1),
             layers.RandomRotation(rotate, fill_mode="constant", seed=seed + 2),
             layers.RandomZoom(zoom, fill_mode="constant", seed=seed + 3)]
    if contrast:
        stack.append(layers.RandomContrast(contrast, seed=seed + 4))
    if noise:
        stack.append(layers.GaussianNoise(noise, seed=seed + 5))
    return keras.Sequential(stack, name="augment")


def augmented_samples(augmenter, image, n: int = 8) -> np.ndarray:
    """``n`` augmented copies of one image (H, W, C float), calling the augmenter in training mode."""
    batch = np.repeat(np.asarray(image, dtype=np.float32)[None], n, axis=0)
    return np.asarray(augmenter(batch, training=True))


def show_grid(rows, titles=None, cmap="gray", size: float = 1.1, vmin=None, vmax=None):
    """Plot a list of image batches, one row each, with an optional title per row; returns the figure."""
    import matplotlib.pyplot as plt

    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size * n_cols, size * n_rows + 0.2), squeeze=False)
    for r, batch in enumerate(rows):
        for c in range(n_cols):
            ax = axes[r, c]
            ax.axis("off")
            if c < len(batch):
                img = np.asarray(batch[c])
                img = img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img
                ax.imshow(img, cmap=cmap if img.ndim == 2 else None, vmin=vmin, vmax=vmax)
        if titles:
            axes[r, 0].set_title(titles[r], fontsize=8, loc="left")
    fig.tight_layout()
    return fig


def digit_augmenter(translate: float = 0.1, rotate: float = 0.0, zoom: float = 0.0, seed: int = 0):
    """Label-preserving augmentations for handwritten digits: small shifts, rotations (a fraction of
    a full turn) and zoom with zero fill; no flips (a mirrored 2 or an upside-down 6 changes the label)."""
    import keras
    from keras import layers

    stack = [layers.RandomTranslation(translate, translate, fill_mode="constant", seed=seed + 1)]
    if rotate:
        stack.append(layers.RandomRotation(rotate, fill_mode="constant", seed=seed + 2))
    if zoom:
        stack.append(layers.RandomZoom(zoom, fill_mode="constant", seed=seed + 3))
    return keras.Sequential(stack, name="augment")


def train_small_data(x, y, augmenter=None, epochs: int = 40, seed: int = 0, eval_sets: dict | None = None,
                     eval_every: int = 10, batch_size: int = 50, learning_rate: float = 1e-3):
    """Train a fresh small CNN (16-32 filters, 64 hidden units, Adam) on ``(x, y)``, with ``augmenter``
    as its first layer when given (active only in training mode).

    Returns ``(model, curves)``: ``curves[name]`` lists the accuracy on ``eval_sets[name] = (x, y)``
    after every ``eval_every`` epochs (so ``curves[name][-1]`` is the final accuracy).
    """
    import keras

    from cnncourse.training.regularization import compile_classifier, small_cnn

    if epochs % eval_every:
        raise ValueError(f"epochs ({epochs}) must be a multiple of eval_every ({eval_every})")
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(x.shape[1:])
    h = inputs if augmenter is None else augmenter(inputs)
    model = keras.Model(inputs, small_cnn(input_shape=x.shape[1:], dense=64)(h))
    steps = int(np.ceil(len(x) / batch_size))
    compile_classifier(model, learning_rate=learning_rate, steps_per_execution=steps)  # one call per epoch
    curves = {name: [] for name in (eval_sets or {})}
    for _ in range(epochs // eval_every):
        model.fit(x, y, epochs=eval_every, batch_size=batch_size, verbose=0)
        for name, (xe, ye) in (eval_sets or {}).items():
            curves[name].append(float(model.evaluate(xe, ye, batch_size=1000, verbose=0, return_dict=True)["accuracy"]))
    return model, curves
