"""Checkers for lesson 07: initialisation and hyper-parameters."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import exercise
from cnncourse.training.initialization import fans

HIDDEN_SHAPES = [(300, 100), (64, 512), (3, 3, 16, 32), (5, 5, 3, 8), (1, 1, 128, 64)]


def _stats(fn, shape, seeds=(11, 12, 13)):
    draws = []
    for seed in seeds:
        w = np.asarray(fn(shape, np.random.default_rng(seed)), dtype=np.float64)
        expect_shape(w, shape, f"weights for shape {shape}")
        expect_true(np.all(np.isfinite(w)), f"weights for shape {shape} contain NaN/inf")
        draws.append(w)
    expect_true(not np.allclose(draws[0], draws[1]),
                f"two different generators gave the same weights for {shape}: draw from `rng`, not a constant or a fixed seed")
    again = np.asarray(fn(shape, np.random.default_rng(seeds[0])), dtype=np.float64)
    expect_true(np.array_equal(again, draws[0]),
                f"two generators with the same seed gave different weights for {shape}: draw from the `rng` you are "
                "given (rng.normal / rng.uniform), not from np.random, so that runs are reproducible")
    return np.concatenate([d.ravel() for d in draws])


def _expect_normal(standardized):
    """The pooled draws, divided by their target std, must look like N(0, 1): tails and the whole CDF."""
    from scipy import stats

    tail = np.mean(np.abs(standardized) > 2.5)
    normal_tail = 2 * stats.norm.sf(2.5)
    ks = stats.kstest(standardized, "norm").statistic
    expect_true(abs(tail / normal_tail - 1) < 0.25 and ks < 0.01,
                f"he_normal: the right variance, but the values are not normally distributed: {tail:.2%} lie beyond "
                f"2.5 standard deviations (a normal has {normal_tail:.2%}; a uniform or a truncated normal has none), "
                f"Kolmogorov-Smirnov distance {ks:.3f} from N(0, 1). Hint: use rng.normal(0, sqrt(2 / fan_in), size=shape) "
                "-- plain normal, no uniform, no truncation")


@exercise("07.he_init", points=2)
def he_init(he_normal, glorot_uniform):
    """He normal and Glorot uniform initialisers in NumPy"""
    standardized = []
    for shape in HIDDEN_SHAPES + hidden_cases("07.he_init"):
        fan_in, fan_out = fans(shape)
        w = _stats(he_normal, shape)
        standardized.append(w / np.sqrt(2.0 / fan_in))
        target = 2.0 / fan_in
        expect_true(abs(w.var() / target - 1) < 0.08,
                    f"he_normal{shape}: variance {w.var():.4g}, expected 2/fan_in = {target:.4g} "
                    f"(fan_in = {fan_in}; for a conv kernel (kh, kw, in, out) fan_in = kh*kw*in)")
        expect_true(abs(w.mean()) < 4 * w.std() / np.sqrt(w.size) + 1e-12,
                    f"he_normal{shape}: mean {w.mean():.4g} should be ~0")
        g = _stats(glorot_uniform, shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        expect_true(np.max(np.abs(g)) <= limit * (1 + 1e-9),
                    f"glorot_uniform{shape}: values reach {np.max(np.abs(g)):.4g}, beyond the limit "
                    f"sqrt(6/(fan_in+fan_out)) = {limit:.4g}")
        expect_true(abs(g.var() / (2.0 / (fan_in + fan_out)) - 1) < 0.08,
                    f"glorot_uniform{shape}: variance {g.var():.4g}, expected 2/(fan_in+fan_out) = "
                    f"{2.0 / (fan_in + fan_out):.4g}; a uniform on [-a, a] has variance a^2/3")
        expect_true(np.mean(np.abs(g) > 0.9 * limit) > 0.05,
                    f"glorot_uniform{shape}: values should be spread uniformly up to the limit, not normal")
    _expect_normal(np.concatenate(standardized))
    return f"{len(HIDDEN_SHAPES)} hidden dense and conv shapes have the right variance"


@exercise("07.cosine_schedule", points=2)
def cosine_schedule(warmup_cosine_lr):
    """Linear warm-up then cosine decay to a floor, matched against keras CosineDecay(warmup_target=...) at the boundaries"""
    import keras

    rng = case_rng(707)
    cases = [(0.1, 10, 90, 0.0), (1.0, 0, 40, 0.25)]                      # one with no warm-up at all
    for _ in range(3):
        peak = float(rng.uniform(0.01, 1.0))
        cases.append((peak, int(rng.integers(1, 60)), int(rng.integers(5, 400)), float(peak * rng.uniform(0.01, 0.3))))
    for peak, warmup, decay, floor in cases + hidden_cases("07.cosine_schedule"):
        ref = keras.optimizers.schedules.CosineDecay(0.0, decay, alpha=floor / peak, warmup_target=peak,
                                                     warmup_steps=warmup)
        steps = {0, 1, warmup // 2, warmup - 1, warmup, warmup + 1, warmup + decay // 3, warmup + decay // 2,
                 warmup + decay - 1, warmup + decay, warmup + decay + 7, 3 * (warmup + decay)}
        for step in sorted(s for s in steps if s >= 0):
            if step < warmup:
                hint = "during the warm-up (step < warmup_steps) the rate rises in a straight line from 0: peak_lr * step / warmup_steps"
            elif step == warmup:
                hint = ("at step = warmup_steps the warm-up ends exactly at peak_lr, where the cosine starts: "
                        "t = (step - warmup_steps) / decay_steps = 0 there")
            elif step <= warmup + decay:
                hint = ("the cosine starts when the warm-up ends: t = (step - warmup_steps) / decay_steps, and falls from "
                        "peak_lr to floor_lr (an absolute rate, not a fraction of the peak): "
                        "floor_lr + (peak_lr - floor_lr) * 0.5 * (1 + cos(pi * t))")
            else:
                hint = "after warmup_steps + decay_steps the rate stays at floor_lr (clamp t at 1)"
            got = warmup_cosine_lr(step, peak, warmup, decay, floor)
            expect_close(got, float(ref(step)),
                         f"warmup_cosine_lr({step}, peak_lr={peak:.4g}, warmup_steps={warmup}, decay_steps={decay}, "
                         f"floor_lr={floor:.4g})", hint=hint, rtol=1e-4, atol=1e-7)
    return "matches keras CosineDecay with warm-up on 5 schedules at the warm-up, peak, end and past-the-end steps"