"""Checkers of lesson 11 (modern architectures): a residual block, separable-conv parameter counts, and batch norm
folded into a convolution."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_true, hidden_cases
from cnncourse.checks.registry import exercise

# (input shape, filters, stride): hidden cases for 11.residual_block
RESIDUAL_CASES = [
    ((8, 8, 16), 16, 1),   # identity shortcut
    ((8, 8, 16), 32, 2),   # projection: more channels, half the size
    ((9, 9, 8), 8, 2),     # projection: same channels, odd size halved
    ((6, 6, 8), 24, 1),    # projection: channels change only
]

# (kernel, c_in, c_out, depth_multiplier, use_bias): hidden cases for 11.separable_params
SEPARABLE_CASES = [
    (3, 32, 64, 1, True), (3, 512, 512, 1, False), (5, 3, 16, 2, True),
    (1, 7, 9, 1, True), (7, 64, 128, 3, False), (3, 1, 1, 1, True),
]


def _set_shared_weights(model, seed=111):
    """Give every Conv2D / BatchNormalization weight a value that depends only on its layer type, slot and shape.

    Two blocks wired the same way then compute the same function, whatever order their layers were created in
    (the two 3x3 convs share a kernel when their shapes agree, and every BN gets the same statistics).
    """
    import keras

    for layer in model.layers:
        if not isinstance(layer, (keras.layers.Conv2D, keras.layers.BatchNormalization)):
            continue
        is_bn = isinstance(layer, keras.layers.BatchNormalization)
        values = []
        for slot, w in enumerate(layer.get_weights()):
            rng = np.random.default_rng([seed, int(is_bn), slot, *w.shape])
            if not is_bn:
                values.append(rng.normal(0, 1 / np.sqrt(np.prod(w.shape[:-1])), w.shape))
            elif slot in (0, 3):      # gamma, moving variance
                values.append(rng.uniform(0.5, 1.5, w.shape))
            else:                     # beta, moving mean
                values.append(rng.normal(0, 0.5, w.shape))
        layer.set_weights([v.astype(w.dtype) for v, w in zip(values, layer.get_weights())])


def _block_model(block_fn, shape, filters, stride):
    import keras

    inputs = keras.Input(shape=shape)
    outputs = block_fn(inputs, filters, stride=stride)
    return keras.Model(inputs, outputs)


@exercise("11.residual_block", points=2, title="A ResNet basic block with identity / projection shortcut")
def residual_block(block_fn):
    """Output shape, parameter count and the identity path of the learner's residual block."""
    import keras

    from cnncourse.models import modern

    rng = case_rng(11)
    for shape, filters, stride in RESIDUAL_CASES:
        case = f"input {shape}, filters={filters}, stride={stride}"
        model = _block_model(block_fn, shape, filters, stride)
        reference = _block_model(modern.residual_block, shape, filters, stride)
        expect_true(tuple(model.output_shape) == tuple(reference.output_shape),
                    f"{case}: output shape {model.output_shape}, expected {reference.output_shape}. "
                    "Hint: the first 3x3 conv takes the stride, both use padding='same'")
        if model.count_params() != reference.count_params():
            identity = shape[-1] == filters and stride == 1
            hint = ("a 1x1 conv (with the stride) + BN on the shortcut is needed only when the shape changes"
                    if identity else "when the shape changes the shortcut is a 1x1 conv with the stride, then BN")
            raise AssertionError(f"{case}: {model.count_params():,} parameters, expected {reference.count_params():,}. "
                                 f"Hint: convs use use_bias=False and each is followed by BatchNormalization; {hint}")
        x = rng.standard_normal((2, *shape)).astype("float32")
        _set_shared_weights(model)
        _set_shared_weights(reference)
        expect_true(np.allclose(np.asarray(model(x, training=False)), np.asarray(reference(x, training=False)), atol=1e-4),
                    f"{case}: given the same weights, your block computes something else than the reference. Hint: "
                    "the order is conv 3x3 (with the stride) -> BN -> ReLU -> conv 3x3 -> BN, then the addition of "
                    "the shortcut, then ReLU after the addition (no ReLU on either branch before it); the stride "
                    "belongs to the first 3x3 conv and to the 1x1 projection")
        out = np.asarray(model(x, training=False))
        expect_true(out.min() >= 0, f"{case}: the block's output has negative values: apply ReLU after the addition")
        if shape[-1] == filters and stride == 1:
            for layer in model.layers:
                if isinstance(layer, keras.layers.Conv2D):
                    layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
                if isinstance(layer, keras.layers.BatchNormalization):   # back to BN's initial identity
                    layer.set_weights([np.ones_like(w) if slot in (0, 3) else np.zeros_like(w)
                                       for slot, w in enumerate(layer.get_weights())])
            zeroed = np.asarray(model(x, training=False))
            expect_true(np.allclose(zeroed, np.maximum(x, 0), atol=1e-5),
                        f"{case}: with every conv kernel set to zero the block should output relu(x) -- "
                        "the identity shortcut must carry x unchanged to the addition")
    return f"{len(RESIDUAL_CASES)} hidden shapes: output shapes, parameter counts and the identity path match"


