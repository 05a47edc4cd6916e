"""Interpretability helpers agree with tf-keras-vis and with each other."""
import numpy as np
import pytest

from cnncourse.vision import interpret


@pytest.fixture(scope="module")
def model_and_data():
    import keras

    keras.utils.set_random_seed(3)
    model = interpret.gap_cnn((16, 16, 3), num_classes=4, filters=(4, 6))
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, size=(3, 16, 16, 3)).astype(np.float32)
    x[:, 4:9, 6:12] += 1.0
    return model, x, np.array([0, 2, 3])


def test_gap_cnn_structure():
    model = interpret.gap_cnn()
    assert model.output_shape == (None, 10)
    assert model.get_layer("last_conv").output.shape[1:] == (7, 7, 64)
    assert model.get_layer("logits").activation.__name__ == "linear"


def test_normalize_and_upsample():
    maps = np.array([[[0.0, 2.0], [1.0, 4.0]], [[3.0, 3.0], [3.0, 3.0]]])
    out = interpret.normalize_maps(maps)
    assert out[0].min() == 0 and abs(out[0].max() - 1) < 1e-6 and np.all(out[1] == 0)
    assert interpret.upsample(out, (8, 8)).shape == (2, 8, 8)


def test_grad_cam_matches_tf_keras_vis_and_cam(model_and_data):
    model, x, classes = model_and_data
    ours = interpret.grad_cam(model, x, classes, "last_conv")
    theirs = interpret.tf_keras_vis_maps(model, x, classes, "last_conv", methods=("gradcam",), expand=False)["gradcam"]
    np.testing.assert_allclose(ours, theirs, atol=1e-4)
    cam = interpret.class_activation_map(model, x, classes, "last_conv", "logits")
    np.testing.assert_allclose(cam, ours, atol=1e-3)  # Grad-CAM == CAM for GAP + dense


def test_saliency_matches_tf_keras_vis(model_and_data):
    model, x, classes = model_and_data
    ours = interpret.saliency(model, x, classes)
    theirs = interpret.tf_keras_vis_maps(model, x, classes, "last_conv", methods=("saliency",))["saliency"]
    assert ours.shape == (3, 16, 16)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_grad_cam_plus_plus_and_score_cam_run(model_and_data):
    model, x, classes = model_and_data
    maps = interpret.tf_keras_vis_maps(model, x, classes, "last_conv", methods=("gradcam++", "scorecam"), max_n=3)
    for m in maps.values():
        assert m.shape == (3, 16, 16) and m.min() >= 0 and m.max() <= 1 + 1e-6


def test_activation_model(model_and_data):
    model, x, _ = model_and_data
    outs = interpret.activation_model(model, ["conv1", "last_conv"]).predict(x, verbose=0)
    assert outs[0].shape == (3, 16, 16, 4) and outs[1].shape == (3, 8, 8, 6)


def test_randomized_cascade_replaces_layers_top_down(model_and_data):
    model, x, classes = model_and_data
    names = ["logits", "last_conv", "conv1"]
    stages = list(interpret.randomized_cascade(model, names, seed=5))
    assert [name for name, _ in stages] == names
    for k, (_, copy) in enumerate(stages):
        for layer in model.layers:
            if not layer.get_weights():
                continue
            same = all(np.array_equal(a, b) for a, b in zip(layer.get_weights(), copy.get_layer(layer.name).get_weights()))
            assert same == (layer.name not in names[:k + 1]), (k, layer.name)
    with pytest.raises(ValueError, match="nope"):
        list(interpret.randomized_cascade(model, ["nope"]))


def test_rank_correlation_is_spearman_per_image():
    a = np.arange(12, dtype=float).reshape(2, 2, 3)
    b = np.stack([a[0] ** 3, -a[1]])            # monotone -> 1, reversed -> -1
    np.testing.assert_allclose(interpret.rank_correlation(a, b), [1.0, -1.0])
    assert interpret.rank_correlation(a, np.zeros_like(a)).tolist() == [0.0, 0.0]  # constant map: no ranking
    with pytest.raises(ValueError, match="shape"):
        interpret.rank_correlation(a, a[:, :1])


def test_guided_backprop_is_nonnegative_and_leaves_model_alone(model_and_data):
    model, x, classes = model_and_data
    before = interpret.saliency(model, x, classes)
    maps = interpret.guided_backprop(model, x, classes)
    assert maps.shape == x.shape[:3] and maps.min() >= 0 and maps.max() <= 1
    assert not np.allclose(maps, before)          # a different method from vanilla saliency
    np.testing.assert_allclose(interpret.saliency(model, x, classes), before)  # model's ReLUs untouched


def test_occlusion_map_finds_the_evidence():
    image = np.zeros((8, 8, 1), np.float32)
    image[2:4, 4:6] = 1.0

    def probs(batch):  # "class 0" probability = brightness of the 2x2 square at rows 2-3, cols 4-5
        score = batch[:, 2:4, 4:6, 0].mean(axis=(1, 2))
        return np.stack([score, 1 - score], axis=1)

    drop = interpret.occlusion_map(probs, image, 0, patch=2, stride=2, fill=0.0)
    assert drop.shape == (4, 4)
    assert drop[1, 2] == 1.0 and np.count_nonzero(drop) == 1
    with pytest.raises(ValueError, match="patch"):
        interpret.occlusion_map(probs, image, 0, patch=9, stride=1)
