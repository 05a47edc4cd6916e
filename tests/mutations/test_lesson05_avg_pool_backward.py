"""Mutation suite for 05.avg_pool_backward: the checker accepts the reference and rejects plausible wrong answers."""
import numpy as np
import pytest

from cnncourse import checks, ops
from cnncourse.checks import CheckFailed


def reference(dout, x_shape, size=2, stride=None):
    _, cache = ops.avg_pool_forward(np.zeros(x_shape), size, stride)
    return ops.avg_pool_backward(dout, cache)


def _loop(dout, x_shape, size, stride, share, assign=False, start=lambda r, s: r * s):
    dx = np.zeros(x_shape)
    for r in range(dout.shape[1]):
        for c in range(dout.shape[2]):
            rs, cs = start(r, stride), start(c, stride)
            value = share(dout[:, r, c, :])[:, None, None, :]
            if assign:
                dx[:, rs:rs + size, cs:cs + size, :] = value
            else:
                dx[:, rs:rs + size, cs:cs + size, :] += value
    return dx


def sums_instead_of_averaging(dout, x_shape, size=2, stride=None):
    return _loop(dout, x_shape, size, stride or size, share=lambda g: g)


def assigns_instead_of_adding(dout, x_shape, size=2, stride=None):
    return _loop(dout, x_shape, size, stride or size, share=lambda g: g / size ** 2, assign=True)


def ignores_stride(dout, x_shape, size=2, stride=None):
    return _loop(dout, x_shape, size, stride or size, share=lambda g: g / size ** 2, start=lambda r, s: r * size)


def divides_by_window_count(dout, x_shape, size=2, stride=None):
    """Normalises by how many windows cover each pixel instead of by the window area."""
    s = stride or size
    total = _loop(dout, x_shape, size, s, share=lambda g: g)
    count = _loop(np.ones_like(dout), x_shape, size, s, share=lambda g: g)
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


def upsamples_over_the_whole_input(dout, x_shape, size=2, stride=None):
    """np.repeat the gradient and stretch the last row/column over the pixels no window covered."""
    up = np.repeat(np.repeat(dout, size, axis=1), size, axis=2) / size ** 2
    pad_h, pad_w = x_shape[1] - up.shape[1], x_shape[2] - up.shape[2]
    return np.pad(up, ((0, 0), (0, max(pad_h, 0)), (0, max(pad_w, 0)), (0, 0)), mode="edge")[:, :x_shape[1], :x_shape[2]]


def all_to_top_left(dout, x_shape, size=2, stride=None):
    s = stride or size
    dx = np.zeros(x_shape)
    for r in range(dout.shape[1]):
        for c in range(dout.shape[2]):
            dx[:, r * s, c * s, :] += dout[:, r, c, :]
    return dx


def test_reference_passes():
    checks.avg_pool_backward(reference)          # raises CheckFailed on a wrong answer


@pytest.mark.parametrize("mutant", [sums_instead_of_averaging, assigns_instead_of_adding, ignores_stride,
                                    divides_by_window_count, upsamples_over_the_whole_input, all_to_top_left])
def test_mutant_is_rejected(mutant):
    with pytest.raises(CheckFailed, match="dx"):
        checks.avg_pool_backward(mutant)


def divides_dout_in_place(dout, x_shape, size=2, stride=None):
    """`dout /= size * size` first: the right dx, but the caller's upstream gradient is changed."""
    dout /= size * size
    return _loop(dout, x_shape, size, stride or size, share=lambda g: g)


def test_in_place_division_is_named():
    with pytest.raises(CheckFailed, match="changed its input `dout` in place"):
        checks.avg_pool_backward(divides_dout_in_place)


def test_wrong_shape_is_named():
    with pytest.raises(CheckFailed, match="shape"):
        checks.avg_pool_backward(lambda dout, x_shape, size=2, stride=None: dout)


def test_stub_is_not_done():
    def stub(*args, **kwargs):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not done yet"):
        checks.avg_pool_backward(stub)
