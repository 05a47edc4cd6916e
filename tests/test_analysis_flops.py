"""cnncourse.analysis.flops: parameter and MAC counts against Keras and against hand-computed numbers."""
import keras
import pytest

from cnncourse.analysis import flops


@pytest.mark.parametrize("hw,c_in,c_out,k,s,pad", [
    ((28, 28), 1, 6, 5, 1, "same"), ((32, 30), 3, 8, 3, 2, "valid"), ((9, 9), 4, 5, 1, 2, "same"),
    ((11, 7), 2, 3, (3, 1), (2, 1), "valid"),
])
def test_conv_macs_and_params_match_a_built_layer(hw, c_in, c_out, k, s, pad):
    inputs = keras.Input((*hw, c_in))
    layer = keras.layers.Conv2D(c_out, k, strides=s, padding=pad)
    model = keras.Model(inputs, layer(inputs))
    h_out, w_out = model.output_shape[1:3]
    kh, kw = k if isinstance(k, tuple) else (k, k)
    assert flops.conv_macs(hw, c_in, c_out, k, s, pad) == h_out * w_out * kh * kw * c_in * c_out
    assert flops.layer_macs(layer) == flops.conv_macs(hw, c_in, c_out, k, s, pad)
    assert flops.conv_params(k, c_in, c_out) == layer.count_params()


def test_conv_output_size():
    assert flops.conv_output_size(224, 11, 4, "valid") == 54
    assert flops.conv_output_size(227, 11, 4, "valid") == 55
    assert flops.conv_output_size(9, 3, 2, "same") == 5
    with pytest.raises(ValueError):
        flops.conv_output_size(9, 3, 1, "full")


@pytest.mark.parametrize("k,c_in,c_out,m,bias", [(3, 32, 64, 1, True), (5, 3, 7, 2, False)])
def test_separable_counts_match_keras(k, c_in, c_out, m, bias):
    inputs = keras.Input((10, 10, c_in))
    sep = keras.layers.SeparableConv2D(c_out, k, depth_multiplier=m, use_bias=bias, padding="same")
    dw = keras.layers.DepthwiseConv2D(k, depth_multiplier=m, use_bias=False, padding="same")
    keras.Model(inputs, [sep(inputs), dw(inputs)])
    assert flops.separable_params(k, c_in, c_out, m, bias) == sep.count_params()
    assert dw.count_params() == k * k * c_in * m
    assert flops.layer_macs(sep) == flops.separable_macs((10, 10), c_in, c_out, k, 1, "same", m)
    assert flops.layer_macs(sep) == 100 * (k * k * c_in * m + c_in * m * c_out)
    assert flops.layer_macs(dw) == 100 * k * k * c_in * m


def test_model_macs_dense_and_table():
    inputs = keras.Input((8, 8, 2))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(5)(x)
    model = keras.Model(inputs, outputs)
    expected = 8 * 8 * 9 * 2 * 4 + 64 * 5
    assert flops.model_macs(model) == expected
    table = flops.cost_table({"tiny": model})
    assert table.loc["tiny", "params"] == model.count_params() == table.loc["tiny", "keras_count_params"]
    assert table.loc["tiny", "MACs"] == expected
    layers = flops.layer_table(model)
    assert layers["MACs"].sum() == expected and layers["params"].sum() == model.count_params()


def test_nested_models_are_walked():
    inner_in = keras.Input((6, 6, 3))
    inner = keras.Model(inner_in, keras.layers.Conv2D(2, 1)(inner_in))
    outer_in = keras.Input((6, 6, 3))
    outer = keras.Model(outer_in, keras.layers.Flatten()(inner(outer_in)))
    assert flops.model_macs(outer) == 36 * 3 * 2
