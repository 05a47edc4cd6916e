"""Every NumPy layer against TensorFlow on random shapes, plus numerical gradient checks."""
import numpy as np
import pytest
import scipy.signal
import tensorflow as tf

from cnncourse import ops

CONV_CASES = [  # (N, H, W, C_in, KH, KW, C_out, stride, pad)
    (2, 7, 7, 3, 3, 3, 4, 1, 0),
    (1, 8, 6, 2, 3, 2, 3, 2, 1),
    (3, 9, 9, 1, 5, 5, 2, 1, 2),
    (2, 10, 7, 4, 1, 1, 5, 3, 0),
    (1, 6, 6, 2, 4, 4, 1, 2, 2),
]


def conv_inputs(case, seed):
    n, h, w, c, kh, kw, co, stride, pad = case
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, h, w, c)), rng.standard_normal((kh, kw, c, co)),
            rng.standard_normal(co), stride, pad)


def tf_conv(x, w, b, stride, pad):
    xp = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]])
    return tf.nn.conv2d(xp, w, strides=stride, padding="VALID") + b


@pytest.mark.parametrize("forward,backward", [
    (ops.conv2d_forward_naive, ops.conv2d_backward_naive),
    (ops.conv2d_forward, ops.conv2d_backward),
])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_matches_tensorflow(forward, backward, case):
    x, w, b, stride, pad = conv_inputs(case, seed=sum(case))
    out, cache = forward(x, w, b, stride, pad)
    dout = np.random.default_rng(1).standard_normal(out.shape)
    tx, tw, tb = (tf.Variable(v) for v in (x, w, b))
    with tf.GradientTape() as tape:
        ref = tf_conv(tx, tw, tb, stride, pad)
        loss = tf.reduce_sum(ref * dout)
    gx, gw, gb = tape.gradient(loss, [tx, tw, tb])
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-9, atol=1e-9)
    dx, dw, db = backward(dout, cache)
    np.testing.assert_allclose(dx, gx.numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(dw, gw.numpy(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(db, gb.numpy(), rtol=1e-9, atol=1e-9)


def test_conv2d_gradcheck():
    x, w, b, stride, pad = conv_inputs((2, 5, 5, 2, 3, 3, 2, 2, 1), seed=3)
    out, cache = ops.conv2d_forward(x, w, b, stride, pad)
    dout = np.random.default_rng(4).standard_normal(out.shape)
    dx, dw, db = ops.conv2d_backward(dout, cache)
    ops.gradcheck(lambda v: ops.conv2d_forward(v, w, b, stride, pad)[0], x, dx, dout)
    ops.gradcheck(lambda v: ops.conv2d_forward(x, v, b, stride, pad)[0], w, dw, dout)
    ops.gradcheck(lambda v: ops.conv2d_forward(x, w, v, stride, pad)[0], b, db, dout)


def test_conv2d_rejects_mismatched_channels():
    with pytest.raises(AssertionError, match="channels"):
        ops.conv2d_forward(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 2, 1)), np.zeros(1))


def test_correlation_and_convolution_differ_by_a_flip():
    rng = np.random.default_rng(0)
    image, kernel = rng.standard_normal((7, 6)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(ops.correlate2d(image, kernel), scipy.signal.correlate2d(image, kernel, "valid"))
    np.testing.assert_allclose(ops.convolve2d(image, kernel), scipy.signal.convolve2d(image, kernel, "valid"))
    assert not np.allclose(ops.correlate2d(image, kernel), ops.convolve2d(image, kernel))


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 2), (2, 1), (3, 3)])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_tensorflow(kind, size, stride):
    rng = np.random.default_rng(size * 10 + stride)
    x = rng.standard_normal((2, 9, 8, 3))
    forward, backward, tf_pool = {
        "max": (ops.max_pool_forward, ops.max_pool_backward, tf.nn.max_pool2d),
        "avg": (ops.avg_pool_forward, ops.avg_pool_backward, tf.nn.avg_pool2d),
    }[kind]
    out, cache = forward(x, size, stride)
    dout = rng.standard_normal(out.shape)
    tx = tf.Variable(x)
    with tf.GradientTape() as tape:
        ref = tf_pool(tx, size, stride, "VALID")
        loss = tf.reduce_sum(ref * dout)
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-9)
    np.testing.assert_allclose(backward(dout, cache), tape.gradient(loss, tx).numpy(), rtol=1e-9, atol=1e-12)


def test_dense_relu_softmax_match_tensorflow():
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((4, 3, 2)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    y = np.array([0, 4, 2, 1])
    tx, tw, tb = (tf.Variable(v) for v in (x, w, b))
    with tf.GradientTape() as tape:
        logits = tf.nn.relu(tf.reshape(tx, (4, -1)) @ tw + tb) * 3.0
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
    grads = tape.gradient(loss, [tx, tw, tb])
    h, dcache = ops.dense_forward(x, w, b)
    r, rcache = ops.relu_forward(h)
    my_loss, dlogits = ops.softmax_cross_entropy(r * 3.0, y)
    dx, dw, db = ops.dense_backward(ops.relu_backward(dlogits * 3.0, rcache), dcache)
    np.testing.assert_allclose(my_loss, loss.numpy(), rtol=1e-9)
    for mine, ref in zip((dx, dw, db), grads):
        np.testing.assert_allclose(mine, ref.numpy(), rtol=1e-9, atol=1e-12)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    loss, grad = ops.softmax_cross_entropy(np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))
    assert np.isfinite(loss) and np.isclose(loss, 1000.0)
    assert np.all(np.isfinite(grad))


def test_gradcheck_catches_a_wrong_gradient():
    x = np.random.default_rng(0).standard_normal((3, 4))
    with pytest.raises(AssertionError, match="relative error"):
        ops.gradcheck(lambda v: v ** 2, x, analytic=x)  # true gradient is 2x


@pytest.mark.parametrize("size,kernel,stride,pad,expected", [(28, 3, 1, 0, 26), (28, 3, 1, 1, 28), (28, 5, 2, 2, 14), (7, 3, 2, 0, 3)])
def test_output_size(size, kernel, stride, pad, expected):
    assert ops.output_size(size, kernel, stride, pad) == expected
