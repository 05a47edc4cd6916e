"""Interpretability helpers agree with tf-keras-vis and with each other."""
import numpy as np
import pytest

from cnncourse import interpret


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
