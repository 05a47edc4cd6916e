"""Checkers of lesson 10 (classic architectures): LeNet-5 to spec, and the cost of a convolution."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import expect_true, hidden_cases
from cnncourse.checks.registry import exercise

# (input_hw, c_in, c_out, kernel, stride, padding): hidden cases for 10.conv_flops
CONV_CASES = [
    ((28, 28), 1, 6, 5, 1, "same"),
    ((32, 32), 3, 16, 3, 2, "same"),
    ((27, 27), 96, 256, 5, 1, "same"),
    ((224, 224), 3, 96, 11, 4, "valid"),
    ((15, 13), 8, 12, (3, 5), (2, 3), "valid"),   # non-square kernel and stride with 'valid' padding
    ((13, 13), 384, 256, 3, 1, "same"),
    ((7, 9), 5, 7, (3, 1), (2, 1), "same"),
    ((10, 10), 16, 32, 1, 1, "valid"),
]


def _conv_layers(model):
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


LENET_LAYER_KINDS = {"InputLayer", "Conv2D", "AveragePooling2D", "Flatten", "Dense", "Activation", "Softmax"}


def _activation_names(model):
    """Names of every activation the model applies (argument of a layer, or an activation layer)."""
    names = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in ("ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax"):
            names.append(kind.lower())
        act = getattr(layer, "activation", None)
        if act is not None:
            names.append(getattr(act, "__name__", str(act)))
    return [n for n in names if n != "linear"]


def _expect_lenet_layers(model):
    """LeNet-5's own layer types and activations, with a hint naming the modern substitute."""
    import keras

    expect_true(not isinstance(model, keras.Sequential),
                "build a functional model: inputs = keras.Input(input_shape), chain the layers, keras.Model(inputs, outputs)")
    kinds = [type(layer).__name__ for layer in model.layers]
    expect_true("MaxPooling2D" not in kinds,
                "S2 and S4 are 2x2 average pooling (AveragePooling2D), LeNet-5's subsampling; max pooling came later")
    extra = sorted(set(kinds) - LENET_LAYER_KINDS)
    expect_true(not extra, f"layers {extra} are not in LeNet-5's table: use only Conv2D, AveragePooling2D, Flatten and Dense")
    wrong = sorted(set(_activation_names(model)) - {"tanh", "softmax"})
    expect_true(not wrong, f"the model uses {wrong}: LeNet-5 uses tanh after C1, C3, C5 and F6, and softmax at the output")


