"""Lesson 05 checker rejects plausible wrong conv2d backward passes (05.train_step is being replaced: not here)."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def _backward(dout, x, w, stride=1, pad=0, *, db_mean=False, dw_first_image=False, overwrite_dx=False,
              strided=True, dx_flipped=False):
    kh, kw, _, c_out = w.shape
    n, ho, wo, _ = dout.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    w_dx = w[::-1, ::-1] if dx_flipped else w
    for r in range(ho):
        for c in range(wo):
            rs, cs = (r * stride, c * stride) if strided else (r, c)
            window = xp[:, rs:rs + kh, cs:cs + kw, :]
            g = dout[:, r, c, :]
            if dw_first_image:
                dw += np.einsum("ijc,f->ijcf", window[0], g[0])
            else:
                dw += np.einsum("nijc,nf->ijcf", window, g)
            contribution = np.einsum("ijcf,nf->nijc", w_dx, g)
            if overwrite_dx:
                dxp[:, rs:rs + kh, cs:cs + kw, :] = contribution
            else:
                dxp[:, rs:rs + kh, cs:cs + kw, :] += contribution
    dx = dxp[:, pad:pad + x.shape[1], pad:pad + x.shape[2], :]
    db = dout.mean(axis=(0, 1, 2)) if db_mean else dout.sum(axis=(0, 1, 2))
    return dx, dw, db


def conv2d_backward(dout, x, w, stride=1, pad=0):
    return _backward(dout, x, w, stride, pad)


def test_conv2d_backward_accepts_reference():
    assert_accepted("05.conv2d_backward", conv2d_backward)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"db_mean": True}, "db sums dout", id="db-averaged-not-summed"),
    pytest.param({"dw_first_image": True}, "dw", id="dw-from-first-image-only"),
    pytest.param({"overwrite_dx": True}, "added back", id="dx-overwritten-not-accumulated"),
    pytest.param({"strided": False}, "stride 2", id="windows-not-strided"),
    pytest.param({"dx_flipped": True}, "dx", id="dx-with-flipped-kernel"),
])
def test_conv2d_backward_rejects(kwargs, match):
    assert_rejected("05.conv2d_backward",
                    lambda dout, x, w, stride=1, pad=0: _backward(dout, x, w, stride, pad, **kwargs), match=match)
