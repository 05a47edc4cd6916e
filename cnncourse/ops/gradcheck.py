"""Numerical gradients by centred differences, to check hand-written backward passes."""
from __future__ import annotations

import numpy as np


def numerical_gradient(f, x: np.ndarray, dout=None, h: float = 1e-5) -> np.ndarray:
    """d(sum(f(x) * dout))/dx by centred differences; ``dout`` defaults to ones (x is perturbed in place, then restored)."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        idx = it.multi_index
        old = x[idx]
        x[idx] = old + h
        plus = np.asarray(f(x), dtype=np.float64)
        x[idx] = old - h
        minus = np.asarray(f(x), dtype=np.float64)
        x[idx] = old
        weights = np.ones_like(plus) if dout is None else dout
        grad[idx] = np.sum((plus - minus) * weights) / (2 * h)
        it.iternext()
    return grad


def relative_error(a, b) -> float:
    """Largest entry-wise relative error, max over entries of |a - b| / (|a| + |b|) (denominator floored at 1e-12).

    Scale-free; for float64 gradient checks a correct gradient usually gives 1e-7 or less, ``gradcheck``
    fails above its default ``tol=1e-6``, and 1e-2 or more means a bug.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))


def gradcheck(f, x, analytic, dout=None, tol: float = 1e-6, h: float = 1e-5) -> float:
    """Assert that ``analytic`` matches the numerical gradient of f at x; returns the relative error."""
    numeric = numerical_gradient(f, x, dout, h)
    err = relative_error(analytic, numeric)
    assert err < tol, (
        f"gradient check failed: relative error {err:.2e} >= {tol:.0e}. "
        "Hint: compare analytic and numeric gradients element by element to find the wrong term; "
        "use float64 inputs."
    )
    return err