@exercise("10.lenet5", points=2, title="Build LeNet-5 to spec")
def lenet5(build_fn):
    """LeNet-5 builder: layers, shapes, parameter count, and one training step on real digits."""
    import keras
    import tensorflow as tf

    from cnncourse.data import load_mnist5k
    from cnncourse.models import classic

    for num_classes in (10, 5):
        model = build_fn(input_shape=(28, 28, 1), num_classes=num_classes)
        reference = classic.lenet5(input_shape=(28, 28, 1), num_classes=num_classes)
        expect_true(isinstance(model, keras.Model), f"build_lenet5 must return a keras.Model, got {type(model).__name__}")
        _expect_lenet_layers(model)
        expect_true(tuple(model.output_shape) == (None, num_classes),
                    f"with num_classes={num_classes} the output shape is {model.output_shape}, expected (None, {num_classes})")
        convs = _conv_layers(model)
        expect_true(len(convs) == 3, f"LeNet-5 has 3 convolution layers (C1, C3, C5), found {len(convs)}")
        for layer, filters, shape in zip(convs, (6, 16, 120), ((28, 28, 6), (10, 10, 16), (1, 1, 120))):
            expect_true(layer.filters == filters and tuple(layer.kernel_size) == (5, 5),
                        f"conv layer {layer.name!r} has {layer.filters} filters of {layer.kernel_size}, "
                        f"expected {filters} filters of 5x5")
            expect_true(tuple(layer.output.shape[1:]) == shape,
                        f"conv layer {layer.name!r} outputs {tuple(layer.output.shape[1:])}, expected {shape}. "
                        "Hint: C1 uses padding='same' (the 28x28 digits stand in for padded 32x32), C3 and C5 'valid'")
        pools = [layer for layer in model.layers if isinstance(layer, (keras.layers.AveragePooling2D, keras.layers.MaxPooling2D))]
        expect_true(len(pools) == 2, f"LeNet-5 has 2 subsampling layers (S2, S4), found {len(pools)}")
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        expect_true([layer.units for layer in dense] == [84, num_classes],
                    f"Dense layers have units {[layer.units for layer in dense]}, expected [84, {num_classes}] (F6 and the output)")
        expect_true(model.count_params() == reference.count_params(),
                    f"with num_classes={num_classes} the model has {model.count_params():,} parameters, expected "
                    f"{reference.count_params():,}. Hint: every conv and Dense layer has a bias; no extra layers")
        # Same weights in both: the learner's model must compute exactly the reference's function.
        reference.set_weights(model.get_weights())
        probe = np.random.default_rng(10).uniform(0, 1, size=(4, 28, 28, 1)).astype("float32")
        expect_true(np.allclose(np.asarray(model(probe)), np.asarray(reference(probe)), atol=1e-5),
                    f"with num_classes={num_classes}, given the same weights your model computes something else than "
                    "LeNet-5. Hint: C1 -> tanh -> S2 -> C3 -> tanh -> S4 -> C5 -> tanh -> Flatten -> F6 -> tanh -> "
                    "Dense -> softmax, with 2x2 average pooling")
    x, y = load_mnist5k()
    pick = np.arange(0, len(x), len(x) // 64)[:64]        # the file is sorted by class: take every class
    x, y = x[pick, :, :, None].astype("float32") / 255.0, y[pick]
    out = np.asarray(model(x[:8]))
    expect_true(np.allclose(out.sum(axis=1), 1.0, atol=1e-4), "the outputs should be class probabilities: use softmax on the last layer")
    before = [w.copy() for w in model.get_weights()]
    with tf.GradientTape() as tape:     # one eager SGD step (no graph tracing: fast)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y % num_classes, model(x, training=True)))
    grads = tape.gradient(loss, model.trainable_variables)
    expect_true(all(g is not None for g in grads), "some weights get no gradient: is every layer connected to the output?")
    keras.optimizers.SGD(0.1).apply_gradients(zip(grads, model.trainable_variables))
    loss = float(loss)
    expect_true(np.isfinite(loss), f"training step gave a non-finite loss {loss}")
    changed = sum(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    expect_true(changed == len(before), f"only {changed} of {len(before)} weight arrays changed in a training step: are some layers frozen?")
    return "layers, shapes, 61,706 parameters and a training step match"


@exercise("10.conv_flops", points=1, title="MACs of a convolution layer")
def conv_flops(student_fn):
    """conv_macs(input_hw, c_in, c_out, kernel, stride, padding) on hidden layer configurations."""
    from cnncourse.analysis.flops import conv_macs

    for hw, c_in, c_out, kernel, stride, padding in CONV_CASES + hidden_cases("10.conv_flops"):
        expected = conv_macs(hw, c_in, c_out, kernel, stride, padding)
        got = student_fn(hw, c_in, c_out, kernel, stride=stride, padding=padding)
        case = f"conv_macs({hw}, c_in={c_in}, c_out={c_out}, kernel={kernel}, stride={stride}, padding={padding!r})"
        if got == expected:
            continue
        hint = "MACs = H_out * W_out * k_h * k_w * C_in * C_out"
        if got == 2 * expected:
            hint = "count multiply-accumulates (MACs), not FLOPs (= 2 MACs)"
        elif got == conv_macs(hw, c_in, c_out, kernel, 1, padding) and stride != 1:
            hint = "the stride shrinks the output: H_out = ceil(H / s) for 'same', floor((H - k) / s) + 1 for 'valid'"
        elif got == conv_macs(hw, c_in, c_out, kernel, stride, "same" if padding == "valid" else "valid"):
            hint = "'same' keeps H_out = ceil(H / s); 'valid' gives floor((H - k) / s) + 1"
        raise AssertionError(f"{case} returned {got!r}, expected {expected:,}. Hint: {hint}")
    return f"{len(CONV_CASES)} hidden layer configurations match"
