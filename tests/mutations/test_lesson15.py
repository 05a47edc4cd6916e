"""Lesson 15 checkers reject wrong 1-D convolutions and wrong spectrograms."""
import numpy as np
import pytest

from . import assert_accepted, assert_rejected


def _conv1d(x, w, b, stride=1, *, flip=False, strided=True, plus_one=True, bias=True):
    k = w.shape[0]
    if flip:
        w = w[::-1]
    n_out = (x.shape[1] - k) // stride + (1 if plus_one else 0)
    out = np.empty((x.shape[0], n_out, w.shape[2]))
    for t in range(n_out):
        start = t * stride if strided else t
        out[:, t, :] = np.tensordot(x[:, start:start + k, :], w, axes=([1, 2], [0, 1])) + (b if bias else 0)
    return out


def conv1d_forward(x, w, b, stride=1):
    return _conv1d(x, w, b, stride)


def test_conv1d_accepts_reference():
    assert_accepted("15.conv1d_forward", conv1d_forward)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"flip": True}, "no kernel flip", id="kernel-flipped"),
    pytest.param({"strided": False}, "stride", id="windows-not-strided"),
    pytest.param({"plus_one": False}, "shape", id="output-length-off-by-one"),
    pytest.param({"bias": False}, "b\\[o\\]", id="bias-forgotten"),
])
def test_conv1d_rejects(kwargs, match):
    assert_rejected("15.conv1d_forward", lambda x, w, b, stride=1: _conv1d(x, w, b, stride, **kwargs), match=match)


def _spectrogram(signal, frame_length, frame_step, *, window="periodic", power=1, extra_frame=False, full_fft=False):
    signal = np.asarray(signal, dtype=np.float64)
    n_frames = 1 + (signal.shape[-1] - frame_length) // frame_step
    if extra_frame:
        n_frames += 1
        signal = np.concatenate([signal, np.zeros(signal.shape[:-1] + (frame_length,))], axis=-1)
    starts = np.arange(n_frames) * frame_step
    frames = signal[..., starts[:, None] + np.arange(frame_length)]
    n = np.arange(frame_length)
    if window == "periodic":
        frames = frames * (0.5 - 0.5 * np.cos(2 * np.pi * n / frame_length))
    elif window == "symmetric":
        frames = frames * np.hanning(frame_length)
    spectrum = np.fft.fft(frames, axis=-1) if full_fft else np.fft.rfft(frames, axis=-1)
    return np.abs(spectrum) ** power


def spectrogram(signal, frame_length, frame_step):
    return _spectrogram(signal, frame_length, frame_step)


def test_spectrogram_accepts_reference():
    assert_accepted("15.spectrogram", spectrogram)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"window": "symmetric"}, "periodic Hann", id="symmetric-hann-np-hanning"),
    pytest.param({"window": None}, "Hann", id="no-window"),
    pytest.param({"power": 2}, "abs", id="power-not-magnitude"),
    pytest.param({"extra_frame": True}, "shape", id="zero-padded-last-frame"),
    pytest.param({"full_fft": True}, "shape", id="full-fft-not-rfft"),
])
def test_spectrogram_rejects(kwargs, match):
    assert_rejected("15.spectrogram", lambda s, fl, fs: _spectrogram(s, fl, fs, **kwargs), match=match)


def _causal_conv1d(x, w, b, dilation=1, *, pad=None, side="left", flip=False, shift=0, use_dilation=True):
    k = w.shape[0]
    d = dilation if use_dilation else 1
    if flip:
        w = w[::-1]
    pad = (k - 1) * d if pad is None else pad(k, d)
    widths = (pad + shift, 0) if side == "left" else (0, pad)
    padded = np.pad(x, ((0, 0), widths, (0, 0)))
    if padded.shape[1] < x.shape[1] + (k - 1) * d:   # keep the output length L whatever the left padding was
        padded = np.pad(padded, ((0, 0), (0, x.shape[1] + (k - 1) * d - padded.shape[1]), (0, 0)))
    out = np.empty((x.shape[0], x.shape[1], w.shape[2]))
    for t in range(x.shape[1]):
        out[:, t, :] = np.tensordot(padded[:, t + d * np.arange(k), :], w, axes=([1, 2], [0, 1])) + b
    return out


def causal_conv1d(x, w, b, dilation=1):
    return _causal_conv1d(x, w, b, dilation)


def test_causal_conv1d_accepts_reference():
    assert_accepted("15.causal_conv1d", causal_conv1d)


@pytest.mark.parametrize("kwargs, match", [
    pytest.param({"pad": lambda k, d: k - 1}, "causal|\\(K-1\\)\\*dilation", id="left-pad-k-minus-1-not-times-d"),
    pytest.param({"side": "right"}, "not causal", id="padded-at-the-end"),
    pytest.param({"flip": True}, "no kernel flip", id="kernel-flipped"),
    pytest.param({"shift": 1}, "\\(K-1\\)\\*dilation", id="off-by-one-extra-left-zero"),
    pytest.param({"use_dilation": False}, "dilation", id="dilation-ignored"),
])
def test_causal_conv1d_rejects(kwargs, match):
    assert_rejected("15.causal_conv1d", lambda x, w, b, d=1: _causal_conv1d(x, w, b, d, **kwargs), match=match)
