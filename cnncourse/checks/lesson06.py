"""Checkers for lesson 06 (training loop, optimizers)."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


@exercise("06.momentum_update", points=2)
def momentum_update(student_fn):
    """SGD with momentum and Nesterov momentum, step by step like keras.optimizers.SGD(momentum=..., nesterov=...)"""
    import keras

    rng = case_rng(66)
    for lr, mom in [(0.1, 0.9), (0.05, 0.5), (0.3, 0.0)] + hidden_cases("06.momentum_update"):
        w0 = rng.normal(size=(3, 4)).astype(np.float32)
        var = keras.Variable(w0.copy())
        opt = keras.optimizers.SGD(lr, momentum=mom)
        w, v = w0.astype(np.float64), np.zeros_like(w0, dtype=np.float64)
        v_keras = np.zeros_like(v)
        for step in range(4):
            g = rng.normal(size=w0.shape).astype(np.float32)
            opt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
            out = student_fn(w, g.astype(np.float64), v, lr, mom)
            expect_true(isinstance(out, tuple) and len(out) == 2, "return the tuple (new_w, new_velocity)")
            w, v = out
            expect_close(w, np.asarray(var.numpy()), f"w after step {step + 1} (lr={lr}, momentum={mom})",
                         hint="velocity = momentum * velocity - lr * grad, then w = w + velocity", rtol=1e-5, atol=1e-5)
            v_keras = mom * v_keras - lr * g.astype(np.float64)
            expect_close(v, v_keras, f"velocity returned after step {step + 1} (lr={lr}, momentum={mom})",
                         hint="return Keras' velocity, momentum * velocity - lr * grad (the step that was added to w); "
                              "PyTorch's buffer momentum * velocity + grad is another convention", rtol=1e-5, atol=1e-6)
    _check_nesterov(student_fn)
    return "3 settings x 4 steps of momentum and 3 x 4 of Nesterov momentum match keras.optimizers.SGD"


def _check_nesterov(student_fn):
    """Replay keras.optimizers.SGD(momentum=..., nesterov=True) on random settings, from a non-zero velocity too."""
    import keras

    rng = case_rng(606)
    for lr, mom in [(float(rng.uniform(0.02, 0.3)), float(rng.uniform(0.5, 0.95))) for _ in range(3)]:
        w0 = rng.normal(size=(3, 4)).astype(np.float32)
        var = keras.Variable(w0.copy())
        opt = keras.optimizers.SGD(lr, momentum=mom, nesterov=True)
        w, v = w0.astype(np.float64), np.zeros_like(w0, dtype=np.float64)
        v_keras = np.zeros_like(v)
        for step in range(4):
            g = rng.normal(size=w0.shape).astype(np.float32)
            opt.apply_gradients([(keras.ops.convert_to_tensor(g), var)])
            out = student_fn(w, g.astype(np.float64), v, lr, mom, nesterov=True)
            expect_true(isinstance(out, tuple) and len(out) == 2, "return the tuple (new_w, new_velocity)")
            w, v = out
            v_keras = mom * v_keras - lr * g.astype(np.float64)
            expect_close(v, v_keras, f"velocity returned by a Nesterov step {step + 1} (lr={lr:.3f}, momentum={mom:.3f})",
                         hint="the velocity is updated as without Nesterov: momentum * velocity - lr * grad "
                              "(Keras' convention, not PyTorch's buffer momentum * buffer + grad)", rtol=1e-5, atol=1e-6)
            expect_close(w, np.asarray(var.numpy()), f"w after Nesterov step {step + 1} (lr={lr:.3f}, momentum={mom:.3f})",
                         hint="w holds the look-ahead point theta + momentum * velocity; write theta = w - momentum * "
                              "velocity (old velocity), apply the plain momentum step to theta, and add momentum times "
                              "the NEW velocity: the result needs only the new velocity and the gradient",
                         rtol=1e-5, atol=1e-5)


def _regularized_problem():
    """A small fixed CNN with batch norm (training and inference differ) and L2 penalties (model.losses non-empty)."""
    import keras

    from cnncourse.data import load_fashion_mnist, prepare_images

    (x, y), _ = load_fashion_mnist()
    xb, yb = prepare_images(x[2000:2032]), y[2000:2032].astype(np.int64)
    keras.utils.set_random_seed(616)
    l2 = keras.regularizers.L2(0.05)
    inputs = keras.Input((28, 28, 1))
    h = keras.layers.Conv2D(4, 3, strides=2, kernel_regularizer=l2)(inputs)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.Activation("relu")(keras.layers.MaxPooling2D(2)(h))
    h = keras.layers.Dense(16, activation="relu", kernel_regularizer=l2)(keras.layers.Flatten()(h))
    model = keras.Model(inputs, keras.layers.Dense(10, kernel_regularizer=l2)(h))
    return model, xb, yb


def _reference_clipped_step(model, optimizer, loss_fn, x, y, clip_norm):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    clipped, norm = tf.clip_by_global_norm(grads, clip_norm)
    optimizer.apply_gradients(zip(clipped, model.trainable_variables))
    return loss, norm


@exercise("06.clipped_train_step", points=3)
def clipped_train_step(student_fn):
    """a train step with the layers' regularisation losses and gradient clipping by global norm"""
    import keras
    import tensorflow as tf

    model, xb, yb = _regularized_problem()
    start = [w.copy() for w in model.get_weights()]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x, y = tf.constant(xb), tf.constant(yb)
    for label, factor in (("clipping inactive", 1e3), ("clipping active", 0.2)):
        model.set_weights(start)
        _, probe_norm = _reference_clipped_step(model, keras.optimizers.SGD(0.0), loss_fn, x, y, 1e9)
        clip_norm = float(probe_norm) * factor
        model.set_weights(start)
        ref_loss, ref_norm = _reference_clipped_step(model, keras.optimizers.SGD(0.5), loss_fn, x, y, clip_norm)
        ref_weights = [v.numpy().copy() for v in model.trainable_variables]
        model.set_weights(start)
        out = student_fn(model, keras.optimizers.SGD(0.5), loss_fn, x, y, clip_norm)
        expect_true(isinstance(out, tuple) and len(out) == 2, "return the tuple (loss, global_norm)")
        loss, norm = out
        where = f"({label}: clip_norm {clip_norm:.3g}, gradient norm {float(ref_norm):.3g})"
        expect_close(float(loss), float(ref_loss), f"returned loss {where}", rtol=1e-4,
                     hint="the loss to minimise is loss_fn(y, logits) + the sum of model.losses (the L2 penalties of the "
                          "layers), computed inside the tape with model(x, training=True), before the update")
        expect_close(float(norm), float(ref_norm), f"returned global norm {where}", rtol=1e-4,
                     hint="return the global norm of the gradients *before* clipping: sqrt of the sum of squares of "
                          "all gradient entries (tf.clip_by_global_norm returns it as its second value)")
        for i, (v, ref) in enumerate(zip(model.trainable_variables, ref_weights)):
            expect_close(v.numpy(), ref, f"variable {v.path} after the step {where}", rtol=1e-4, atol=1e-6,
                         hint="take tape.gradient of the total loss, clip the whole list with "
                              "tf.clip_by_global_norm(grads, clip_norm) (one norm for all variables together, not one "
                              "per variable), then apply the clipped gradients once")
    return "matches the reference step with clipping inactive and active (total loss, global norm, every variable)"
