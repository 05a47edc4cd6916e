"""Figure 1: Fashion-MNIST test accuracy and training wall time of the course's fast recipe.

Both numbers come from one call of :func:`cnncourse.training.loop.train_fast_recipe`: the
accuracy is on the 10,000 test images, the time is that of ``fit`` alone (data loading,
model building and evaluation are not training).
"""
from __future__ import annotations

import inspect
import math

from cnncourse.course.bench.figure import NOT_AVAILABLE, Figure
from cnncourse.course.bench.timing import tf_threads

ACCURACY_TARGET = 92.0   # percent, full run
TIME_TARGET = 60.0       # seconds of training on 2 cores
ACC_KEY, TIME_KEY = "fashion_accuracy", "fashion_train_seconds"
ACC_NAME, TIME_NAME = "Fashion-MNIST test accuracy (fast recipe)", "Fashion-MNIST training wall time"


def _recipe():
    """The course's recipe function, or None when it is not there (yet)."""
    try:
        from cnncourse.training.loop import train_fast_recipe
    except ImportError:
        return None
    return train_fast_recipe


def _call(recipe, kwargs: dict):
    """Call the recipe with the keyword arguments it accepts; report the ones it does not."""
    params = inspect.signature(recipe).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    accepted = {k: v for k, v in kwargs.items() if takes_any or k in params}
    ignored = sorted(set(kwargs) - set(accepted))
    return recipe(**accepted), ignored


def _unpack(result) -> tuple[float, float, float | None]:
    """(test accuracy in [0, 1], training seconds, CPU seconds or None) from the recipe's result."""
    if hasattr(result, "test_acc"):
        return float(result.test_acc), float(result.seconds), getattr(result, "cpu_seconds", None)
    _, _, acc, seconds = tuple(result)[:4]
    return float(acc), float(seconds), None


def _data(test_size: int | None):
    if test_size is None:
        return None
    from cnncourse.data import load_fashion_mnist

    (xtr, ytr), (xte, yte) = load_fashion_mnist()
    return (xtr, ytr), (xte[:test_size], yte[:test_size])


def measure(recipe_kwargs: dict | None = None, threads: int | None = 2, test_size: int | None = None,
            reduced: bool = False, seed: int = 0) -> list[Figure]:
    """Train the fast recipe once; return the accuracy and training-time figures."""
    recipe = _recipe()
    if recipe is None:
        reason = "cnncourse.training.loop.train_fast_recipe is not importable"
        return [Figure.failed(ACC_KEY, ACC_NAME, NOT_AVAILABLE, reason, "%", ACCURACY_TARGET, ">="),
                Figure.failed(TIME_KEY, TIME_NAME, NOT_AVAILABLE, reason, "s", TIME_TARGET, "<=")]
    kwargs = {"threads": threads, "seed": seed, "verbose": 0, **(recipe_kwargs or {})}
    data = _data(test_size)
    if data is not None:
        kwargs["data"] = data
    result, ignored = _call(recipe, kwargs)
    acc, seconds, cpu = _unpack(result)

    epochs = kwargs.get("epochs", _default(recipe, "epochs"))
    train_n = kwargs.get("train_size") or 60_000
    test_n = test_size or 10_000
    run = f"{'REDUCED run: ' if reduced else ''}{epochs} epoch(s), {train_n:,} train / {test_n:,} test images"
    threads_text = tf_threads()
    if cpu is not None and math.isfinite(cpu) and seconds > 0:
        threads_text += f"; {cpu / seconds:.2f} cores busy on average"
    notes = f"; ignored by the recipe: {', '.join(ignored)}" if ignored else ""
    return [
        Figure(ACC_KEY, ACC_NAME, round(100 * acc, 2), "%", ACCURACY_TARGET, ">=",
               detail=f"{run}{notes}", reduced=reduced),
        Figure(TIME_KEY, TIME_NAME, round(seconds, 1), "s", TIME_TARGET, "<=",
               detail=f"{run}; fit() only, same run as the accuracy; {threads_text}", reduced=reduced),
    ]


def _default(fn, name: str):
    p = inspect.signature(fn).parameters.get(name)
    return None if p is None or p.default is p.empty else p.default
