"""Lesson 03 checkers reject plausible wrong max-pooling passes, including the tie conventions."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def max_pool_forward(x, size=2, stride=None):
    stride = stride or size
    n, h, w, c = x.shape
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.empty((n, h_out, w_out, c), dtype=x.dtype)
    for r in range(h_out):
        for col in range(w_out):
            window = x[:, r * stride: r * stride + size, col * stride: col * stride + size, :]
            out[:, r, col, :] = window.max(axis=(1, 2))
    return out


def _pool(x, size, stride, reduce, h_out=None):
    n, h, w, c = x.shape
    h_out = (h - size) // stride + 1 if h_out is None else h_out
    out = np.zeros((n, h_out, (w - size) // stride + 1, c))
    for r in range(out.shape[1]):
        for col in range(out.shape[2]):
            window = x[:, r * stride: r * stride + size, col * stride: col * stride + size, :]
            out[:, r, col, :] = reduce(window)
    return out


def forward_ignores_stride(x, size=2, stride=None):
    return _pool(x, size, size, lambda win: win.max(axis=(1, 2)))


def forward_average(x, size=2, stride=None):
    return _pool(x, size, stride or size, lambda win: win.mean(axis=(1, 2)))


def forward_no_plus_one(x, size=2, stride=None):
    stride = stride or size
    return _pool(x, size, stride, lambda win: win.max(axis=(1, 2)), h_out=(x.shape[1] - size) // stride)


def forward_max_over_channels_too(x, size=2, stride=None):
    return _pool(x, size, stride or size, lambda win: win.max(axis=(1, 2, 3))[:, None])


def test_forward_accepts_reference():
    assert_accepted("03.max_pool_forward", max_pool_forward)


@pytest.mark.parametrize("fn, match", [
    pytest.param(forward_ignores_stride, "stride", id="stride-ignored"),
    pytest.param(forward_average, "average", id="average-pooling"),
    pytest.param(forward_no_plus_one, "shape", id="output-size-off-by-one"),
    pytest.param(forward_max_over_channels_too, "per channel", id="max-over-channels-too"),
])
def test_forward_rejects(fn, match):
    assert_rejected("03.max_pool_forward", fn, match=match)


def _route(x, dout, size, stride, share, accumulate=True):
    """Backward pass skeleton: ``share(window)`` gives each window position's fraction of the gradient."""
    stride = stride or size
    dx = np.zeros_like(x, dtype=float)
    for r in range(dout.shape[1]):
        for col in range(dout.shape[2]):
            rs, cs = r * stride, col * stride
            window = x[:, rs: rs + size, cs: cs + size, :]
            contribution = share(window) * dout[:, r: r + 1, col: col + 1, :]
            if accumulate:
                dx[:, rs: rs + size, cs: cs + size, :] += contribution
            else:
                region = dx[:, rs: rs + size, cs: cs + size, :]
                mask = contribution != 0
                region[mask] = contribution[mask]
    return dx


def _first_max(window):
    n, s, _, c = window.shape
    flat = window.reshape(n, s * s, c)
    onehot = np.zeros_like(flat)
    np.put_along_axis(onehot, flat.argmax(axis=1)[:, None, :], 1.0, axis=1)
    return onehot.reshape(window.shape)


def _last_max(window):
    return _first_max(window[:, ::-1, ::-1, :])[:, ::-1, ::-1, :]


def _every_max(window):
    return (window == window.max(axis=(1, 2), keepdims=True)).astype(float)


def max_pool_backward(x, dout, size=2, stride=None):
    stride = stride or size
    n, h, w, c = x.shape
    dx = np.zeros_like(x, dtype=np.result_type(x, dout))
    for r in range(dout.shape[1]):
        for col in range(dout.shape[2]):
            rs, cs = r * stride, col * stride
            window = x[:, rs: rs + size, cs: cs + size, :].reshape(n, size * size, c)
            winner = window.argmax(axis=1)
            i, j = np.divmod(winner, size)
            nn, cc = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
            np.add.at(dx, (nn, rs + i, cs + j, cc), dout[:, r, col, :])
    return dx


def tied_max_gets_all(x, dout, size=2, stride=None):
    return _route(x, dout, size, stride, _every_max)


def tied_max_split(x, dout, size=2, stride=None):
    return _route(x, dout, size, stride, lambda win: _every_max(win) / _every_max(win).sum(axis=(1, 2), keepdims=True))


def tied_last_max(x, dout, size=2, stride=None):
    return _route(x, dout, size, stride, _last_max)


def overwrite_instead_of_accumulate(x, dout, size=2, stride=None):
    return _route(x, dout, size, stride, _first_max, accumulate=False)


def average_gradient(x, dout, size=2, stride=None):
    return _route(x, dout, size, stride, lambda win: np.full(win.shape, 1.0 / (size * size)))


def backward_ignores_stride(x, dout, size=2, stride=None):
    h_out, w_out = (x.shape[1] - size) // size + 1, (x.shape[2] - size) // size + 1   # windows every `size` pixels
    return _route(x, dout[:, :h_out, :w_out, :], size, size, _first_max)


def test_backward_accepts_reference():
    assert_accepted("03.max_pool_backward", max_pool_backward)


@pytest.mark.parametrize("fn, match", [
    pytest.param(tied_max_gets_all, "tie", id="tied-max-gets-all"),
    pytest.param(tied_max_split, "tie", id="tied-max-split"),
    pytest.param(tied_last_max, "tie", id="tied-last-max"),
    pytest.param(overwrite_instead_of_accumulate, "accumulate", id="overwrite-overlapping-windows"),
    pytest.param(average_gradient, "maximum", id="average-pool-gradient"),
    pytest.param(backward_ignores_stride, "dx for", id="stride-ignored"),
])
def test_backward_rejects(fn, match):
    assert_rejected("03.max_pool_backward", fn, match=match)
