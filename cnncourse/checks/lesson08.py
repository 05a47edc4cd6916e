"""Checkers for lesson 08: regularisation and overfitting."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import call_keeping_inputs, case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


def _penalty_models(rng):
    """Two unregularised models with non-zero biases, batch norm (gamma, beta, moving statistics) and a bias-free layer."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(int(rng.integers(2**31)))
    a_in = keras.Input((8, 8, 2))
    h = layers.Conv2D(4, 3)(a_in)
    h = layers.BatchNormalization()(h)
    h = layers.Activation("relu")(h)
    h = layers.Dense(5)(layers.Flatten()(h))
    h = layers.Dense(3, use_bias=False)(h)
    m1 = keras.Model(a_in, h)
    b_in = keras.Input((10,))
    g = layers.Dense(7)(b_in)
    g = layers.BatchNormalization()(g)
    g = layers.Dropout(0.3)(g)
    g = layers.Dense(2)(g)
    m2 = keras.Model(b_in, g)
    for model in (m1, m2):     # every variable non-trivial: biases, gamma, beta and moving statistics included
        for var in model.weights:
            shape = tuple(var.shape)
            if "variance" in var.path:
                var.assign(rng.uniform(0.5, 2.0, size=shape).astype("float32"))
            elif "gamma" in var.path:
                var.assign(rng.normal(1.0, 0.5, size=shape).astype("float32"))
            else:
                var.assign(rng.normal(0.0, 0.7, size=shape).astype("float32"))
    return [m1, m2]


def _kernels(model):
    return [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]


def _l1l2(weights, l1, l2, l2_factor=1.0, reduce=np.sum, absolute=True):
    arrays = [np.asarray(w, dtype=np.float64) for w in weights]
    return float(sum(l1 * reduce(np.abs(a) if absolute else a) + l2_factor * l2 * reduce(np.square(a)) for a in arrays))


def _diagnose(got, model, l1, l2):
    """Name the mistake when ``got`` equals a plausible wrong penalty."""
    kernels = [k.numpy() for k in _kernels(model)]
    biases = [layer.bias.numpy() for layer in model.layers if getattr(layer, "bias", None) is not None
              and hasattr(layer, "kernel")]
    bn = [v.numpy() for layer in model.layers if layer.__class__.__name__ == "BatchNormalization"
          for v in (layer.gamma, layer.beta)]
    wrong = [
        (_l1l2(kernels + biases, l1, l2), "the biases are penalised too: keep only the kernels (layer.kernel)"),
        (_l1l2(kernels + bn, l1, l2), "batch norm's gamma and beta are penalised: they are not kernels"),
        (_l1l2(kernels + biases + bn, l1, l2),
         "every trainable weight is penalised (biases, batch norm's gamma and beta): keep only the kernels"),
        (_l1l2([w.numpy() for w in model.weights], l1, l2),
         "every variable is penalised, even batch norm's moving statistics: keep only the kernels"),
        (_l1l2(kernels, l1, l2, l2_factor=0.5), "the L2 part has a factor 1/2: Keras' L2 is l2 * sum(w**2), no 1/2"),
        (_l1l2(kernels, l1, l2, reduce=np.mean), "a mean over each kernel: Keras sums the squares (and |w|), not averages"),
        (_l1l2(kernels, l1, l2, absolute=False), "the L1 part sums w instead of |w|"),
    ]
    for value, message in wrong:
        if np.isclose(got, value, rtol=1e-4) and not np.isclose(value, _l1l2(kernels, l1, l2), rtol=1e-4):
            return message
    return ("lambda1 * sum(|W|) + lambda2 * sum(W**2) over the kernels of the Conv2D and Dense layers (layer.kernel); "
            "not the biases, not batch norm's gamma/beta or moving statistics")


