"""Lesson 09 checkers reject wrong shifts and augmenters that break the spec (strength, fill, flips)."""
import keras
import numpy as np
import pytest
from keras import layers

from . import assert_accepted, assert_rejected


def _shift(image, dy, dx, fill="zeros"):
    h, w = image.shape[:2]
    out = np.zeros_like(image)
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    if fill == "edge":
        pad = [(max(dy, 0), max(-dy, 0)), (max(dx, 0), max(-dx, 0))] + [(0, 0)] * (image.ndim - 2)
        cropped = image[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
        out = np.pad(cropped, pad, mode="edge")
    return out


def random_translate(image, max_shift, rng):
    image = np.asarray(image)
    dy, dx = (int(v) for v in rng.integers(-max_shift, max_shift + 1, size=2))
    return _shift(image, dy, dx)


def np_roll_wraps(image, max_shift, rng):
    dy, dx = (int(v) for v in rng.integers(-max_shift, max_shift + 1, size=2))
    return np.roll(image, (dy, dx), axis=(0, 1))


def float_output(image, max_shift, rng):
    return random_translate(image, max_shift, rng).astype(np.float64)


def same_shift_both_axes(image, max_shift, rng):
    d = int(rng.integers(-max_shift, max_shift + 1))
    return _shift(image, d, d)


def exclusive_upper_bound(image, max_shift, rng):
    dy, dx = (int(v) for v in rng.integers(-max_shift, max_shift, size=2)) if max_shift else (0, 0)
    return _shift(image, dy, dx)


def only_positive_shifts(image, max_shift, rng):
    dy, dx = (int(v) for v in rng.integers(0, max_shift + 1, size=2))
    return _shift(image, dy, dx)


def edge_fill(image, max_shift, rng):
    dy, dx = (int(v) for v in rng.integers(-max_shift, max_shift + 1, size=2))
    return _shift(image, dy, dx, fill="edge")


def global_numpy_random(image, max_shift, rng):
    """Valid, varied shifts, but drawn from np.random: the same seed does not give the same shift."""
    dy, dx = (int(v) for v in np.random.randint(-max_shift, max_shift + 1, size=2))
    return _shift(np.asarray(image), dy, dx)


def shifts_in_place(image, max_shift, rng):
    """Writes the shifted image back into the caller's array and returns it."""
    dy, dx = (int(v) for v in rng.integers(-max_shift, max_shift + 1, size=2))
    image[...] = _shift(image, dy, dx)
    return image


def test_translate_accepts_reference():
    assert_accepted("09.random_translate", random_translate)


@pytest.mark.parametrize("fn, match", [
    pytest.param(np_roll_wraps, "np.roll", id="np-roll-wraps-around"),
    pytest.param(float_output, "dtype", id="float-output"),
    pytest.param(same_shift_both_axes, "independently", id="same-shift-on-both-axes"),
    pytest.param(exclusive_upper_bound, "shifts", id="upper-bound-exclusive"),
    pytest.param(only_positive_shifts, "both signs", id="only-positive-shifts"),
    pytest.param(edge_fill, "zeros", id="edge-fill"),
    pytest.param(global_numpy_random, "same seed", id="np-random-instead-of-rng"),
    pytest.param(shifts_in_place, "changed its input `image` in place", id="image-shifted-in-place"),
])
def test_translate_rejects(fn, match):
    assert_rejected("09.random_translate", fn, match=match)


def build_augmenter():
    return keras.Sequential([
        layers.RandomFlip("horizontal"),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
        layers.RandomRotation(0.03, fill_mode="constant"),
        layers.RandomZoom(0.1, fill_mode="constant"),
    ])


def _augmenter(flip="horizontal", translation=0.1, translation_fill="constant", rotation=0.03, rotation_fill="constant",
               zoom=0.1, zoom_width=None, zoom_fill="constant", fill_value=0.0, extra=(), after=()):
    return lambda: keras.Sequential([
        *extra,
        layers.RandomFlip(flip),
        layers.RandomTranslation(translation, translation, fill_mode=translation_fill, fill_value=fill_value),
        layers.RandomRotation(rotation, fill_mode=rotation_fill),
        layers.RandomZoom(zoom, zoom_width, fill_mode=zoom_fill),
        *after,
    ])


def without_zoom():
    return keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
                             layers.RandomRotation(0.03, fill_mode="constant")])


def test_augmenter_accepts_reference():
    assert_accepted("09.build_augmenter", build_augmenter)


@pytest.mark.parametrize("extra", [
    pytest.param([layers.GaussianNoise(0.1)], id="gaussian-noise"),
    pytest.param([layers.RandomBrightness(0.2, value_range=(0, 1))], id="brightness-on-0-1"),
    pytest.param([layers.RandomContrast(0.3)], id="contrast"),
])
def test_augmenter_accepts_extra_label_preserving_layers(extra):
    assert_accepted("09.build_augmenter", _augmenter(after=extra))


@pytest.mark.parametrize("build, match", [
    pytest.param(_augmenter(zoom=0.9), "RandomZoom", id="zoom-0.9"),
    pytest.param(_augmenter(zoom_width=0.8), "RandomZoom", id="zoom-width-0.8"),
    pytest.param(_augmenter(rotation_fill="reflect"), "fill_mode", id="rotation-reflect-fill-keras-default"),
    pytest.param(_augmenter(zoom_fill="reflect"), "fill_mode", id="zoom-reflect-fill-keras-default"),
    pytest.param(_augmenter(translation_fill="reflect"), "fill_mode", id="translation-reflect-fill"),
    pytest.param(_augmenter(flip="horizontal_and_vertical"), "horizontal", id="vertical-flips"),
    pytest.param(_augmenter(rotation=0.2), "RandomRotation", id="rotation-72-degrees"),
    pytest.param(_augmenter(translation=0.3), "RandomTranslation", id="translation-30-percent"),
    pytest.param(_augmenter(extra=[layers.Rescaling(1 / 255)]), "inference", id="rescaling-inside-augmenter"),
    pytest.param(without_zoom, "RandomZoom", id="no-zoom"),
    pytest.param(_augmenter(after=[layers.RandomBrightness(0.2)]), "value_range", id="brightness-assumes-0-255"),
    pytest.param(_augmenter(fill_value=1.0), "fill_value", id="white-fill"),
])
def test_augmenter_rejects(build, match):
    assert_rejected("09.build_augmenter", build, match=match)
