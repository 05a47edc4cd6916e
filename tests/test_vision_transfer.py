"""Transfer helpers: texture crops, freezing, heads, scratch CNN."""
import numpy as np

from cnncourse.models.efficientnet_lite import build_efficientnet_lite0
import pytest

from cnncourse.models.efficientnet_lite import block_index
from cnncourse.vision.transfer import (TEXTURES, classifier_on, count_params, freeze_all_but_top, small_cnn,
                                split_after_block, texture_crops)


def test_texture_crops_shapes_labels_and_determinism():
    x, y = texture_crops(3, "train", size=32)
    assert x.shape == (12, 32, 32, 3) and x.dtype == np.float32
    assert np.array_equal(y, np.repeat(np.arange(len(TEXTURES)), 3))
    assert 0 <= x.min() and x.max() <= 255 and np.array_equal(x[..., 0], x[..., 2])
    np.testing.assert_array_equal(x, texture_crops(3, "train", size=32)[0])
    assert not np.array_equal(x, texture_crops(3, "test", size=32)[0])


def test_freeze_counts():
    model = build_efficientnet_lite0((32, 32, 3), num_classes=10)
    freeze_all_but_top(model, 0)
    assert count_params(model.trainable_weights) == 0
    freeze_all_but_top(model, 1)  # head conv + head BN (gamma, beta) + classifier
    assert count_params(model.trainable_weights) == 320 * 1280 + 2 * 1280 + 1280 * 10 + 10
    freeze_all_but_top(model, 100)
    assert count_params(model.trainable_weights) == count_params(model.weights) - 2 * sum(
        w.shape[0] for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"
        for w in layer.weights[:1])


def test_classifier_on_and_small_cnn_shapes():
    base = build_efficientnet_lite0((32, 32, 3), include_top=False)
    clf = classifier_on(base, 3)
    assert clf.output_shape == (None, 3)
    cnn = small_cnn((28, 28, 1), 10, filters=(4, 8))
    assert cnn.output_shape == (None, 10)
    assert cnn.count_params() == (9 * 4 + 4) + (9 * 4 * 8 + 8) + (8 * 10 + 10)


def test_small_cnn_flatten_variant():
    cnn = small_cnn((28, 28, 1), 10, filters=(16, 32), head="flatten")
    assert cnn.count_params() == (9 * 16 + 16) + (9 * 16 * 32 + 32) + (7 * 7 * 32 * 10 + 10)


def test_split_after_block_recomposes_the_base_and_holds_only_the_top_blocks():
    base = build_efficientnet_lite0((32, 32, 3), include_top=False)
    rng = np.random.default_rng(0)
    for layer in base.layers:  # non-trivial batch-norm statistics, so a skipped layer would show
        if layer.__class__.__name__ == "BatchNormalization":
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([gamma, beta, rng.normal(0, 0.1, mean.shape), rng.uniform(0.5, 2, var.shape)])
    bottom, top = split_after_block(base, 13)
    x = rng.normal(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(top.predict(bottom.predict(x, verbose=0), verbose=0), base.predict(x, verbose=0),
                               rtol=1e-4, atol=1e-4)
    assert bottom.output_shape == (None, 1, 1, 192)  # 32 px / stride 32
    assert {block_index(layer.name) for layer in top.layers if block_index(layer.name) is not None} == {14, 15, 16}
    freeze_all_but_top(base, 3)  # head + blocks 15, 14: exactly the top model's weights train
    assert count_params(top.trainable_weights) == count_params(base.trainable_weights) > 0
    assert count_params(bottom.trainable_weights) == 0
    _, top_after_project = split_after_block(base, 11)  # block 11 changes the width: no residual add
    assert top_after_project.input_shape == (None, 1, 1, 192)
    with pytest.raises(ValueError, match="block must be"):
        split_after_block(base, 16)


def test_digits_record_holds_every_method_for_every_seed_and_a_missing_one_names_the_script(tmp_path):
    from cnncourse.vision import transfer

    record = transfer.load_digits_record()
    methods = {"frozen network + head", "fine-tuned top blocks", "block-13 map + head", "tiny CNN, scratch",
               "head training accuracy"}
    assert [set(record["runs"][str(seed)]) for seed in record["seeds"]] == [methods] * len(record["seeds"])
    assert all(0.0 <= v <= 1.0 for run in record["runs"].values() for v in run.values())
    with pytest.raises(FileNotFoundError, match="transfer_digits_study"):
        transfer.load_digits_record(tmp_path / "absent.json")


def test_upscale_gives_rgb_at_the_requested_size_and_keeps_the_range():
    from cnncourse.vision import transfer

    digits = np.zeros((2, 28, 28), "uint8")
    digits[:, 10:18, 12:16] = 255
    up = transfer.upscale(digits, size=56)
    assert up.shape == (2, 56, 56, 3)
    assert np.allclose(up[..., 0], up[..., 2]) and up.min() >= 0 and up.max() <= 255.0 + 1e-3
    assert up[:, 28, 28].min() > 200 and up[:, 2, 2].max() < 1e-3
