"""Assertions with hints, for checkers: each failure says what was expected and what to look at."""
from __future__ import annotations

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
