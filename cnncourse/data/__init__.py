"""Offline data for the course: numpy loaders, tf.data pipelines, tfds builders.

Used in lessons 01, 02, 03, 04, 05, 06, 07, 08, 09, 10, 11, 12, 13, 14, 15, 16, 17, 18.

Everything here reads files that ship with installed packages; nothing downloads
unless a loader's online fallback is reached (and that is said in the error).
"""
from cnncourse.data.digits import load_digits, load_mnist5k
from cnncourse.data.fashion_mnist import (
    CLASS_NAMES as FASHION_MNIST_CLASSES,
    ChecksumError,
    DatasetNotFoundError,
    load_fashion_mnist,
)
from cnncourse.data.photos import PHOTO_NAMES, load_photo, load_photos, resize
from cnncourse.data.pipelines import prepare_images, to_tf_dataset

__all__ = [
    "FASHION_MNIST_CLASSES", "PHOTO_NAMES", "ChecksumError", "DatasetNotFoundError",
    "load_digits", "load_fashion_mnist", "load_mnist5k", "load_photo", "load_photos",
    "prepare_images", "resize", "to_tf_dataset",
]
