"""EfficientNet-Lite0 in Keras: structure, parameter count, padding, and the converted ImageNet weights."""
import numpy as np
import pytest

from cnncourse.models.efficientnet_lite import (NUM_BLOCKS, block_index, block_specs, build_efficientnet_lite0,
                                                keras_weights_from_state_dict, preprocess_input)


def expected_param_count(num_classes=1000):
    """Count independently from the architecture table: convs without bias, 4 numbers per BN channel."""
    total = 3 * 3 * 3 * 32 + 4 * 32
    for kernel, stride, expand, c_in, c_out in block_specs():
        mid = c_in * expand
        if expand != 1:
            total += c_in * mid + 4 * mid
        total += kernel * kernel * mid + 4 * mid
        total += mid * c_out + 4 * c_out
    total += 320 * 1280 + 4 * 1280
    return total + 1280 * num_classes + num_classes


def test_block_table():
    specs = block_specs()
    assert NUM_BLOCKS == len(specs) == 16
    assert sum(s[1] == 2 for s in specs) == 4                       # 4 stride-2 blocks + the stem: /32
    assert [s[0] for s in specs].count(5) == 9


def test_parameter_count_and_output_shapes():
    model = build_efficientnet_lite0()
    assert model.count_params() == expected_param_count() == 4_694_024
    assert model.output_shape == (None, 1000)
    assert model.get_layer("head_relu6").output.shape[1:] == (7, 7, 1280)
    assert not any("se" in layer.name.split("_") for layer in model.layers)  # no squeeze-excitation


def test_block_index():
    assert block_index("stem_conv") == -1 and block_index("block0_dwconv") == 0
    assert block_index("block15_project_bn") == 15 and block_index("head_conv") == 16
    assert block_index("predictions") == 16 and block_index("image") is None


def test_same_padding_puts_the_extra_row_bottom_right():
    """Keras 'same' == TF SAME == the torch port's Conv2dStaticSamePadding: pad (0, 1) for k=3, s=2, even input."""
    import keras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 8, 8, 2)).astype(np.float32)
    k = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)
    same = keras.ops.conv(x, k, strides=2, padding="same")
    manual = keras.ops.conv(np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0))), k, strides=2, padding="valid")
    np.testing.assert_allclose(same, manual, atol=1e-5)


def test_weight_mapping_transposes():
    rng = np.random.default_rng(1)
    model = build_efficientnet_lite0((32, 32, 3))
    real = keras_weights_from_state_dict(_fake_state(rng))  # torch layouts in, Keras layouts out
    assert real["stem_conv"][0].shape == (3, 3, 3, 32)
    assert real["block3_dwconv"][0].shape == (5, 5, 144, 1)
    assert real["predictions"][0].shape == (1280, 1000)
    for name, arrays in real.items():
        assert [a.shape for a in arrays] == [tuple(w.shape) for w in model.get_layer(name).get_weights()], name


def _fake_state(rng):
    state = {"_conv_stem.weight": rng.normal(size=(32, 3, 3, 3)), "_conv_head.weight": rng.normal(size=(1280, 320, 1, 1)),
             "_fc.weight": rng.normal(size=(1000, 1280)), "_fc.bias": rng.normal(size=1000)}

    def bn(prefix, c):
        for k in ("weight", "bias", "running_mean", "running_var"):
            state[f"{prefix}.{k}"] = rng.normal(size=c)

    bn("_bn0", 32)
    bn("_bn1", 1280)
    for i, (kernel, stride, expand, c_in, c_out) in enumerate(block_specs()):
        mid = c_in * expand
        if expand != 1:
            state[f"_blocks.{i}._expand_conv.weight"] = rng.normal(size=(mid, c_in, 1, 1))
            bn(f"_blocks.{i}._bn0", mid)
        state[f"_blocks.{i}._depthwise_conv.weight"] = rng.normal(size=(mid, 1, kernel, kernel))
        bn(f"_blocks.{i}._bn1", mid)
        state[f"_blocks.{i}._project_conv.weight"] = rng.normal(size=(c_out, mid, 1, 1))
        bn(f"_blocks.{i}._bn2", c_out)
    return state


def test_conv_transpose_matches_a_direct_convolution():
    """OIHW -> HWIO: a torch-layout kernel applied by hand equals Keras with the transposed kernel."""
    import keras

    rng = np.random.default_rng(2)
    w_oihw = rng.normal(size=(4, 2, 3, 3)).astype(np.float32)
    x = rng.normal(size=(1, 5, 5, 2)).astype(np.float32)
    out = keras.ops.conv(x, w_oihw.transpose(2, 3, 1, 0), padding="valid")
    direct = np.einsum("hwi,oihw->o", x[0, 1:4, 1:4], w_oihw)  # cross-correlation at output (1, 1)
    np.testing.assert_allclose(out[0, 1, 1], direct, rtol=1e-4, atol=1e-4)


@pytest.fixture(scope="module")
def imagenet_model():
    from cnncourse.models.efficientnet_lite import pretrained_efficientnet_lite0

    return pretrained_efficientnet_lite0()


def test_converted_model_recognises_real_photos(imagenet_model):
    from cnncourse.data import load_photo, resize
    from cnncourse.data.imagenet import CAT_CLASSES, top_k

    x = preprocess_input(np.stack([resize(load_photo("chelsea"), 224), resize(load_photo("coffee"), 224)]))
    probs = imagenet_model.predict(x, verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-4)
    cat, coffee = top_k(probs, 1)
    assert cat[0][0] in CAT_CLASSES, cat
    assert coffee[0][0] in ("espresso", "cup", "coffee mug"), coffee
    assert coffee[0][1] > 0.5


def test_other_input_sizes_and_logits_share_the_weights(imagenet_model):
    from cnncourse.models.efficientnet_lite import pretrained_efficientnet_lite0

    logits_model = pretrained_efficientnet_lite0(classifier_activation=None)
    x = preprocess_input(np.full((1, 224, 224, 3), 100.0))
    logits = np.asarray(logits_model(x), dtype=np.float64)
    softmax = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(softmax, imagenet_model(x), rtol=1e-3, atol=1e-6)
    small = pretrained_efficientnet_lite0((96, 96, 3), include_top=False)
    assert small.output_shape == (None, 3, 3, 1280)
    np.testing.assert_array_equal(small.get_layer("block5_dwconv").get_weights()[0],
                                  imagenet_model.get_layer("block5_dwconv").get_weights()[0])
