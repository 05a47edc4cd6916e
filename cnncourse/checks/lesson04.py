"""Checkers for lesson 04 (activations, dense head, softmax cross-entropy)."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import call_keeping_inputs, case_rng, expect_close, expect_true, hidden_cases
from cnncourse.checks.registry import exercise

NAMES = ("relu", "leaky_relu", "sigmoid", "tanh", "gelu")


@exercise("04.activation_grads", points=2)
def activation_grads(student_fn):
    """activation values and derivatives, checked against GradientTape"""
    from cnncourse.ops.activations import tape_value_and_grad

    rng = case_rng(404)
    # x = 0 exactly: the kink, where TensorFlow's ReLU and leaky ReLU take the slope of the negative side
    x = np.concatenate([rng.normal(0, 3, 39), [-30.0, -5.5, -0.3, 0.0, 0.25, 2.0, 30.0] + hidden_cases("04.activation_grads")])
    for name in NAMES:
        out = call_keeping_inputs(student_fn, (name, x.copy()), ("name", "x"), f"activation_with_grad({name!r}, x)")
        expect_true(isinstance(out, tuple) and len(out) == 2, f"{name}: return a tuple (values, derivatives)")
        ref_y, ref_dy = tape_value_and_grad(name, x)
        expect_close(out[0], ref_y, f"{name}(x)", hint=f"re-read the formula of {name}", rtol=1e-5, atol=1e-6)
        expect_close(out[1], ref_dy, f"{name}'(x)",
                     hint={"relu": "the slope is 1 for x > 0 and 0 otherwise, also at x = 0 exactly (TensorFlow's "
                                   "convention for the kink: use x > 0, not x >= 0)",
                           "leaky_relu": "the slope is 1 for x > 0 and negative_slope=0.2 otherwise, also at x = 0",
                           "sigmoid": "sigma'(x) = sigma(x) (1 - sigma(x))",
                           "tanh": "tanh'(x) = 1 - tanh(x)^2",
                           "gelu": "product rule on x * Phi(x): Phi(x) + x * phi(x)"}[name],
                     rtol=1e-5, atol=1e-6)
    return f"5 activations x {len(x)} points match tf.nn + GradientTape"


def _tf_reference(logits, labels):
    import tensorflow as tf

    z = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=z))
    return float(loss.numpy()), tape.gradient(loss, z).numpy()


@exercise("04.stable_softmax_cross_entropy", points=2)
def stable_softmax_cross_entropy(student_fn):
    """mean softmax cross-entropy and its gradient, stable for huge logits"""
    rng = case_rng(44)
    cases = [(rng.normal(0, 1, (5, 3)), rng.integers(0, 3, 5)),
             (rng.normal(0, 4, (16, 10)), rng.integers(0, 10, 16)),
             (rng.normal(0, 1, (7, 10)) * 1000.0, rng.integers(0, 10, 7)),       # huge logits
             (np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3]]), np.array([1, 1]))]  # extreme
    cases += [(rng.normal(0, s, (n, k)), rng.integers(0, k, n)) for n, k, s in hidden_cases("04.stable_softmax_cross_entropy")]
    for i, (logits, labels) in enumerate(cases):
        loss, grad = call_keeping_inputs(student_fn, (logits.copy(), labels.copy()), ("logits", "labels"),
                                         "softmax_cross_entropy_stable")
        ref_loss, ref_grad = _tf_reference(logits, labels)
        expect_true(np.all(np.isfinite(np.asarray(loss))) and np.all(np.isfinite(np.asarray(grad))),
                    f"case {i} (max |logit| = {np.abs(logits).max():.0f}): loss or gradient is inf/nan. "
                    "Hint: subtract each row's maximum before exp, and compute log-softmax as z - logsumexp(z)")
        expect_close(loss, ref_loss, f"case {i} loss",
                     hint="average -log softmax(logits)[label] over the batch", rtol=1e-6, atol=1e-6)
        expect_close(grad, ref_grad, f"case {i} gradient",
                     hint="d loss / d logits = (softmax - one_hot(labels)) / N", rtol=1e-6, atol=1e-8)
    return "4 hidden cases (up to |logit| = 1e4) match tf.nn.sparse_softmax_cross_entropy_with_logits"
