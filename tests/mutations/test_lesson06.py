"""Lesson 06 checker rejects plausible wrong momentum updates (06.train_step is being replaced: not here)."""
import pytest

from . import assert_accepted, assert_rejected


def momentum_update(w, grad, velocity, lr, momentum=0.9):
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