@exercise("08.l1l2_penalty", points=2)
def l1l2_penalty(student_fn):
    """L1 + L2 penalty over a model's kernels, as keras.regularizers.L1L2 on every kernel adds to the loss"""
    import keras

    rng = case_rng(808)
    models = _penalty_models(rng)
    cases = [(models[0], float(rng.uniform(1e-3, 1e-2)), 0.0), (models[0], 0.0, float(rng.uniform(1e-3, 1e-2))),
             (models[1], float(rng.uniform(1e-3, 1e-2)), float(rng.uniform(1e-3, 1e-2)))]
    for i, (model, l1, l2) in enumerate(cases):
        regularizer = keras.regularizers.L1L2(l1=l1, l2=l2)
        expected = float(sum(float(regularizer(kernel)) for kernel in _kernels(model)))
        got = student_fn(model, l1, l2)
        expect_true(np.ndim(got) == 0, f"return one number (a Python float), got {type(got).__name__} "
                                       f"of shape {np.shape(got)}")
        got = float(got)
        expect_close(got, expected, f"penalty of hidden case {i + 1} (l1={l1:.4g}, l2={l2:.4g})",
                     hint=_diagnose(got, model, l1, l2), rtol=1e-4)
    return "matches keras.regularizers.L1L2 on the kernels of 2 hidden models with biases and batch norm (3 cases)"


@exercise("08.dropout_forward", points=2)
def dropout_forward(student_fn):
    """Inverted dropout in NumPy"""
    x = case_rng(3).normal(2.0, 1.0, size=(400, 250))
    for rate in (0.2, 0.5, 0.8):
        out = np.asarray(call_keeping_inputs(student_fn, (x, rate, np.random.default_rng(1)), ("x", "rate", "rng"),
                                             f"dropout_forward (rate={rate})", training=True), dtype=float)
        expect_shape(out, x.shape, f"training output (rate={rate})")
        rows_all_or_nothing = np.mean(np.all(out == 0, axis=1) | np.all(out != 0, axis=1))
        expect_true(rows_all_or_nothing < 0.5,
                    f"rate={rate}: {rows_all_or_nothing:.0%} of the rows are dropped or kept as a whole; draw one "
                    "keep/drop decision per element (rng.random(x.shape)), not one per example")
        columns_all_or_nothing = np.mean(np.all(out == 0, axis=0) | np.all(out != 0, axis=0))
        expect_true(columns_all_or_nothing < 0.5,
                    f"rate={rate}: {columns_all_or_nothing:.0%} of the units (columns) are dropped or kept for every "
                    "example of the batch alike: one mask of shape x.shape[1:] broadcast over the batch; draw the mask "
                    "with the full shape, rng.random(x.shape)")
        dropped = np.mean(out == 0)
        expect_true(abs(dropped - rate) < 0.02,
                    f"rate={rate}: {dropped:.3f} of the units are zero, expected about {rate}")
        kept = out != 0
        expect_close(out[kept], x[kept] / (1 - rate), f"kept units (rate={rate})",
                     hint="inverted dropout scales the survivors by 1 / (1 - rate)")
        expect_true(abs(out.mean() / x.mean() - 1) < 0.03,
                    f"rate={rate}: the mean changed from {x.mean():.3f} to {out.mean():.3f}; "
                    "the expectation must be preserved")
        again = np.asarray(student_fn(x, rate, np.random.default_rng(2), training=True))
        expect_true(not np.array_equal(again == 0, out == 0),
                    "the mask is the same for two different generators: draw it from `rng`")
        same_seed = np.asarray(student_fn(x, rate, np.random.default_rng(1), training=True), dtype=float)
        expect_true(np.array_equal(same_seed, out),
                    "two generators with the same seed gave different masks: draw the mask from the `rng` you are "
                    "given (rng.random), not from np.random, so that runs are reproducible")
    for rate in (0.0, 0.5):
        out = np.asarray(student_fn(x, rate, np.random.default_rng(1), training=False), dtype=float)
        expect_close(out, x, f"inference output (rate={rate})",
                     hint="at inference (training=False) inverted dropout is the identity: no mask, no scaling")
    return "drop rate, scaling, preserved mean and identity at inference all hold"


def _keras_early_stopping(val_losses, patience, min_delta):
    import keras

    class _Fake:
        stop_training = False

    cb = keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", patience=patience, min_delta=min_delta, verbose=0)
    model = _Fake()
    cb._model = model  # the callback only reads/writes stop_training here
    cb.on_train_begin()
    for epoch, value in enumerate(val_losses):
        cb.on_epoch_end(epoch, {"val_loss": float(value)})
        if model.stop_training:
            return epoch, int(cb.best_epoch)
    return len(val_losses) - 1, int(cb.best_epoch)


