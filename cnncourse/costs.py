"""What a layer costs: parameters and multiply-accumulate operations (MACs), from shapes alone.

Counts follow Keras: a Dense layer holds ``n_in * n_out`` weights plus ``n_out`` biases;
a Conv2D layer holds ``kh * kw * c_in * c_out`` weights plus ``c_out`` biases, however
large the image is (the same filters slide everywhere: weight sharing). Compute, on the
other hand, grows with the output's area: one MAC per weight per output position.
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


def layer_table(model):
    """A pandas DataFrame with one row per layer (input layers left out): name, type, output shape, parameters, MACs.

    MACs are counted by :func:`cnncourse.flops.layer_macs` (convolutions and Dense layers; the
    others do no multiply-adds worth counting).
    """
    import pandas as pd

    from cnncourse.flops import layer_macs

    rows = [{"layer": layer.name, "type": type(layer).__name__, "output shape": tuple(layer.output.shape[1:]),
             "params": layer.count_params(), "MACs": layer_macs(layer)}
            for layer in model.layers if type(layer).__name__ != "InputLayer"]
    return pd.DataFrame(rows)
