"""Each lesson 07-09 checker accepts the course reference and rejects wrong or unfinished answers."""
import math

import numpy as np
import pytest

from cnncourse import checks
from cnncourse.training.augmentation import clothing_augmenter, random_translate
from cnncourse.checks import CheckFailed
from cnncourse.training.initialization import glorot_uniform, he_normal
from cnncourse.training.regularization import dropout_forward, early_stopping_epoch, l1l2_penalty
from cnncourse.training.schedules import warmup_cosine_lr


def todo(*args, **kwargs):
    raise NotImplementedError()


def test_he_init():
    checks.he_init(he_normal, glorot_uniform)
    # ignores the receptive field of conv kernels
    bad_he = lambda shape, rng: rng.normal(0, np.sqrt(2 / shape[-2]), size=shape)
    with pytest.raises(CheckFailed, match="fan_in"):
        checks.he_init(bad_he, glorot_uniform)
    normal_glorot = lambda shape, rng: rng.normal(0, np.sqrt(2 / (np.prod(shape[:-1]) + np.prod(shape[:-2] or (1,)) * shape[-1])), size=shape)
    with pytest.raises(CheckFailed):
        checks.he_init(he_normal, normal_glorot)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.he_init(todo, glorot_uniform)


def test_cosine_schedule():
    checks.cosine_schedule(warmup_cosine_lr)
    no_warmup = lambda s, peak, w, T, floor: floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * min(s, T) / T))
    with pytest.raises(CheckFailed, match="warm-up"):
        checks.cosine_schedule(no_warmup)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.cosine_schedule(todo)


def test_l1l2_penalty():
    checks.l1l2_penalty(l1l2_penalty)
    all_weights = lambda m, l1, l2: sum(l1 * float(np.abs(w).sum()) + l2 * float(np.sum(np.square(w))) for w in m.get_weights())
    with pytest.raises(CheckFailed, match="every variable"):
        checks.l1l2_penalty(all_weights)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.l1l2_penalty(todo)


def test_dropout_forward():
    checks.dropout_forward(dropout_forward)
    no_scale = lambda x, rate, rng, training=True: np.where(rng.random(np.shape(x)) >= rate, x, 0.0) if training else x
    with pytest.raises(CheckFailed, match="1 / \\(1 - rate\\)"):
        checks.dropout_forward(no_scale)
    always = lambda x, rate, rng, training=True: dropout_forward(x, rate, rng, True) if rate else x
    with pytest.raises(CheckFailed, match="inference"):
        checks.dropout_forward(always)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.dropout_forward(todo)


def test_early_stopping_epoch():
    checks.early_stopping_epoch(early_stopping_epoch)
    off_by_one = lambda c, p, d=0.0: (min(early_stopping_epoch(c, p, d)[0] + 1, len(c) - 1), early_stopping_epoch(c, p, d)[1])
    with pytest.raises(CheckFailed, match="keras gives"):
        checks.early_stopping_epoch(off_by_one)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.early_stopping_epoch(todo)


def test_random_translate():
    checks.random_translate(random_translate)
    rolled = lambda img, m, rng: np.roll(img, tuple(rng.integers(-m, m + 1, size=2)), axis=(0, 1))
    with pytest.raises(CheckFailed, match="zeros"):
        checks.random_translate(rolled)
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.random_translate(todo)


def test_build_augmenter():
    import keras

    checks.build_augmenter(clothing_augmenter)
    vertical = keras.Sequential([keras.layers.RandomFlip("horizontal_and_vertical"), keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
                                 keras.layers.RandomRotation(0.03), keras.layers.RandomZoom(0.1)])
    with pytest.raises(CheckFailed, match="horizontal"):
        checks.build_augmenter(lambda: vertical)
    with pytest.raises(CheckFailed, match="needs a RandomTranslation"):
        checks.build_augmenter(lambda: keras.Sequential([keras.layers.RandomFlip("horizontal")]))
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.build_augmenter(todo)
