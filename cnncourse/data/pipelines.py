"""From numpy arrays to ``tf.data`` input pipelines for Keras."""
from __future__ import annotations

import numpy as np


def prepare_images(x: np.ndarray, scale: float = 255.0) -> np.ndarray:
    """uint8 (N, H, W) or (N, H, W, C) -> float32 (N, H, W, C) in [0, 1]."""
    x = np.asarray(x, dtype=np.float32) / scale
    return x[..., None] if x.ndim == 3 else x


def to_tf_dataset(x, y=None, batch_size: int = 128, shuffle: bool = False, seed: int = 0,
                  augment=None, cache: bool = True, drop_remainder: bool = False):
    """A batched, prefetched ``tf.data.Dataset`` of (image, label) from arrays.

    ``x`` may be uint8 (scaled to [0, 1]) or already float. ``augment`` is an optional
    function (or Keras layer) applied per batch during iteration, e.g. a
    ``keras.Sequential`` of RandomFlip/RandomTranslation layers.
    """
    import tensorflow as tf

    x = prepare_images(x) if np.asarray(x).dtype == np.uint8 else np.asarray(x, dtype=np.float32)
    ds = tf.data.Dataset.from_tensor_slices((x, y) if y is not None else x)
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if augment is not None:  # Keras 3 random layers augment by default when called directly
        if y is not None:
            ds = ds.map(lambda a, b: (augment(a), b), num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
