"""Image shifts with zero fill, and the similarity measures used for equivariance/invariance."""
import numpy as np

from cnncourse.analysis import shifts


def test_shift_moves_content_and_fills_zeros():
    x = np.arange(1, 26, dtype=float).reshape(1, 5, 5)
    y = shifts.shift(x, 1, 2)
    assert y.shape == x.shape
    assert np.array_equal(y[0, 1:, 2:], x[0, :-1, :-2])
    assert np.all(y[0, 0, :] == 0) and np.all(y[0, :, :2] == 0)
    back = shifts.shift(y, -1, -2)
    assert np.array_equal(back[0, :-1, :-2], x[0, :-1, :-2])


def test_shift_keeps_channels_and_zero_shift_is_identity():
    x = np.random.default_rng(0).random((2, 6, 7, 3))
    assert np.array_equal(shifts.shift(x, 0, 0), x)
    assert np.array_equal(shifts.shift(x, -2, 1)[:, :4, 1:], x[:, 2:, :6])


def test_similarity_measures():
    a = np.array([[1.0, 0.0], [1.0, 1.0]])
    assert np.allclose(shifts.cosine_similarity(a, 2 * a), [1, 1])
    assert np.allclose(shifts.cosine_similarity(a, np.array([[0.0, 1.0], [-1.0, -1.0]])), [0, -1])
    assert shifts.relative_change(a, a) == 0
    assert np.isclose(shifts.relative_change(np.array([3.0, 4.0]), np.array([3.0, 0.0])), 0.8)


def test_shift_of_one_image_and_past_the_border():
    img = np.arange(1, 26).reshape(5, 5)
    out = shifts.shift(img[None], 1, -2)[0]
    assert out[0].sum() == 0 and np.all(out[:, 3:] == 0)
    assert np.array_equal(out[1:, :3], img[:4, 2:])
    assert shifts.shift(img[None], 5, 0).sum() == 0 and shifts.shift(img[None], 0, -7).sum() == 0
    assert shifts.shift(np.ones((1, 4, 4, 3)), -1, 1).shape == (1, 4, 4, 3)
