"""Mutation suite for 06.clipped_train_step: the checker accepts the reference and rejects plausible wrong answers."""
import pytest
import tensorflow as tf

from cnncourse import checks
from cnncourse.checks import CheckFailed


def reference(model, optimizer, loss_fn, x, y, clip_norm):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    clipped, norm = tf.clip_by_global_norm(grads, clip_norm)
    optimizer.apply_gradients(zip(clipped, model.trainable_variables))
    return loss, norm


def forgets_model_losses(model, optimizer, loss_fn, x, y, clip_norm):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    clipped, norm = tf.clip_by_global_norm(grads, clip_norm)
    optimizer.apply_gradients(zip(clipped, model.trainable_variables))
    return loss, norm


def adds_model_losses_outside_the_tape(model, optimizer, loss_fn, x, y, clip_norm):
    """Right loss value, but the penalty's gradient is missing."""
    with tf.GradientTape() as tape:
        data_loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(data_loss, model.trainable_variables)
    clipped, norm = tf.clip_by_global_norm(grads, clip_norm)
    optimizer.apply_gradients(zip(clipped, model.trainable_variables))
    return data_loss + tf.add_n(model.losses), norm


def clips_each_variable(model, optimizer, loss_fn, x, y, clip_norm):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip([tf.clip_by_norm(g, clip_norm) for g in grads], model.trainable_variables))
    return loss, tf.linalg.global_norm(grads)


def clips_by_value(model, optimizer, loss_fn, x, y, clip_norm):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip([tf.clip_by_value(g, -clip_norm, clip_norm) for g in grads], model.trainable_variables))
    return loss, tf.linalg.global_norm(grads)


def inference_mode(model, optimizer, loss_fn, x, y, clip_norm):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=False)) + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    clipped, norm = tf.clip_by_global_norm(grads, clip_norm)
    optimizer.apply_gradients(zip(clipped, model.trainable_variables))
    return loss, norm


def applies_before_clipping(model, optimizer, loss_fn, x, y, clip_norm):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + tf.add_n(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    _, norm = tf.clip_by_global_norm(grads, clip_norm)
    return loss, norm


def returns_norm_after_clipping(model, optimizer, loss_fn, x, y, clip_norm):
    loss, _ = reference(model, optimizer, loss_fn, x, y, clip_norm)
    return loss, tf.minimum(_, clip_norm)


def returns_loss_after_the_update(model, optimizer, loss_fn, x, y, clip_norm):
    _, norm = reference(model, optimizer, loss_fn, x, y, clip_norm)
    return loss_fn(y, model(x, training=True)) + tf.add_n(model.losses), norm


def test_reference_passes():
    checks.clipped_train_step(reference)          # raises CheckFailed on a wrong answer


@pytest.mark.parametrize("mutant, message", [
    (forgets_model_losses, "returned loss"),
    (adds_model_losses_outside_the_tape, "returned loss|after the step"),
    (clips_each_variable, "after the step"),
    (clips_by_value, "after the step"),
    (inference_mode, "returned loss"),
    (applies_before_clipping, "after the step"),
    (returns_norm_after_clipping, "global norm"),
    (returns_loss_after_the_update, "returned loss"),
])
def test_mutant_is_rejected(mutant, message):
    with pytest.raises(CheckFailed, match=message):
        checks.clipped_train_step(mutant)


def test_stub_is_not_done():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.clipped_train_step(stub)
