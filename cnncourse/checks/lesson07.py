"""Checkers for lesson 07: initialisation and hyper-parameters."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import expect_close, expect_shape, expect_true
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
    for shape in HIDDEN_SHAPES:
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
def cosine_schedule(cosine_lr):
    """Cosine learning-rate decay, matched against keras.optimizers.schedules.CosineDecay"""
    import keras

    cases = [(0.1, 1000, 0.0), (3e-3, 37, 0.1), (1.0, 500, 0.25), (0.05, 1, 0.0)]
    for lr0, decay_steps, alpha in cases:
        ref = keras.optimizers.schedules.CosineDecay(lr0, decay_steps, alpha=alpha)
        for step in sorted({0, 1, decay_steps // 3, decay_steps // 2, decay_steps - 1, decay_steps, 2 * decay_steps + 5}):
            got = cosine_lr(step, lr0, decay_steps, alpha)
            expect_close(got, float(ref(step)), f"cosine_lr({step}, {lr0}, {decay_steps}, alpha={alpha})",
                         hint="lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha) with t = min(step, decay_steps) / decay_steps",
                         rtol=1e-4, atol=1e-7)
    return "matches keras CosineDecay on 4 hidden schedules, including steps past decay_steps"
