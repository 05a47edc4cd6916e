"""Time series for 1D CNNs: the synthetic Trace benchmark (UCR archive, shipped with tslearn), time shifts,
and NumPy references for 1D, causal and dilated convolutions, their receptive field, and a magnitude
spectrogram (checked against Keras / ``tf.signal.stft``).

Used in lesson 15.
"""
from __future__ import annotations

import numpy as np

#: Trace (Roverso, 2000): simulated-instrument transients from a nuclear power plant; 4 classes.
TRACE_CLASSES = ["class 1", "class 2", "class 3", "class 4"]


def load_trace():
    """``(x_train, y_train), (x_test, y_test)``: float32 (100, 275) z-normalised series, labels 0..3.

    Read from the copy of the UCR Trace data set that ships inside tslearn (no download).
    """
    from tslearn.datasets import CachedDatasets

    xtr, ytr, xte, yte = CachedDatasets().load_dataset("Trace")
    return ((xtr[..., 0].astype(np.float32), (ytr - 1).astype(np.int64)),
            (xte[..., 0].astype(np.float32), (yte - 1).astype(np.int64)))


def shift_series(x, shift: int) -> np.ndarray:
    """Shift series (N, L) right by ``shift`` steps (left if negative), repeating the edge value."""
    x = np.asarray(x)
    if shift == 0:
        return x.copy()
    if shift > 0:
        return np.concatenate([np.repeat(x[:, :1], shift, axis=1), x[:, :-shift]], axis=1)
    return np.concatenate([x[:, -shift:], np.repeat(x[:, -1:], -shift, axis=1)], axis=1)


def random_shifts(x, max_shift: int, seed: int = 0) -> np.ndarray:
    """Each series shifted by its own random amount in [-max_shift, max_shift]."""
    rng = np.random.default_rng(seed)
    return np.concatenate([shift_series(row[None], int(s))
                           for row, s in zip(x, rng.integers(-max_shift, max_shift + 1, len(x)))])


def conv1d_forward(x, w, b, stride: int = 1) -> np.ndarray:
    """'valid' 1D cross-correlation as ``keras.layers.Conv1D``: x (N, L, C_in), w (K, C_in, C_out), b (C_out,)."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    k = w.shape[0]
    n_out = (x.shape[1] - k) // stride + 1
    starts = np.arange(n_out) * stride
    windows = x[:, starts[:, None] + np.arange(k)[None, :], :]     # (N, L_out, K, C_in)
    return np.einsum("nlkc,kco->nlo", windows, w) + np.asarray(b, dtype=np.float64)


def causal_conv1d(x, w, b, dilation: int = 1) -> np.ndarray:
    """Causal dilated 1D cross-correlation as ``keras.layers.Conv1D(padding="causal", dilation_rate=dilation)``:
    ``y[t] = b + sum_k x[t - (K-1-k)*dilation] @ w[k]``, with zeros before the start; output length = input length."""
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    if dilation < 1:
        raise ValueError(f"dilation must be a positive integer, got {dilation}")
    k = w.shape[0]
    padded = np.pad(x, ((0, 0), ((k - 1) * dilation, 0), (0, 0)))
    windows = padded[:, np.arange(x.shape[1])[:, None] + dilation * np.arange(k)[None, :], :]   # (N, L, K, C_in)
    return np.einsum("nlkc,kco->nlo", windows, w) + np.asarray(b, dtype=np.float64)


def receptive_field(kernel_size: int, dilations) -> int:
    """Time steps one output of a stack of stride-1 convolutions sees: ``1 + sum((kernel_size - 1) * d)``."""
    return 1 + sum((kernel_size - 1) * int(d) for d in dilations)


def frames(signal, frame_length: int, frame_step: int) -> np.ndarray:
    """Overlapping frames (..., n_frames, frame_length) of the last axis; no padding at the end."""
    signal = np.asarray(signal, dtype=np.float64)
    n = 1 + (signal.shape[-1] - frame_length) // frame_step
    index = np.arange(n)[:, None] * frame_step + np.arange(frame_length)[None, :]
    return signal[..., index]


def spectrogram(signal, frame_length: int, frame_step: int) -> np.ndarray:
    """|STFT| with a periodic Hann window and fft_length = frame_length, shape (..., n_frames, frame_length//2 + 1);
    equals ``abs(tf.signal.stft(signal, frame_length, frame_step, fft_length=frame_length))``."""
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(frame_length) / frame_length)
    return np.abs(np.fft.rfft(frames(signal, frame_length, frame_step) * window, axis=-1))
