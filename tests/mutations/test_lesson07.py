"""Lesson 07 checkers reject initialisers with the right variance but the wrong shape, and wrong schedules."""
import math

import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def _fans(shape):
    shape = tuple(shape)
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def he_normal(shape, rng):
    shape = tuple(shape)
    fan_in = shape[0] if len(shape) == 2 else int(np.prod(shape[:-1]))
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


def glorot_uniform(shape, rng):
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he_uniform_same_variance(shape, rng):
    limit = np.sqrt(6.0 / _fans(shape)[0])          # variance limit^2 / 3 = 2 / fan_in, but not a normal
    return rng.uniform(-limit, limit, size=shape)


def he_truncated_normal(shape, rng):
    std = np.sqrt(2.0 / _fans(shape)[0]) / 0.87962566103423978   # keras.initializers.HeNormal's recipe
    w = rng.normal(0.0, std, size=shape)
    while np.any(bad := np.abs(w) > 2 * std):
        w[bad] = rng.normal(0.0, std, size=int(bad.sum()))
    return w


def he_fan_in_channels_only(shape, rng):
    return rng.normal(0.0, np.sqrt(2.0 / shape[-2]), size=shape)


def he_std_as_variance(shape, rng):
    return rng.normal(0.0, 2.0 / _fans(shape)[0], size=shape)


def he_global_numpy_random(shape, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / _fans(shape)[0]), size=shape)


def glorot_normal(shape, rng):
    fan_in, fan_out = _fans(shape)
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def glorot_fans_without_receptive_field(shape, rng):
    limit = np.sqrt(6.0 / (shape[-2] + shape[-1]))
    return rng.uniform(-limit, limit, size=shape)


def glorot_limit_from_fan_in(shape, rng):
    limit = np.sqrt(6.0 / _fans(shape)[0])
    return rng.uniform(-limit, limit, size=shape)


def test_init_accepts_reference():
    assert_accepted("07.he_init", he_normal, glorot_uniform)


@pytest.mark.parametrize("he, glorot, match", [
    pytest.param(he_uniform_same_variance, glorot_uniform, "not normal", id="he-uniform-with-right-variance"),
    pytest.param(he_truncated_normal, glorot_uniform, "truncat", id="he-truncated-normal"),
    pytest.param(he_fan_in_channels_only, glorot_uniform, "fan_in = kh\\*kw\\*in", id="he-fan-in-without-kernel-area"),
    pytest.param(he_std_as_variance, glorot_uniform, "variance", id="he-std-set-to-the-variance"),
    pytest.param(he_global_numpy_random, glorot_uniform, "rng", id="he-ignores-rng"),
    pytest.param(he_normal, glorot_normal, "limit", id="glorot-normal-not-uniform"),
    pytest.param(he_normal, glorot_fans_without_receptive_field, "limit", id="glorot-fans-without-kernel-area"),
    pytest.param(he_normal, glorot_limit_from_fan_in, "limit|variance", id="glorot-limit-from-fan-in-only"),
])
def test_init_rejects(he, glorot, match):
    assert_rejected("07.he_init", he, glorot, match=match)


def cosine_lr(step, initial_lr, decay_steps, alpha=0.0):
    t = min(max(step, 0), decay_steps) / decay_steps
    return initial_lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * t)) + alpha)


def not_clamped(step, initial_lr, decay_steps, alpha=0.0):
    t = step / decay_steps
    return initial_lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * t)) + alpha)


def alpha_not_scaled(step, initial_lr, decay_steps, alpha=0.0):
    t = min(step, decay_steps) / decay_steps
    return initial_lr * (1 - alpha) * 0.5 * (1 + math.cos(math.pi * t)) + alpha


def alpha_ignored(step, initial_lr, decay_steps, alpha=0.0):
    t = min(step, decay_steps) / decay_steps
    return initial_lr * 0.5 * (1 + math.cos(math.pi * t))


def off_by_one_steps(step, initial_lr, decay_steps, alpha=0.0):
    t = min(step, decay_steps - 1) / max(decay_steps - 1, 1)
    return initial_lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * t)) + alpha)


def half_cosine_period(step, initial_lr, decay_steps, alpha=0.0):
    t = min(step, decay_steps) / decay_steps
    return initial_lr * ((1 - alpha) * math.cos(math.pi / 2 * t) + alpha)


def test_cosine_accepts_reference():
    assert_accepted("07.cosine_schedule", cosine_lr)


@pytest.mark.parametrize("fn, match", [
    pytest.param(not_clamped, "min\\(step, decay_steps\\)", id="not-clamped-past-decay-steps"),
    pytest.param(alpha_not_scaled, "alpha=", id="alpha-not-scaled-by-lr0"),
    pytest.param(alpha_ignored, "alpha=", id="alpha-ignored"),
    pytest.param(off_by_one_steps, "cosine_lr", id="decay-steps-minus-one"),
    pytest.param(half_cosine_period, "cosine_lr", id="quarter-wave-cosine"),
])
def test_cosine_rejects(fn, match):
    assert_rejected("07.cosine_schedule", fn, match=match)
