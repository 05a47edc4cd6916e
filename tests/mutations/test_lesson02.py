"""Lesson 02 checkers reject plausible wrong convolutions and receptive-field formulas."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def _conv(x, w, b, stride=1, pad=0, *, flip=False, bias=True, pad_before_only=False, strided_windows=True,
          h_out_from=None):
    n, h, wd, c = x.shape
    kh, kw, _, c_out = w.shape
    if flip:
        w = w[::-1, ::-1]
    pads = (pad, 0) if pad_before_only else (pad, pad)
    xp = np.pad(x, ((0, 0), pads, pads, (0, 0)))
    h_out = (xp.shape[1] - kh) // stride + 1
    w_out = (xp.shape[2] - (kh if h_out_from == "kh" else kw)) // stride + 1
    out = np.empty((n, h_out, w_out, c_out))
    for r in range(h_out):
        for col in range(w_out):
            rs, cs = (r * stride, col * stride) if strided_windows else (r, col)
            window = xp[:, rs: rs + kh, cs: cs + kw, :]
            out[:, r, col, :] = np.tensordot(window, w, axes=([1, 2, 3], [0, 1, 2])) + (b if bias else 0)
    return out


def conv2d_forward(x, w, b, stride=1, pad=0):
    return _conv(x, w, b, stride, pad)


def test_conv2d_accepts_reference():
    assert_accepted("02.conv2d_forward", conv2d_forward)


def conv2d_forward_float32(x, w, b, stride=1, pad=0):
    """A correct answer computed in float32 (learners often allocate `out` that way): right to float32 precision."""
    return _conv(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32), stride, pad).astype(np.float32)


def test_conv2d_accepts_float32_arithmetic():
    assert_accepted("02.conv2d_forward", conv2d_forward_float32)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"flip": True}, "kernel flipped", id="true-convolution-flips-kernel"),
    pytest.param({"bias": False}, "output for", id="bias-forgotten"),
    pytest.param({"pad_before_only": True}, "shape", id="pads-one-side-only"),
    pytest.param({"strided_windows": False}, "stride", id="windows-not-strided"),
    pytest.param({"h_out_from": "kh"}, "shape", id="non-square-kernel-as-square"),
])
def test_conv2d_rejects(kwargs, match):
    assert_rejected("02.conv2d_forward", lambda x, w, b, stride=1, pad=0: _conv(x, w, b, stride, pad, **kwargs),
                    match=match)


def receptive_field_sizes(layers):
    r, jump, sizes = 1, 1, []
    for kernel, stride in layers:
        r += (kernel - 1) * jump
        jump *= stride
        sizes.append(r)
    return sizes


def rf_jump_updated_first(layers):
    r, jump, sizes = 1, 1, []
    for kernel, stride in layers:
        jump *= stride
        r += (kernel - 1) * jump
        sizes.append(r)
    return sizes


def rf_ignores_strides(layers):
    r, sizes = 1, []
    for kernel, _ in layers:
        r += kernel - 1
        sizes.append(r)
    return sizes


def rf_jump_is_last_stride(layers):
    r, jump, sizes = 1, 1, []
    for kernel, stride in layers:
        r += (kernel - 1) * jump
        jump = stride
        sizes.append(r)
    return sizes


def rf_starts_at_zero(layers):
    r, jump, sizes = 0, 1, []
    for kernel, stride in layers:
        r += (kernel - 1) * jump
        jump *= stride
        sizes.append(r)
    return sizes


def rf_only_the_last(layers):
    return receptive_field_sizes(layers)[-1:]


def test_receptive_field_accepts_reference():
    assert_accepted("02.receptive_field_sizes", receptive_field_sizes)


@pytest.mark.parametrize("fn, match", [
    pytest.param(rf_jump_updated_first, "jump", id="stride-applied-before-its-own-kernel"),
    pytest.param(rf_ignores_strides, "jump", id="strides-ignored"),
    pytest.param(rf_jump_is_last_stride, "product of all earlier strides", id="jump-not-cumulative"),
    pytest.param(rf_starts_at_zero, "expected", id="off-by-one-start"),
    pytest.param(rf_only_the_last, "one per layer", id="returns-only-the-last"),
])
def test_receptive_field_rejects(fn, match):
    assert_rejected("02.receptive_field_sizes", fn, match=match)
