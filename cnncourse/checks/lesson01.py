"""Checkers of lesson 01 (CNN vs dense): parameter counting and a functional CNN builder."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import expect_true, hidden_cases
from cnncourse.checks.registry import exercise

DENSE_CASES = [(784, 128, True), (128, 10, True), (3, 7, False), (1, 1, True), (2048, 1000, True)]
CONV_CASES = [(3, 1, 8, True), ((5, 3), 4, 16, True), (1, 64, 32, False), ((7, 7), 3, 64, True), ((3, 1), 2, 5, False)]


def _keras_dense_params(n_in, n_out, use_bias):
    import keras

    layer = keras.layers.Dense(n_out, use_bias=use_bias)
    layer.build((None, n_in))
    return layer.count_params()


def _keras_conv_params(kernel_size, c_in, c_out, use_bias):
    import keras

    layer = keras.layers.Conv2D(c_out, kernel_size, use_bias=use_bias)
    layer.build((None, 32, 32, c_in))
    return layer.count_params()


@exercise("01.layer_param_counts", points=1, title="parameters of Dense and Conv2D layers from their shapes")
def layer_param_counts(dense_params, conv2d_params):
    """``dense_params(n_in, n_out, use_bias=True)`` and ``conv2d_params(kernel_size, c_in, c_out, use_bias=True)``
    must equal Keras ``count_params()`` on hidden layer shapes."""
    for n_in, n_out, bias in DENSE_CASES + hidden_cases("01.layer_param_counts:dense"):
        got, want = dense_params(n_in, n_out, use_bias=bias), _keras_dense_params(n_in, n_out, bias)
        expect_true(int(got) == want, f"dense_params({n_in}, {n_out}, use_bias={bias}) returned {got}, Keras counts {want}. "
                    "Hint: one weight per (input, output) pair, plus one bias per output unit when use_bias.")
    for ks, c_in, c_out, bias in CONV_CASES + hidden_cases("01.layer_param_counts:conv"):
        got, want = conv2d_params(ks, c_in, c_out, use_bias=bias), _keras_conv_params(ks, c_in, c_out, bias)
        expect_true(int(got) == want, f"conv2d_params({ks!r}, {c_in}, {c_out}, use_bias={bias}) returned {got}, Keras counts {want}. "
                    "Hint: each of the c_out filters spans kh x kw x c_in weights (kernel_size may be an int or a "
                    "(kh, kw) pair), plus one bias per filter; the image size does not matter.")
    return f"{len(DENSE_CASES)} Dense and {len(CONV_CASES)} Conv2D shapes match Keras count_params"


def reference_small_cnn(filters=(8, 16), num_classes=10, input_shape=(28, 28, 1)):
    """The spec of exercise 01.build_small_cnn, as the course builds it: the one small CNN
    (:func:`cnncourse.models.fashion.small_cnn`) with unpadded convolutions, no hidden layer and softmax ``probs``."""
    from cnncourse.models.fashion import small_cnn

    return small_cnn(input_shape, num_classes, filters, dense=None, padding="valid", softmax=True, output_name="probs")


def _describe(model):
    """[(type, output shape without batch, params, activation name or None)] of the non-input layers."""
    rows = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        act = getattr(layer, "activation", None)
        rows.append((kind, tuple(layer.output.shape[1:]), layer.count_params(),
                     getattr(act, "__name__", None)))
    return rows


@exercise("01.build_small_cnn", points=2, title="a functional Keras CNN built to a spec")
def build_small_cnn(build_fn):
    """``build_fn(filters=(f1, f2), num_classes=k)`` must return the spec'd functional model."""
    import keras

    for filters, k in [((8, 16), 10), ((4, 12), 5), ((6, 6), 3)]:
        model = build_fn(filters=filters, num_classes=k)
        expect_true(isinstance(model, keras.Model), f"build_small_cnn returned {type(model).__name__}, not a keras.Model")
        expect_true(not isinstance(model, keras.Sequential),
                    "build a functional model: inputs = keras.Input(...), chain layers, keras.Model(inputs, outputs)")
        expect_true(tuple(model.inputs[0].shape[1:]) == (28, 28, 1),
                    f"the input shape is {tuple(model.inputs[0].shape[1:])}, expected (28, 28, 1)")
        got, want = _describe(model), _describe(reference_small_cnn(filters, k))
        kinds_got, kinds_want = [r[0] for r in got], [r[0] for r in want]
        expect_true(kinds_got == kinds_want, f"with filters={filters}: layers are {kinds_got}, expected {kinds_want}")
        for (kind, shape, params, act), (_, shape_w, params_w, act_w) in zip(got, want):
            expect_true(shape == shape_w, f"with filters={filters}: {kind} outputs {shape}, expected {shape_w}. "
                        "Hint: 3x3 convolutions with padding='valid' (the default), pooling of size 2.")
            expect_true(params == params_w, f"with filters={filters}: {kind} has {params} parameters, expected {params_w}")
            if act_w in ("relu", "softmax"):
                expect_true(act == act_w, f"{kind} uses activation {act!r}, expected {act_w!r}")
        probs = np.asarray(model(np.zeros((2, 28, 28, 1), np.float32)))
        expect_true(probs.shape == (2, k) and np.allclose(probs.sum(axis=1), 1, atol=1e-5),
                    "the output must be class probabilities (softmax) of shape (batch, num_classes)")
    return "3 hidden specs: layer types, output shapes, parameter counts and activations match"