@exercise("11.separable_params", points=1, title="Parameters of standard vs depthwise-separable convolutions")
def separable_params(conv_params_fn, separable_params_fn):
    """Both formulas against Keras Conv2D / SeparableConv2D ``count_params`` on hidden cases."""
    import keras

    for k, c_in, c_out, m, bias in SEPARABLE_CASES + hidden_cases("11.separable_params"):
        conv = keras.layers.Conv2D(c_out, k, use_bias=bias)
        conv.build((None, 16, 16, c_in))
        sep = keras.layers.SeparableConv2D(c_out, k, depth_multiplier=m, use_bias=bias)
        sep.build((None, 16, 16, c_in))
        got = conv_params_fn(k, c_in, c_out, use_bias=bias)
        expect_true(got == conv.count_params(),
                    f"conv_params({k}, {c_in}, {c_out}, use_bias={bias}) returned {got!r}, expected "
                    f"{conv.count_params():,}. Hint: k*k*C_in*C_out weights, plus C_out biases if use_bias")
        got = separable_params_fn(k, c_in, c_out, depth_multiplier=m, use_bias=bias)
        if got != sep.count_params():
            hint = ("depthwise: k*k*C_in*m weights (one k x k filter per input channel and multiplier); "
                    "pointwise: (C_in*m)*C_out; Keras puts a bias only on the pointwise conv")
            raise AssertionError(f"separable_params({k}, {c_in}, {c_out}, depth_multiplier={m}, use_bias={bias}) "
                                 f"returned {got!r}, expected {sep.count_params():,}. Hint: {hint}")
    return f"{len(SEPARABLE_CASES)} hidden cases match keras Conv2D / SeparableConv2D"


# (kernel, c_in, c_out, use_bias, epsilon): hidden cases for 11.fold_batchnorm. c_in == c_out in some cases, so
# that folding along the wrong kernel axis gives wrong numbers instead of a shape error; large epsilons and small
# variances, so that forgetting epsilon shows.
FOLD_CASES = [
    (3, 6, 6, False, 1e-3),
    (3, 3, 8, True, 1e-3),
    (1, 5, 5, True, 0.1),
    (5, 4, 7, True, 1e-2),
]


def _fold_case(rng, kernel, c_in, c_out, use_bias, epsilon):
    """A Conv2D + BatchNormalization pair with random non-trivial weights and moving statistics, and a batch."""
    import keras

    conv = keras.layers.Conv2D(c_out, kernel, padding="same", use_bias=use_bias)
    bn = keras.layers.BatchNormalization(epsilon=epsilon)
    x = rng.normal(0.5, 1.0, (4, 9, 9, c_in)).astype("float32")
    bn(conv(x), training=False)                                 # build both
    weights = [rng.normal(0, 0.5, w.shape) for w in conv.get_weights()]
    if use_bias:
        weights[1] = rng.normal(0, 1.0, c_out)
    conv.set_weights([w.astype("float32") for w in weights])
    gamma = rng.uniform(0.5, 2.0, c_out) * rng.choice([-1, 1], c_out)
    beta = rng.normal(0, 1.0, c_out)
    mean = rng.normal(0, 2.0, c_out)
    variance = rng.uniform(0.2, 3.0, c_out) * epsilon * 20 if epsilon >= 1e-2 else rng.uniform(1e-3, 3.0, c_out)
    bn.set_weights([v.astype("float32") for v in (gamma, beta, mean, variance)])
    return conv, bn, x


@exercise("11.fold_batchnorm", points=2, title="Fold an inference-mode batch norm into the convolution before it")
def fold_batchnorm(fold_fn):
    """fold_batchnorm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon) -> (kernel, bias): one
    Conv2D with the folded weights must give the outputs of Keras' Conv2D + BatchNormalization(training=False)."""
    import keras

    from cnncourse.checks.expect import case_rng, expect_close

    rng = case_rng(1111)
    for kernel, c_in, c_out, use_bias, epsilon in FOLD_CASES:
        conv, bn, x = _fold_case(rng, kernel, c_in, c_out, use_bias, epsilon)
        case = f"{kernel}x{kernel} conv {c_in}->{c_out}, use_bias={use_bias}, epsilon={epsilon}"
        expected = np.asarray(bn(conv(x), training=False))
        gamma, beta, mean, variance = [w.copy() for w in bn.get_weights()]
        conv_weights = conv.get_weights()
        bias_in = conv_weights[1].copy() if use_bias else None
        result = fold_fn(conv_weights[0].copy(), bias_in, gamma, beta, mean, variance, epsilon)
        expect_true(isinstance(result, (tuple, list)) and len(result) == 2,
                    f"{case}: return a pair (kernel, bias), got {type(result).__name__}")
        folded_kernel, folded_bias = (np.asarray(r, dtype=np.float64) for r in result)
        expect_true(folded_kernel.shape == conv_weights[0].shape,
                    f"{case}: folded kernel has shape {folded_kernel.shape}, expected {conv_weights[0].shape}")
        expect_true(folded_bias.shape == (c_out,), f"{case}: folded bias has shape {folded_bias.shape}, expected "
                    f"({c_out},): one bias per output channel, also when the conv had none (use_bias=False)")
        folded = keras.layers.Conv2D(c_out, kernel, padding="same")
        folded.build(x.shape)
        folded.set_weights([folded_kernel.astype("float32"), folded_bias.astype("float32")])
        expect_close(np.asarray(folded(x)), expected, f"{case}: output of the folded conv", rtol=1e-4, atol=1e-4,
                     hint="scale = gamma / sqrt(moving_variance + epsilon) per output channel, i.e. along the "
                          "kernel's last axis; kernel' = kernel * scale; bias' = scale * (bias - moving_mean) + beta "
                          "(bias = 0 when the conv has none). Inference uses the moving statistics, not a batch's")
    return f"{len(FOLD_CASES)} hidden conv + BN pairs with random statistics: the folded conv matches Keras in inference mode"
