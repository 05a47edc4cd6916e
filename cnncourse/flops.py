"""Counting a network's cost: parameters and multiply-accumulates (MACs) of its layers.

A convolution computes, for every output position and output channel, a dot product of
``k_h * k_w * c_in`` numbers: one multiply-accumulate (MAC) each. FLOPs are counted as
``2 * MACs`` (one multiply + one add), the usual convention in papers. Bias adds,
activations, pooling and batch norm are ignored: they are tiny next to the products.
"""
from __future__ import annotations

from cnncourse import costs

_pair = costs._pair


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """Spatial output size of a convolution or pooling along one axis (Keras semantics)."""
    if padding == "same":
        return -(-size // stride)
    if padding == "valid":
        return (size - kernel) // stride + 1
    raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")


def conv_params(kernel, c_in: int, c_out: int, use_bias: bool = True) -> int:
    """Parameters of a standard Conv2D: ``k_h * k_w * c_in * c_out`` weights (+ ``c_out`` biases)."""
    return costs.conv2d_params(kernel, c_in, c_out, use_bias)


def separable_params(kernel, c_in: int, c_out: int, depth_multiplier: int = 1, use_bias: bool = True) -> int:
    """Parameters of Keras ``SeparableConv2D``: depthwise ``k*k*c_in*m`` + pointwise ``c_in*m*c_out`` (+ bias)."""
    kh, kw = _pair(kernel)
    mid = c_in * depth_multiplier
    return kh * kw * mid + mid * c_out + (c_out if use_bias else 0)


def conv_macs(input_hw, c_in: int, c_out: int, kernel, stride=1, padding: str = "same") -> int:
    """MACs of a standard Conv2D on an ``input_hw = (H, W)`` input: ``H_out * W_out * k_h * k_w * c_in * c_out``."""
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    h_out, w_out = conv_output_size(h, kh, sh, padding), conv_output_size(w, kw, sw, padding)
    return costs.conv2d_macs((h_out, w_out), (kh, kw), c_in, c_out)


def separable_macs(input_hw, c_in: int, c_out: int, kernel, stride=1, padding: str = "same",
                   depth_multiplier: int = 1) -> int:
    """MACs of a depthwise-separable conv: depthwise ``H'W'k²c_in·m`` plus pointwise ``H'W'c_in·m·c_out``."""
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    h_out, w_out = conv_output_size(h, kh, sh, padding), conv_output_size(w, kw, sw, padding)
    mid = c_in * depth_multiplier
    return h_out * w_out * (kh * kw * mid + mid * c_out)


def _shape(tensor):
    return tuple(tensor.shape)


def layer_macs(layer) -> int:
    """MACs of one Keras layer in a built functional model (Conv2D, DepthwiseConv2D,
    SeparableConv2D, Dense; 0 for every other layer). Counted once per call site."""
    import keras

    if isinstance(layer, (keras.layers.SeparableConv2D, keras.layers.DepthwiseConv2D)):
        out = _shape(layer.output)
        kh, kw = layer.kernel_size
        c_in = _shape(layer.input)[-1]
        mid = c_in * layer.depth_multiplier
        depthwise = out[1] * out[2] * kh * kw * mid
        if isinstance(layer, keras.layers.SeparableConv2D):
            return depthwise + out[1] * out[2] * mid * out[-1]
        return depthwise
    if isinstance(layer, keras.layers.Conv2D):
        out = _shape(layer.output)
        return costs.conv2d_macs(out[1:3], layer.kernel_size, _shape(layer.input)[-1] // layer.groups, out[-1])
    if isinstance(layer, keras.layers.Dense):
        in_shape, out = _shape(layer.input), _shape(layer.output)
        positions = 1
        for dim in in_shape[1:-1]:
            positions *= dim
        return positions * costs.dense_macs(in_shape[-1], out[-1])
    return 0


def _walk(model):
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:   # a nested model
            yield from _walk(layer)
        else:
            yield layer


def model_macs(model) -> int:
    """Total MACs of one forward pass of one example through a functional model."""
    return sum(layer_macs(layer) for layer in _walk(model))


def layer_table(model):
    """A pandas DataFrame with one row per layer: name, type, output shape, params, MACs."""
    import pandas as pd

    rows = [{"layer": layer.name, "type": type(layer).__name__,
             "output": str(_shape(layer.output)[1:]), "params": layer.count_params(),
             "MACs": layer_macs(layer)} for layer in _walk(model)]
    return pd.DataFrame(rows)


def param_count(model, trainable_only: bool = False) -> int:
    """Parameters counted from the weight shapes (independently of ``count_params``)."""
    import math

    weights = model.trainable_weights if trainable_only else model.weights
    return sum(math.prod(w.shape) for w in weights)


def cost_table(models: dict):
    """Compare models: ``{name: model}`` -> DataFrame of input, params (own count and
    Keras ``count_params``), MACs and GFLOPs (= 2 MACs / 1e9) per example."""
    import pandas as pd

    rows = []
    for name, model in models.items():
        macs = model_macs(model)
        rows.append({"model": name, "input": "x".join(str(d) for d in model.input_shape[1:]),
                     "params": param_count(model), "keras_count_params": model.count_params(),
                     "MACs": macs, "GFLOPs": round(2 * macs / 1e9, 4)})
    return pd.DataFrame(rows).set_index("model")
