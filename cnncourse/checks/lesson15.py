"""Checkers for lesson 15 (beyond images): 1D convolution and magnitude spectrogram."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, hidden_cases
from cnncourse.checks.registry import exercise


@exercise("15.conv1d_forward", points=2)
def conv1d_forward(student_fn):
    """'valid' 1D convolution (cross-correlation) against keras.layers.Conv1D"""
    import keras

    rng = case_rng(15)
    for n, length, c_in, k, c_out, stride in [(2, 20, 1, 5, 3, 1), (3, 17, 2, 3, 4, 2), (1, 12, 3, 12, 2, 1),
                                              (2, 30, 4, 4, 5, 3)] + hidden_cases("15.conv1d_forward"):
        x = rng.standard_normal((n, length, c_in)).astype(np.float32)
        w = rng.standard_normal((k, c_in, c_out)).astype(np.float32)
        b = rng.standard_normal(c_out).astype(np.float32)
        layer = keras.layers.Conv1D(c_out, k, strides=stride, padding="valid")
        layer.build((None, length, c_in))
        layer.set_weights([w, b])
        expected = np.asarray(layer(x))
        got = student_fn(x.copy(), w.copy(), b.copy(), stride)
        expect_close(got, expected, f"conv1d output (L={length}, K={k}, stride={stride})", rtol=1e-4, atol=1e-4,
                     hint="out[n, t, o] = b[o] + sum_k sum_c x[n, t*stride + k, c] * w[k, c, o]; "
                          "L_out = (L - K) // stride + 1; no kernel flip")
    return "4 hidden cases match keras.layers.Conv1D"


@exercise("15.spectrogram", points=2)
def spectrogram(student_fn):
    """magnitude STFT against tf.signal.stft"""
    import tensorflow as tf

    rng = case_rng(16)
    for shape, frame_length, frame_step in [((275,), 32, 8), ((3, 100), 16, 16), ((2, 257), 64, 10), ((50,), 20, 7)] + hidden_cases("15.spectrogram"):
        signal = rng.standard_normal(shape).astype(np.float32)
        expected = np.abs(tf.signal.stft(signal, frame_length, frame_step, fft_length=frame_length).numpy())
        got = student_fn(signal.copy(), frame_length, frame_step)
        expect_close(got, expected, f"spectrogram (frame_length={frame_length}, step={frame_step})",
                     rtol=1e-4, atol=1e-4,
                     hint="frames start at 0, step, 2*step... while they fit; multiply each frame by a periodic "
                          "Hann window 0.5 - 0.5*cos(2*pi*n/frame_length); take abs(np.fft.rfft(...))")
    return "4 hidden cases match |tf.signal.stft|"


@exercise("15.causal_conv1d", points=2)
def causal_conv1d(student_fn):
    """causal dilated 1D convolution against keras.layers.Conv1D(padding='causal', dilation_rate=d)"""
    import keras

    from cnncourse.checks.expect import case_rng, expect_shape, expect_true

    rng = case_rng(1515)
    hint = ("pad (K-1)*dilation zeros at the START only, then out[n, t, o] = b[o] + "
            "sum_k sum_c x_padded[n, t + k*dilation, c] * w[k, c, o]; no kernel flip; output length = input length")
    cases = [(2, 16, 1, 2, 2, 1), (2, 20, 2, 3, 3, 2), (1, 25, 3, 3, 2, 4), (3, 18, 2, 4, 3, 3)]
    for n, length, c_in, k, c_out, dilation in cases:
        x = rng.standard_normal((n, length, c_in)).astype(np.float32)
        w = rng.standard_normal((k, c_in, c_out)).astype(np.float32)
        b = rng.standard_normal(c_out).astype(np.float32)
        layer = keras.layers.Conv1D(c_out, k, padding="causal", dilation_rate=dilation)
        layer.build((None, length, c_in))
        layer.set_weights([w, b])
        expected = np.asarray(layer(x))
        what = f"causal conv1d (L={length}, K={k}, dilation={dilation})"
        got = np.asarray(student_fn(x.copy(), w.copy(), b.copy(), dilation), dtype=np.float64)
        expect_shape(got, expected.shape, what)
        cut = length // 2
        future = x.copy()
        future[:, cut:] = rng.standard_normal(future[:, cut:].shape)
        changed = np.asarray(student_fn(future, w.copy(), b.copy(), dilation), dtype=np.float64)
        expect_true(np.allclose(changed[:, :cut], got[:, :cut], atol=1e-6),
                    f"{what} is not causal: changing x from time step {cut} on changed outputs before {cut}. "
                    f"Hint: {hint}")
        expect_close(got, expected, what, rtol=1e-4, atol=1e-4, hint=hint)
    return f"{len(cases)} cases (dilation 1-4) match keras Conv1D(padding='causal') and are causal"
