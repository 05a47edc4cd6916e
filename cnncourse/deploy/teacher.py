"""Lesson 17's model to deploy (the distillation *teacher*): its data, training recipe and shipped weights.

Used in lesson 17.

Deployment starts from a model someone has already trained. ``scripts/train_deployment_teacher.py``
runs :func:`train_teacher` once (4 epochs on 12,000 Fashion-MNIST training images, seed 0, about
20 s on 2 CPU cores) and stores the weights in ``data/deployment_teacher.weights.h5``;
the lesson loads them with :func:`load_teacher` and measures the model itself.
"""
from __future__ import annotations

from pathlib import Path

import keras

from cnncourse.course.paths import DATA_DIR
from cnncourse.data import load_fashion_mnist, prepare_images
from cnncourse.models.edge_cnn import edge_cnn

WEIGHTS_FILE = DATA_DIR / "deployment_teacher.weights.h5"
SHAPE = dict(filters=(16, 32), dense=64)
TRAIN_IMAGES, TEST_IMAGES = 12000, 2000


def deployment_data():
    """``(x_train, y_train), (x_test, y_test)``: the first 12,000 Fashion-MNIST training and 2,000 test images, in [0, 1]."""
    (x_train_u8, y_train), (x_test_u8, y_test) = load_fashion_mnist()
    return ((prepare_images(x_train_u8[:TRAIN_IMAGES]), y_train[:TRAIN_IMAGES]),
            (prepare_images(x_test_u8[:TEST_IMAGES]), y_test[:TEST_IMAGES]))


def train_teacher(x_train, y_train, seed: int = 0, epochs: int = 4) -> keras.Model:
    """The recipe behind the shipped weights: a small CNN, Adam 2e-3, batches of 128, ``epochs`` epochs."""
    keras.utils.set_random_seed(seed)
    teacher = edge_cnn(**SHAPE, name="teacher")
    teacher.compile(optimizer=keras.optimizers.Adam(2e-3),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    teacher.fit(x_train, y_train, epochs=epochs, batch_size=128, verbose=0)
    return teacher


def load_teacher(path=WEIGHTS_FILE) -> keras.Model:
    """The teacher with the weights ``scripts/train_deployment_teacher.py`` stored in ``path`` (logits out, not compiled)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no teacher weights at {path}; re-make them with "
                                "`python scripts/train_deployment_teacher.py`")
    teacher = edge_cnn(**SHAPE, name="teacher")
    teacher.load_weights(str(path))
    return teacher
