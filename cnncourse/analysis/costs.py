"""What a layer costs: parameters, multiply-accumulates (MACs) and FLOPs, from shapes or a built model.

Used in lessons 01, 03.

The course's one cost module (``cnncourse.analysis.flops`` re-exports lesson 10/11's names of these functions).
Counts follow Keras: a Dense layer holds ``n_in * n_out`` weights plus ``n_out`` biases;
a Conv2D layer holds ``kh * kw * c_in * c_out`` weights plus ``c_out`` biases, however
large the image is (the same filters slide everywhere: weight sharing). Compute, on the
other hand, grows with the output's area: one MAC per weight per output position. A MAC is one
multiply and one add, so FLOPs = 2 MACs (:func:`macs_to_flops`), the usual convention in papers. Bias adds,
activations, pooling and batch norm are not counted: they are tiny next to the products.
"""
from __future__ import annotations


def _pair(value):
    """``3 -> (3, 3)``; a tuple or list is kept as a tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def dense_params(n_in: int, n_out: int, use_bias: bool = True) -> int:
    """Trainable parameters of ``Dense(n_out)`` applied to ``n_in`` features."""
    return n_in * n_out + (n_out if use_bias else 0)


def conv2d_params(kernel_size, c_in: int, c_out: int, use_bias: bool = True) -> int:
    """Trainable parameters of ``Conv2D(c_out, kernel_size)`` on ``c_in`` input channels."""
    kh, kw = _pair(kernel_size)
    return kh * kw * c_in * c_out + (c_out if use_bias else 0)


def dense_macs(n_in: int, n_out: int) -> int:
    """Multiply-accumulates of one Dense forward pass (per example)."""
    return n_in * n_out


def conv2d_macs(out_hw, kernel_size, c_in: int, c_out: int) -> int:
    """Multiply-accumulates of one Conv2D forward pass (per example) producing ``out_hw`` = (H_out, W_out)."""
    (ho, wo), (kh, kw) = _pair(out_hw), _pair(kernel_size)
    return ho * wo * kh * kw * c_in * c_out


def macs_to_flops(macs: int) -> int:
    """Floating-point operations of ``macs`` multiply-accumulates: one multiply + one add each."""
    return 2 * macs


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """Spatial output size of a convolution or pooling along one axis (Keras semantics)."""
    if padding == "same":
        return -(-size // stride)
    if padding == "valid":
        return (size - kernel) // stride + 1
    raise ValueError(f"padding must be 'same' or 'valid', got {padding!r}")


def separable_params(kernel, c_in: int, c_out: int, depth_multiplier: int = 1, use_bias: bool = True) -> int:
    """Parameters of Keras ``SeparableConv2D``: depthwise ``k*k*c_in*m`` + pointwise ``c_in*m*c_out`` (+ bias)."""
    kh, kw = _pair(kernel)
    mid = c_in * depth_multiplier
    return kh * kw * mid + mid * c_out + (c_out if use_bias else 0)


def conv_macs(input_hw, c_in: int, c_out: int, kernel, stride=1, padding: str = "same") -> int:
    """MACs of a standard Conv2D on an ``input_hw = (H, W)`` input: ``H_out * W_out * k_h * k_w * c_in * c_out``."""
    (h, w), (kh, kw), (sh, sw) = _pair(input_hw), _pair(kernel), _pair(stride)
    h_out, w_out = conv_output_size(h, kh, sh, padding), conv_output_size(w, kw, sw, padding)
    return conv2d_macs((h_out, w_out), (kh, kw), c_in, c_out)


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
        return conv2d_macs(out[1:3], layer.kernel_size, _shape(layer.input)[-1] // layer.groups, out[-1])
    if isinstance(layer, keras.layers.Dense):
        in_shape, out = _shape(layer.input), _shape(layer.output)
        positions = 1
        for dim in in_shape[1:-1]:
            positions *= dim
        return positions * dense_macs(in_shape[-1], out[-1])
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


def layer_table(model, nested: bool = False):
    """A pandas DataFrame with one row per layer: name, type, output shape, parameters, MACs (by :func:`layer_macs`:
    convolutions and Dense layers; the others do no multiply-adds worth counting).

    ``nested=False`` (lessons 01, 03): the model's own layers, input layers left out, the output shape as a tuple
    in an ``output shape`` column. ``nested=True`` (lesson 10, as ``flops.layer_table``): the layers of nested
    models expanded, input layers kept, the output shape as text in an ``output`` column.
    """
    import pandas as pd

    if nested:
        rows = [{"layer": layer.name, "type": type(layer).__name__,
                 "output": str(_shape(layer.output)[1:]), "params": layer.count_params(),
                 "MACs": layer_macs(layer)} for layer in _walk(model)]
    else:
        rows = [{"layer": layer.name, "type": type(layer).__name__, "output shape": tuple(layer.output.shape[1:]),
                 "params": layer.count_params(), "MACs": layer_macs(layer)}
                for layer in model.layers if type(layer).__name__ != "InputLayer"]
    return pd.DataFrame(rows)


def count_params(weights) -> int:
    """Number of scalars in a list of weights/variables (e.g. ``model.trainable_weights``): the course's
    one parameter counter, from the weight shapes (independently of Keras' ``count_params``)."""
    import math

    return int(sum(math.prod(w.shape) for w in weights))


def param_count(model, trainable_only: bool = False) -> int:
    """Parameters of ``model`` (only the trainable ones with ``trainable_only``), by :func:`count_params`."""
    return count_params(model.trainable_weights if trainable_only else model.weights)


def cost_table(models: dict):
    """Compare models: ``{name: model}`` -> DataFrame of input, params (own count and
    Keras ``count_params``), MACs and GFLOPs (= 2 MACs / 1e9) per example."""
    import pandas as pd

    rows = []
    for name, model in models.items():
        macs = model_macs(model)
        rows.append({"model": name, "input": "x".join(str(d) for d in model.input_shape[1:]),
                     "params": param_count(model), "keras_count_params": model.count_params(),
                     "MACs": macs, "GFLOPs": round(macs_to_flops(macs) / 1e9, 4)})
    return pd.DataFrame(rows).set_index("model")
