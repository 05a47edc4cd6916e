"""Lesson 06 checker rejects plausible wrong momentum and Nesterov updates (06.clipped_train_step: its own module)."""
import pytest

from . import assert_accepted, assert_rejected


def momentum_update(w, grad, velocity, lr, momentum=0.9, nesterov=False):
    velocity = momentum * velocity - lr * grad
    if nesterov:
        return w + momentum * velocity - lr * grad, velocity
    return w + velocity, velocity


def nesterov_ignored(w, grad, velocity, lr, momentum=0.9, nesterov=False):
    velocity = momentum * velocity - lr * grad
    return w + velocity, velocity


def nesterov_with_old_velocity(w, grad, velocity, lr, momentum=0.9, nesterov=False):
    new_velocity = momentum * velocity - lr * grad
    if nesterov:
        return w + momentum * velocity - lr * grad, new_velocity       # look-ahead with the velocity before the step
    return w + new_velocity, new_velocity


def nesterov_look_ahead_added_twice(w, grad, velocity, lr, momentum=0.9, nesterov=False):
    velocity = momentum * velocity - lr * grad
    if nesterov:
        return w + velocity + momentum * velocity, velocity             # forgets that w already holds the look-ahead
    return w + velocity, velocity


def nesterov_pytorch_buffer(w, grad, velocity, lr, momentum=0.9, nesterov=False):
    buffer = momentum * velocity + grad                                 # torch.optim.SGD(nesterov=True): same w ...
    if nesterov:
        return w - lr * (grad + momentum * buffer), buffer              # ... but its buffer is not Keras' velocity
    velocity = momentum * velocity - lr * grad
    return w + velocity, velocity


def pytorch_convention(w, grad, velocity, lr, momentum=0.9):
    velocity = momentum * velocity + grad          # torch.optim.SGD's buffer: same w, different velocity
    return w - lr * velocity, velocity


def stale_velocity(w, grad, velocity, lr, momentum=0.9):
    return w + velocity, momentum * velocity - lr * grad


def dampened(w, grad, velocity, lr, momentum=0.9):
    velocity = momentum * velocity - (1 - momentum) * lr * grad
    return w + velocity, velocity


def plain_sgd(w, grad, velocity, lr, momentum=0.9):
    return w - lr * grad, velocity


def gradient_ascent(w, grad, velocity, lr, momentum=0.9):
    velocity = momentum * velocity + lr * grad
    return w + velocity, velocity


def test_momentum_accepts_reference():
    assert_accepted("06.momentum_update", momentum_update)


@pytest.mark.parametrize("fn, match", [
    pytest.param(pytorch_convention, "velocity", id="pytorch-velocity-convention"),
    pytest.param(stale_velocity, "then w = w \\+ velocity", id="w-updated-with-old-velocity"),
    pytest.param(dampened, "w after step", id="dampened-gradient"),
    pytest.param(plain_sgd, "velocity returned", id="momentum-ignored"),
    pytest.param(gradient_ascent, "w after step", id="sign-flipped"),
])
def test_momentum_rejects(fn, match):
    assert_rejected("06.momentum_update", fn, match=match)


@pytest.mark.parametrize("fn, match", [
    pytest.param(nesterov_ignored, "Nesterov step 1", id="nesterov-flag-ignored"),
    pytest.param(nesterov_with_old_velocity, "w after Nesterov", id="look-ahead-with-old-velocity"),
    pytest.param(nesterov_look_ahead_added_twice, "w after Nesterov", id="look-ahead-added-twice"),
    pytest.param(nesterov_pytorch_buffer, "velocity returned by a Nesterov", id="pytorch-nesterov-buffer"),
])
def test_nesterov_rejects(fn, match):
    assert_rejected("06.momentum_update", fn, match=match)
