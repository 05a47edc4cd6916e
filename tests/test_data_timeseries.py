"""Trace loader, shifts, NumPy conv1d and spectrogram vs Keras/TF, sequence model builders."""
import keras
import numpy as np
import pytest
import tensorflow as tf

from cnncourse.data import timeseries as ts
from cnncourse.models.sequence import build_conv1d_classifier, build_dense_classifier, build_spectrogram_cnn


def test_load_trace():
    (xtr, ytr), (xte, yte) = ts.load_trace()
    assert xtr.shape == (100, 275) and xte.shape == (100, 275) and set(ytr) == {0, 1, 2, 3}


def test_shift_series():
    x = np.arange(10.0)[None]
    assert ts.shift_series(x, 3).tolist() == [[0, 0, 0, 0, 1, 2, 3, 4, 5, 6]]
    assert ts.shift_series(x, -2).tolist() == [[2, 3, 4, 5, 6, 7, 8, 9, 9, 9]]
    assert ts.random_shifts(np.ones((4, 10)), 3).shape == (4, 10)


def test_conv1d_matches_keras():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 19, 3)), rng.standard_normal((4, 3, 5)), rng.standard_normal(5)
    layer = keras.layers.Conv1D(5, 4, strides=2)
    layer.build((None, 19, 3)); layer.set_weights([w, b])
    np.testing.assert_allclose(ts.conv1d_forward(x, w, b, 2), layer(x.astype(np.float32)), atol=1e-4)


def test_spectrogram_matches_tf():
    x = np.random.default_rng(1).standard_normal((2, 100)).astype(np.float32)
    want = np.abs(tf.signal.stft(x, 20, 7, fft_length=20).numpy())
    np.testing.assert_allclose(ts.spectrogram(x, 20, 7), want, atol=1e-4)


def test_sequence_models():
    assert build_conv1d_classifier(275, 4).output_shape == (None, 4)
    assert build_dense_classifier(275, 4, hidden=64).count_params() == 275 * 64 + 64 + 64 * 4 + 4
    assert build_spectrogram_cnn((31, 17, 1), 4).output_shape == (None, 4)


def test_causal_dilated_conv1d_matches_keras_and_receptive_field():
    import keras

    rng = np.random.default_rng(0)
    for dilation in (1, 2, 4):
        x = rng.standard_normal((2, 30, 2)).astype(np.float32)
        w, b = rng.standard_normal((3, 2, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)
        layer = keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=dilation)
        layer.build((None, 30, 2))
        layer.set_weights([w, b])
        np.testing.assert_allclose(ts.causal_conv1d(x, w, b, dilation), layer(x), atol=1e-5)
    # an impulse at t=0 reaches exactly receptive_field - 1 later steps through a stack of causal layers
    x = np.zeros((1, 40, 1))
    x[0, 0, 0] = 1.0
    for dilations in ([1, 1, 1], [1, 2, 4]):
        y = x
        for d in dilations:
            y = ts.causal_conv1d(y, np.ones((3, 1, 1)), np.zeros(1), d)
        assert np.flatnonzero(y[0, :, 0]).max() + 1 == ts.receptive_field(3, dilations)
    assert ts.receptive_field(3, [1, 2, 4, 8]) == 31
    with pytest.raises(ValueError, match="dilation"):
        ts.causal_conv1d(x, np.ones((3, 1, 1)), np.zeros(1), 0)
