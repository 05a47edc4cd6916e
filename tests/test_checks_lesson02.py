"""Lesson 02 checkers accept the reference and reject wrong or unfinished answers with a hint."""
import numpy as np
import pytest

from cnncourse import checks, ops
from cnncourse.analysis import receptive_field as rf
from cnncourse.checks import CheckFailed


def reference_conv(x, w, b, stride=1, pad=0):
    return ops.conv2d_forward(x, w, b, stride, pad)[0]


def test_conv2d_forward_accepts_reference_and_naive():
    checks.conv2d_forward(reference_conv)
    checks.conv2d_forward(lambda *a, **k: ops.conv2d_forward_naive(*a, **k))   # (out, cache) tuples too


def test_conv2d_forward_detects_flipped_kernel():
    flipped = lambda x, w, b, stride=1, pad=0: reference_conv(x, w[::-1, ::-1], b, stride, pad)
    with pytest.raises(CheckFailed, match="flipped"):
        checks.conv2d_forward(flipped)


def test_conv2d_forward_rejects_ignored_stride_and_bias():
    with pytest.raises(CheckFailed, match="shape"):
        checks.conv2d_forward(lambda x, w, b, stride=1, pad=0: reference_conv(x, w, b, 1, pad))
    with pytest.raises(CheckFailed, match="Hint"):
        checks.conv2d_forward(lambda x, w, b, stride=1, pad=0: reference_conv(x, w, 0 * b, stride, pad))


def test_conv2d_forward_not_done():
    def stub(x, w, b, stride=1, pad=0):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.conv2d_forward(stub)


def test_receptive_field_sizes():
    checks.receptive_field_sizes(lambda layers: [r for r, _ in rf.receptive_field(layers)])
    ignores_stride = lambda layers: list(np.cumsum([k - 1 for k, _ in layers]) + 1)
    with pytest.raises(CheckFailed, match="jump"):
        checks.receptive_field_sizes(ignores_stride)

    def stub(layers):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.receptive_field_sizes(stub)
