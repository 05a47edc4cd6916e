"""Checkers for lesson 09: data augmentation."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import call_keeping_inputs, case_rng, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


def _hidden_images():
    rng = case_rng(9)
    gray = rng.integers(1, 256, size=(12, 10)).astype(np.uint8)          # no zero pixels: shifts are visible
    color = rng.uniform(0.1, 1.0, size=(9, 11, 3)).astype(np.float32)
    return [gray, color] + [rng.uniform(1, 200, size=shape).astype(dtype) for shape, dtype in hidden_cases("09.random_translate")]


def _matching_shift(img, out, max_shift):
    from cnncourse.analysis.shifts import shift

    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            if np.array_equal(shift(img[None], dy, dx)[0], out):
                return dy, dx
    return None


@exercise("09.random_translate", points=2)
def random_translate(student_fn):
    """Random integer shift with zero fill in NumPy"""
    for img in _hidden_images():
        for max_shift in (0, 1, 3):
            seen = set()
            for seed in range(30):
                out = np.asarray(call_keeping_inputs(student_fn, (img.copy(), max_shift, np.random.default_rng(seed)),
                                                     ("image", "max_shift", "rng"), "random_translate"))
                expect_shape(out, img.shape, f"output for an image of shape {img.shape}")
                expect_true(out.dtype == img.dtype, f"output dtype {out.dtype}, expected {img.dtype} (keep the input's dtype)")
                shift = _matching_shift(img, out, max_shift)
                expect_true(shift is not None,
                            f"for max_shift={max_shift} the output is not the input shifted by integers "
                            f"dy, dx in [-{max_shift}, {max_shift}] with zeros filling the gap "
                            "(no wrap-around as with np.roll, no interpolation)")
                seen.add(shift)
            expect_true(max_shift == 0 or len(seen) >= 0.6 * (2 * max_shift + 1) ** 2 or len(seen) >= 12,
                        f"max_shift={max_shift}: only {len(seen)} different shifts in 30 calls; draw dy and dx "
                        "independently and uniformly from `rng` (both signs, both axes)")
            if max_shift:
                expect_true(any(dy != 0 for dy, _ in seen) and any(dx != 0 for _, dx in seen),
                            "shift both rows (dy) and columns (dx)")
                for seed in range(5):
                    first, again = (np.asarray(student_fn(img.copy(), max_shift, np.random.default_rng(seed))) for _ in "ab")
                    expect_true(np.array_equal(first, again),
                                "two generators with the same seed gave different shifts: draw dy and dx from the `rng` "
                                "you are given (rng.integers), not from np.random or random, so that runs are reproducible")
    return "zero-filled shifts of the right range on grey and colour images, with enough variety"


@exercise("09.build_augmenter", points=2)
def build_augmenter(build_fn):
    """A label-preserving keras augmentation pipeline for clothing images, from ``build_fn()``"""
    import keras
    from keras import layers

    augmenter = build_fn()
    expect_true(isinstance(augmenter, keras.Model), "return a keras.Sequential (or another keras Model) of layers")
    kinds = {type(layer).__name__: layer for layer in augmenter.layers}
    for name in ("RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom"):
        expect_true(name in kinds, f"the pipeline needs a {name} layer; it has {sorted(kinds)}")
    flips = [l for l in augmenter.layers if isinstance(l, layers.RandomFlip)]
    for flip in flips:
        expect_true(flip.mode == "horizontal",
                    f"RandomFlip mode is {flip.mode!r}: an upside-down shirt or shoe is not a real Fashion-MNIST image; "
                    "use 'horizontal' only")
    rot = kinds["RandomRotation"]
    factor = np.max(np.abs(np.atleast_1d(rot.factor)))
    expect_true(0 < factor <= 0.05 + 1e-9,
                f"RandomRotation factor {rot.factor}: at most 0.05 of a turn (18 degrees); larger rotations change what "
                "a garment looks like")
    tr = kinds["RandomTranslation"]
    for f in (tr.height_factor, tr.width_factor):
        expect_true(0 < np.max(np.abs(np.atleast_1d(f))) <= 0.15 + 1e-9,
                    f"RandomTranslation factors {tr.height_factor}, {tr.width_factor}: shift by at most 15% of the image")
    zoom = kinds["RandomZoom"]
    for f in (zoom.height_factor, zoom.width_factor):
        expect_true(f is None or np.max(np.abs(np.atleast_1d(f))) <= 0.2 + 1e-9,
                    f"RandomZoom factors {zoom.height_factor}, {zoom.width_factor}: zoom by at most 20% (e.g. 0.1); "
                    "a 0.9 zoom blows a garment up past the frame or shrinks it to a dot")
    for layer in (tr, rot, zoom):
        expect_true(getattr(layer, "fill_value", 0.0) == 0.0,
                    f"{type(layer).__name__} fill_value is {layer.fill_value}: the gap must be filled with black (0), "
                    "the background of Fashion-MNIST")
        expect_true(layer.fill_mode == "constant",
                    f"{type(layer).__name__} fill_mode is {layer.fill_mode!r}"
                    + (" (Keras' default)" if layer.fill_mode == "reflect" else "")
                    + ": Fashion-MNIST has a black background; pass fill_mode='constant' (zeros) to every layer "
                      "that fills pixels (RandomTranslation, RandomRotation, RandomZoom)")
    x = case_rng(0).uniform(0, 1, size=(8, 28, 28, 1)).astype("float32")
    y_inf = np.asarray(augmenter(x, training=False))
    expect_shape(y_inf, x.shape, "inference output")
    expect_true(np.allclose(y_inf, x, atol=1e-6), "at inference (training=False) the pipeline must return its input unchanged")
    y_train = np.asarray(augmenter(x, training=True))
    expect_shape(y_train, x.shape, "training output")
    expect_true(not np.allclose(y_train, x), "in training mode the images should change")
    expect_true(y_train.min() > -1.0 and y_train.max() < 2.0,
                f"in training mode the pipeline produced values from {y_train.min():.3g} to {y_train.max():.3g}, far outside "
                "the images' range [0, 1]: a layer assumes pixels in 0-255 (RandomBrightness and RandomContrast do by "
                "default); pass value_range=(0, 1) for images scaled to [0, 1]")
    return "horizontal flips, small shifts/rotations/zoom, identity at inference"
