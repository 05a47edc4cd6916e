"""Learning-rate schedules: NumPy cosine references (with and without warm-up) and a one-cycle Keras schedule.

Used in lessons 06, 07.

Lesson 06's fast recipe (``cnncourse.training.loop``) uses :class:`OneCycle` with a linear warm-up, lesson 07 with a cosine one.

Step and cosine decay come with Keras (``keras.optimizers.schedules.PiecewiseConstantDecay``,
``CosineDecay``); one-cycle (Smith, 2018) does not, so :class:`OneCycle` provides it.
"""
from __future__ import annotations

import math

import keras
import numpy as np


def cosine_lr(step, initial_lr: float, decay_steps: int, alpha: float = 0.0) -> float:
    """Cosine decay as Keras' ``CosineDecay`` (no warm-up): from ``initial_lr`` down to
    ``alpha * initial_lr`` over ``decay_steps``, then constant."""
    t = min(max(float(step), 0.0), float(decay_steps)) / float(decay_steps)
    cosine = 0.5 * (1.0 + math.cos(math.pi * t))
    return float(initial_lr * ((1.0 - alpha) * cosine + alpha))


def warmup_cosine_lr(step, peak_lr: float, warmup_steps: int, decay_steps: int, floor_lr: float = 0.0) -> float:
    """Linear warm-up from 0 to ``peak_lr`` over ``warmup_steps``, then cosine decay to ``floor_lr`` over
    ``decay_steps``, then constant: Keras' ``CosineDecay(0.0, decay_steps, alpha=floor_lr / peak_lr,
    warmup_target=peak_lr, warmup_steps=warmup_steps)``."""
    step = max(float(step), 0.0)
    if step < warmup_steps:
        return float(peak_lr * step / warmup_steps)
    t = min(step - warmup_steps, float(decay_steps)) / float(decay_steps)
    return float(floor_lr + (peak_lr - floor_lr) * 0.5 * (1.0 + math.cos(math.pi * t)))


def schedule_values(schedule, steps) -> np.ndarray:
    """Evaluate a Keras ``LearningRateSchedule`` (or any callable of the step) at ``steps``."""
    return np.array([float(schedule(int(s))) for s in steps])


@keras.saving.register_keras_serializable(package="cnncourse")
class OneCycle(keras.optimizers.schedules.LearningRateSchedule):
    """One-cycle policy: warm-up from ``max_lr/div`` to ``max_lr`` over the first ``pct_start`` of
    ``total_steps`` (a half cosine, or a straight line with ``warmup="linear"``), then cosine
    annealing down to ``max_lr/final_div``."""

    def __init__(self, max_lr: float, total_steps: int, pct_start: float = 0.3,
                 div: float = 25.0, final_div: float = 1e4, warmup: str = "cosine"):
        if warmup not in ("cosine", "linear"):
            raise ValueError(f"warmup must be 'cosine' or 'linear', got {warmup!r}")
        self.max_lr, self.total_steps, self.pct_start = float(max_lr), int(total_steps), float(pct_start)
        self.div, self.final_div, self.warmup = float(div), float(final_div), warmup

    def __call__(self, step):
        from keras import ops

        step = ops.cast(step, "float32")
        warm = max(1.0, self.pct_start * self.total_steps)
        start, end = self.max_lr / self.div, self.max_lr / self.final_div

        def anneal(a, b, frac):
            frac = ops.clip(frac, 0.0, 1.0)
            return b + (a - b) * 0.5 * (1.0 + ops.cos(math.pi * frac))

        if self.warmup == "linear":
            up = start + (self.max_lr - start) * ops.clip(step / warm, 0.0, 1.0)
        else:
            up = anneal(start, self.max_lr, step / warm)
        down = anneal(self.max_lr, end, (step - warm) / max(1.0, self.total_steps - warm))
        return ops.where(step < warm, up, down)

    def get_config(self):
        return {"max_lr": self.max_lr, "total_steps": self.total_steps, "pct_start": self.pct_start,
                "div": self.div, "final_div": self.final_div, "warmup": self.warmup}
