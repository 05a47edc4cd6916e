import keras
import numpy as np
import pytest

from cnncourse.training.augmentation import augmented_samples, clothing_augmenter, random_translate, show_grid


def test_random_translate_range():
    img = np.ones((10, 10))
    rng = np.random.default_rng(0)
    zeros = [int((random_translate(img, 2, rng) == 0).sum()) for _ in range(50)]
    assert max(zeros) <= 2 * 10 + 2 * 10 - 4 and min(zeros) >= 0 and len(set(zeros)) > 3


def test_clothing_augmenter_identity_at_inference_and_label_preserving():
    aug = clothing_augmenter(contrast=0.2, noise=0.05)
    names = [type(l).__name__ for l in aug.layers]
    assert names == ["RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomContrast", "GaussianNoise"]
    assert aug.layers[0].mode == "horizontal"
    x = np.random.default_rng(0).uniform(size=(4, 28, 28, 1)).astype("float32")
    assert np.allclose(aug(x, training=False), x)
    samples = augmented_samples(aug, x[0], n=3)
    assert samples.shape == (3, 28, 28, 1) and not np.allclose(samples[0], samples[1])


def test_show_grid_returns_figure():
    import matplotlib

    matplotlib.use("Agg")
    fig = show_grid([np.zeros((3, 8, 8, 1)), np.zeros((2, 8, 8, 3))], titles=["a", "b"])
    assert len(fig.axes) == 6


def test_digit_augmenter_has_no_flips_and_is_identity_at_inference():
    from cnncourse.training.augmentation import digit_augmenter

    aug = digit_augmenter(translate=0.1, rotate=0.03, zoom=0.1)
    names = [type(layer).__name__ for layer in aug.layers]
    assert names == ["RandomTranslation", "RandomRotation", "RandomZoom"]
    x = np.random.default_rng(0).uniform(0, 1, (4, 28, 28, 1)).astype("float32")
    assert np.allclose(aug(x, training=False), x)
    assert not np.allclose(aug(x, training=True), x)


def test_train_small_data_records_accuracy_every_eval_every_epochs():
    from cnncourse.training.augmentation import digit_augmenter, train_small_data

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (40, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, 40)
    model, curves = train_small_data(x, y, digit_augmenter(), epochs=4, eval_every=2, eval_sets={"train": (x, y)})
    assert len(curves["train"]) == 2 and all(0 <= v <= 1 for v in curves["train"])
    assert model.layers[1].name == "augment"
    with pytest.raises(ValueError, match="multiple"):
        train_small_data(x, y, epochs=5, eval_every=2)
