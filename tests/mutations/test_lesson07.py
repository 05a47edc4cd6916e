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


def warmup_cosine_lr(step, peak_lr, warmup_steps, decay_steps, floor_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    t = min(step - warmup_steps, decay_steps) / decay_steps
    return floor_lr + (peak_lr - floor_lr) * 0.5 * (1 + math.cos(math.pi * t))


def cosine_from_step_zero(step, peak_lr, warmup_steps, decay_steps, floor_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    t = min(step, decay_steps) / decay_steps                     # forgets to start the cosine after the warm-up
    return floor_lr + (peak_lr - floor_lr) * 0.5 * (1 + math.cos(math.pi * t))


def floor_as_fraction(step, peak_lr, warmup_steps, decay_steps, floor_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    t = min(step - warmup_steps, decay_steps) / decay_steps      # Keras' alpha formula with the absolute floor
    return peak_lr * ((1 - floor_lr) * 0.5 * (1 + math.cos(math.pi * t)) + floor_lr)


def warmup_off_by_one(step, peak_lr, warmup_steps, decay_steps, floor_lr):
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    t = min(step - warmup_steps, decay_steps) / decay_steps
    return floor_lr + (peak_lr - floor_lr) * 0.5 * (1 + math.cos(math.pi * t))


def warmup_from_floor(step, peak_lr, warmup_steps, decay_steps, floor_lr):
    if step < warmup_steps:
        return floor_lr + (peak_lr - floor_lr) * step / warmup_steps
    t = min(step - warmup_steps, decay_steps) / decay_steps
    return floor_lr + (peak_lr - floor_lr) * 0.5 * (1 + math.cos(math.pi * t))


def not_clamped_at_the_end(step, peak_lr, warmup_steps, decay_steps, floor_lr):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    t = (step - warmup_steps) / decay_steps                      # the cosine comes back up after the end
    return floor_lr + (peak_lr - floor_lr) * 0.5 * (1 + math.cos(math.pi * t))


def test_cosine_accepts_reference():
    assert_accepted("07.cosine_schedule", warmup_cosine_lr)


@pytest.mark.parametrize("fn, match", [
    pytest.param(cosine_from_step_zero, "step - warmup_steps", id="cosine-counted-from-step-0"),
    pytest.param(floor_as_fraction, "absolute rate", id="floor-used-as-a-fraction"),
    pytest.param(warmup_off_by_one, "straight line from 0", id="warm-up-off-by-one"),
    pytest.param(warmup_from_floor, "straight line from 0", id="warm-up-starts-at-the-floor"),
    pytest.param(not_clamped_at_the_end, "stays at floor_lr", id="not-clamped-after-the-end"),
])
def test_cosine_rejects(fn, match):
    assert_rejected("07.cosine_schedule", fn, match=match)
