"""cnncourse.models.fashion: the one small CNN builder and its options (fast_cnn: tests/test_training_loop.py)."""
import numpy as np
import pytest

from cnncourse.models.fashion import small_cnn


def kinds(model) -> list[str]:
    return [layer.__class__.__name__ for layer in model.layers]


def test_default_is_conv_pool_twice_then_dense_logits_with_named_layers():
    m = small_cnn(filters=4, dense=8)
    assert [layer.name for layer in m.layers] == ["image", "conv1", "pool1", "conv2", "pool2", "flatten", "dense", "logits"]
    # conv 3x3x1x4 + 4, conv 3x3x4x8 + 8, dense 7*7*8 -> 8, logits 8 -> 10 (filters=4 means (4, 8))
    assert m.count_params() == (9 * 4 + 4) + (9 * 4 * 8 + 8) + (7 * 7 * 8 * 8 + 8) + (8 * 10 + 10)
    assert m.layers[-1].get_config()["activation"] == "linear"


def test_options_change_exactly_their_part():
    m = small_cnn((32, 32, 3), 5, filters=(4, 8, 16), dense=None, head="gap", rescale=1 / 255, softmax=True,
                  output_name="classifier")
    assert kinds(m) == ["InputLayer", "Rescaling"] + ["Conv2D", "MaxPooling2D"] * 3 + ["GlobalAveragePooling2D", "Dense"]
    assert m.layers[-1].name == "classifier" and m.output_shape == (None, 5)
    probs = m.predict(np.full((2, 32, 32, 3), 255.0, np.float32), verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_batchnorm_goes_before_a_separate_relu_and_drops_the_biases():
    m = small_cnn(filters=(4, 8), dense=16, batchnorm=True, dropout=0.5, layer_names=False, input_name=None)
    assert kinds(m) == ["InputLayer", "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D",
                        "Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Flatten", "Dropout",
                        "Dense", "BatchNormalization", "Activation", "Dropout", "Dense"]
    assert [layer.use_bias for layer in m.layers if hasattr(layer, "use_bias")] == [False, False, False, True]


def test_l1_l2_penalise_every_kernel():
    m = small_cnn(filters=(2, 2), dense=4, l2=1e-3)
    assert len(m.losses) == 4   # two convs, the hidden dense, the logits
    assert small_cnn(filters=(2, 2), dense=4).losses == []


def test_unknown_head_is_a_clear_error():
    with pytest.raises(ValueError, match="head must be 'flatten' or 'gap'"):
        small_cnn(head="avg")