@exercise("08.early_stopping_epoch", points=1)
def early_stopping_epoch(student_fn):
    """Where keras EarlyStopping stops"""
    rng = case_rng(5)
    cases = [([1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.9], 2, 0.0), ([1.0, 0.9, 0.8, 0.7], 3, 0.0),
             ([0.5, 0.49, 0.485, 0.6, 0.7], 1, 0.02),
             ([1.0, 0.8, 0.8, 0.8, 0.9], 2, 0.0),            # a tie is not an improvement
             ([1.0, 0.95, 0.88, 0.85, 0.84], 3, 0.1),        # the bar moves only when an epoch improves
             ([1.0, 0.75, 0.5, 0.25, 0.25], 2, 0.25)]        # a drop of exactly min_delta (exact in binary) is not one
    for _ in range(2):
        curve = list(np.round(1.0 / np.arange(1, 16) + 0.02 * np.arange(15) + rng.normal(0, 0.03, 15), 4))
        cases.append((curve, int(rng.integers(1, 5)), float(rng.choice([0.0, 0.01]))))
    for curve, patience, min_delta in cases + hidden_cases("08.early_stopping_epoch"):
        expected = _keras_early_stopping(curve, patience, min_delta)
        got = tuple(int(v) for v in student_fn(curve, patience, min_delta))
        expect_true(got == expected,
                    f"curve {curve}, patience={patience}, min_delta={min_delta}: got (stopped, best) = {got}, "
                    f"keras gives {expected}. Hint: an epoch improves only if val_loss < best - min_delta (a tie does "
                    "not improve), and only an improving epoch updates best; stop when `patience` epochs in a row "
                    "did not improve")
    return f"{len(cases)} hidden curves stop where keras EarlyStopping stops"


# --- batch normalization (NumPy forward and backward, checked against keras and numerical gradients) ---

def _bn_cases():
    """Hidden inputs: a tiny batch (biased vs unbiased variance differ by N/(N-1)), a channel with a
    variance near or far below eps (eps inside vs outside the sqrt), and a 4-D channels-last batch."""
    rng = case_rng(8)
    cases = []
    for shape in [(4, 3), (3, 4, 4, 2), (16, 5)]:
        c = shape[-1]
        scale = rng.uniform(0.5, 3.0, c)
        scale[0] = 0.005                       # variance ~2.5e-5: far below eps = 1e-3 and 1e-2, near 1e-5
        x = rng.normal(1.5, 1.0, shape) * scale + rng.normal(0, 2, c)
        cases.append((x, rng.normal(1.0, 0.4, c), rng.normal(0.0, 0.5, c),
                      rng.normal(0, 1, c), rng.uniform(0.3, 3.0, c)))
    return cases


def _keras_bn(x, gamma, beta, mean, var, momentum, eps, training):
    import keras
    import tensorflow as tf

    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=eps, dtype="float64")
    layer.build(x.shape)
    layer.set_weights([gamma, beta, mean, var])
    out = layer(tf.constant(x), training=training).numpy()
    return out, layer.moving_mean.numpy(), layer.moving_variance.numpy()


# (momentum, eps) of each hidden batch: different per case, so values hard-coded instead of read from bn_param fail
BN_SETTINGS = [(0.9, 1e-3), (0.99, 1e-5), (0.8, 1e-2)]


def _call_forward(student_fn, x, gamma, beta, param):
    result = call_keeping_inputs(student_fn, (x.copy(), gamma.copy(), beta.copy(), param), ("x", "gamma", "beta", "bn_param"),
                                 "batchnorm_forward")
    expect_true(isinstance(result, tuple) and len(result) == 2,
                "batchnorm_forward must return a pair (out, cache)")
    return np.asarray(result[0], dtype=np.float64), result[1]


