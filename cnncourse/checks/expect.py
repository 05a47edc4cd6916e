"""Assertions with hints, for checkers: each failure says what was expected and what to look at."""
from __future__ import annotations

import contextlib
import os

import numpy as np


def expect_shape(actual, shape, what: str = "output") -> None:
    actual_shape = np.shape(actual)
    assert tuple(actual_shape) == tuple(shape), f"{what} has shape {tuple(actual_shape)}, expected {tuple(shape)}"


def expect_close(actual, expected, what: str = "output", hint: str = "", rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Shapes equal and values close; on failure report the largest error and its position."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    expect_shape(actual, expected.shape, what)
    if not np.allclose(actual, expected, rtol=rtol, atol=atol):
        err = np.abs(actual - expected)
        pos = np.unravel_index(np.argmax(err), err.shape)
        raise AssertionError(f"{what} is wrong: at index {tuple(int(p) for p in pos)} got {actual[pos]:.6g}, "
                             f"expected {expected[pos]:.6g}" + (f". Hint: {hint}" if hint else ""))


def expect_true(condition, message: str) -> None:
    assert condition, message


def call_keeping_inputs(fn, args: tuple, names: tuple, what: str, **kwargs):
    """``fn(*args, **kwargs)``, failing if it changed one of its NumPy array arguments in place
    (``x -= m``, ``out=x``, ``image[...] = ...``): the caller's data must come back untouched.
    ``names`` name the positional arguments in the message."""
    before = {i: np.array(a, copy=True) for i, a in enumerate(args) if isinstance(a, np.ndarray)}
    result = fn(*args, **kwargs)
    for i, saved in before.items():
        name = names[i]
        expect_true(np.array_equal(args[i], saved, equal_nan=True),
                    f"{what} changed its input `{name}` in place: the caller's array is modified. Work on a new array "
                    f"(`{name} = {name} - m` or `{name}.copy()`, not `{name} -= m`, `out={name}` or `{name}[...] = ...`)")
    return result


# --- public and hidden cases -------------------------------------------------------------------------------------
# A learner's own check cell draws its cases from the checker's fixed (public) seed. Under
# `cnncourse grade` the cases come from a secret seed chosen per submission (and hidden case
# lists, shipped only where grading runs, are added), so passing one's own check cell does not
# mean the graded cases pass, and answers cannot be hard-coded.
CASE_SEED_ENV = "CNNCOURSE_CASE_SEED"
_grading_seed: list = []   # set by the grader while it replays a submission


def grading_seed() -> int | None:
    """The secret seed of the current grading run, or None for a learner's own check."""
    if _grading_seed:
        return _grading_seed[-1]
    value = os.environ.get(CASE_SEED_ENV, "")
    return int(value) if value.isdigit() else None


@contextlib.contextmanager
def use_case_seed(seed: int):
    """Within the block, checkers draw their cases as under grading with ``seed`` (used by the grader's replay)."""
    _grading_seed.append(int(seed))
    try:
        yield
    finally:
        _grading_seed.pop()


def case_rng(default_seed: int) -> np.random.Generator:
    """The generator a checker draws its random cases from: fixed for learners, secret under grading."""
    seed = grading_seed()
    return np.random.default_rng(default_seed if seed is None else [seed, default_seed])


def hidden_cases(exercise_id: str) -> list:
    """Extra cases of ``exercise_id`` used only under grading (empty in a student release)."""
    if grading_seed() is None:
        return []
    try:
        from cnncourse.checks.hidden import HIDDEN_CASES
    except ImportError:  # a student release has no hidden cases
        return []
    return list(HIDDEN_CASES.get(exercise_id, []))
