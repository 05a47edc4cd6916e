"""Checkers for lesson 06 (training loop, optimizers)."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import expect_close, expect_true
from cnncourse.checks.registry import exercise


def _fixed_problem():
    import keras

    from cnncourse.data import load_fashion_mnist, prepare_images
    from cnncourse.models.fashion import small_cnn

    (x, y), _ = load_fashion_mnist()
    xb, yb = prepare_images(x[1000:1032]), y[1000:1032].astype(np.int64)
    keras.utils.set_random_seed(606)
    model = small_cnn(filters=4, dense=16)
    return model, xb, yb


@exercise("06.train_step", points=2)
def tf_train_step(student_fn):
    """a GradientTape training step: forward, loss, gradients, update"""
    import keras
    import tensorflow as tf

    from cnncourse.training import train_step as reference

    model, xb, yb = _fixed_problem()
    start = [w.copy() for w in model.get_weights()]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    ref_opt = keras.optimizers.SGD(0.1)
    ref_loss = float(reference(model, ref_opt, loss_fn, tf.constant(xb), tf.constant(yb)))
    ref_weights = [w.copy() for w in model.get_weights()]

    model.set_weights(start)
    opt = keras.optimizers.SGD(0.1)
    loss = student_fn(model, opt, loss_fn, tf.constant(xb), tf.constant(yb))
    expect_true(loss is not None, "return the batch loss")
    expect_close(float(loss), ref_loss, "returned loss",
                 hint="return loss_fn(y, model(x, training=True)) computed inside the tape, before the update", rtol=1e-4)
    moved = any(not np.allclose(a, b) for a, b in zip(model.get_weights(), start))
    expect_true(moved, "the weights did not change: call optimizer.apply_gradients(zip(grads, model.trainable_variables))")
    for i, (a, b) in enumerate(zip(model.get_weights(), ref_weights)):
        expect_close(a, b, f"weight tensor {i} after the step",
                     hint="take tape.gradient(loss, model.trainable_variables) and apply them once", rtol=1e-4, atol=1e-5)
    losses = [float(student_fn(model, opt, loss_fn, tf.constant(xb), tf.constant(yb))) for _ in range(5)]
    expect_true(losses[-1] < ref_loss, f"the loss did not go down over 6 steps: {ref_loss:.3f} -> {losses[-1]:.3f}")
    return f"matches the reference update; loss {ref_loss:.3f} -> {losses[-1]:.3f} in 6 steps"


@exercise("06.momentum_update", points=2)
def momentum_update(student_fn):
    """SGD with momentum, step by step like keras.optimizers.SGD(momentum=...)"""
    import keras

    rng = np.random.default_rng(66)
    for lr, mom in [(0.1, 0.9), (0.05, 0.5), (0.3, 0.0)]:
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
    return "3 settings x 4 steps match keras.optimizers.SGD(momentum=...)"