@exercise("08.batchnorm_forward", points=2)
def batchnorm_forward(student_fn):
    """Batch normalization forward pass in NumPy, training and inference mode"""
    for (x, gamma, beta, mean, var), (momentum, eps) in zip(_bn_cases(), BN_SETTINGS):
        where = f"x of shape {x.shape}, momentum={momentum}, eps={eps}"
        param = {"mode": "train", "momentum": momentum, "eps": eps, "running_mean": mean.copy(), "running_var": var.copy()}
        out, _ = _call_forward(student_fn, x, gamma, beta, param)
        expected, new_mean, new_var = _keras_bn(x, gamma, beta, mean, var, momentum, eps, True)
        expect_close(out, expected, f"training-mode output ({where})", rtol=1e-5, atol=1e-6,
                     hint="normalise with the statistics of THIS batch over every axis but the last (channels): "
                          "x_hat = (x - mean) / sqrt(var + eps) with the biased variance (x.var(), divide by m), "
                          "eps inside the square root, eps and momentum read from bn_param; then gamma * x_hat + beta")
        expect_close(param.get("running_mean"), new_mean, f"running_mean after a training step ({where})", rtol=1e-5, atol=1e-8,
                     hint="running = momentum * running + (1 - momentum) * batch_mean, updated in bn_param")
        expect_close(param.get("running_var"), new_var, f"running_var after a training step ({where})", rtol=1e-5, atol=1e-8,
                     hint="running_var = momentum * running_var + (1 - momentum) * batch_var (the same biased "
                          "variance used to normalise)")
        param = {"mode": "test", "momentum": momentum, "eps": eps, "running_mean": mean.copy(), "running_var": var.copy()}
        out, _ = _call_forward(student_fn, x, gamma, beta, param)
        expected, _, _ = _keras_bn(x, gamma, beta, mean, var, momentum, eps, False)
        expect_close(out, expected, f"inference-mode output ({where})", rtol=1e-5, atol=1e-6,
                     hint="in test mode normalise with bn_param's running_mean and running_var, not the batch's")
        expect_true(np.array_equal(param["running_mean"], mean) and np.array_equal(param["running_var"], var),
                    "test mode must not change the running statistics")
    return "training and inference outputs and running statistics match keras BatchNormalization on 3 hidden batches"


@exercise("08.batchnorm_backward", points=2)
def batchnorm_backward(backward_fn, forward_fn=None):
    """Batch normalization backward pass in NumPy (training mode), by numerical gradients"""
    from cnncourse.ops import batchnorm_forward as reference_forward
    from cnncourse.ops import numerical_gradient, relative_error

    forward_fn = forward_fn or reference_forward
    for case_no, (x, gamma, beta, mean, var) in enumerate(_bn_cases()):
        dout = case_rng(case_no).normal(size=x.shape)

        def f(x_, g_, b_):
            return reference_forward(x_, g_, b_, {"mode": "train", "running_mean": mean, "running_var": var})[0]

        _, cache = forward_fn(x.copy(), gamma.copy(), beta.copy(),
                              {"mode": "train", "running_mean": mean.copy(), "running_var": var.copy()})
        grads = backward_fn(dout, cache)
        expect_true(isinstance(grads, tuple) and len(grads) == 3, "batchnorm_backward must return (dx, dgamma, dbeta)")
        dx, dgamma, dbeta = (np.asarray(g, dtype=np.float64) for g in grads)
        where = f"x of shape {x.shape}"
        for name, got, numeric, hint in [
            ("dbeta", dbeta, numerical_gradient(lambda b: f(x, gamma, b), beta.copy(), dout),
             "dbeta sums dout over every axis but the channels (a sum, not a mean)"),
            ("dgamma", dgamma, numerical_gradient(lambda g: f(x, g, beta), gamma.copy(), dout),
             "dgamma sums dout * x_hat over every axis but the channels"),
            ("dx", dx, numerical_gradient(lambda v: f(v, gamma, beta), x.copy(), dout),
             "in training mode the mean and variance depend on every x: dx = gamma / sqrt(var + eps) / m * "
             "(m * dout - sum(dout) - x_hat * sum(dout * x_hat)), sums over the m values of a channel"),
        ]:
            expect_shape(got, numeric.shape, f"{name} ({where})")
            err = relative_error(got, numeric)
            expect_true(err < 1e-5, f"{name} ({where}) disagrees with the numerical gradient: relative error "
                                    f"{err:.1e}. Hint: {hint}")
    return "dx, dgamma, dbeta match numerical gradients on 3 hidden batches (2-D and 4-D)"
