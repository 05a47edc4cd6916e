"""Lesson 03 checkers accept the reference and reject wrong or unfinished answers with a hint."""
import numpy as np
import pytest

from cnncourse import checks, ops
from cnncourse.checks import CheckFailed


def ref_forward(x, size=2, stride=None):
    return ops.max_pool_forward(x, size, stride)[0]


def ref_backward(x, dout, size=2, stride=None):
    return ops.max_pool_backward(dout, ops.max_pool_forward(x, size, stride)[1])


def test_forward_accepts_reference():
    checks.max_pool_forward(ref_forward)


def test_forward_rejects_average_and_not_done():
    with pytest.raises(CheckFailed, match="average"):
        checks.max_pool_forward(lambda x, size=2, stride=None: ops.avg_pool_forward(x, size, stride)[0])

    def stub(x, size=2, stride=None):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.max_pool_forward(stub)


def test_backward_accepts_reference():
    checks.max_pool_backward(ref_backward)


def test_backward_rejects_overwriting_instead_of_accumulating():
    def overwrite(x, dout, size=2, stride=None):
        stride = stride or size
        dx = np.zeros_like(x)
        for r in range(dout.shape[1]):
            for c in range(dout.shape[2]):
                win = x[:, r * stride: r * stride + size, c * stride: c * stride + size, :]
                mask = win == win.max(axis=(1, 2), keepdims=True)
                region = dx[:, r * stride: r * stride + size, c * stride: c * stride + size, :]
                region[mask] = (mask * dout[:, r: r + 1, c: c + 1, :])[mask]   # '=' loses overlapping gradients
        return dx
    with pytest.raises(CheckFailed, match="accumulate"):
        checks.max_pool_backward(overwrite)


def test_backward_rejects_average_gradient_and_not_done():
    avg = lambda x, dout, size=2, stride=None: ops.avg_pool_backward(dout, ops.avg_pool_forward(x, size, stride)[1])
    with pytest.raises(CheckFailed, match="maximum"):
        checks.max_pool_backward(avg)

    def stub(x, dout, size=2, stride=None):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.max_pool_backward(stub)
