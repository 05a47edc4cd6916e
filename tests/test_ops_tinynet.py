import numpy as np
import tensorflow as tf

from cnncourse import ops
from cnncourse.ops import tinynet


def _batch(n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 8, 8, 1)), rng.integers(0, 10, n)


def test_parameter_shapes():
    p = tinynet.init_params(filters=5)
    assert p["w1"].shape == (3, 3, 1, 5) and p["b1"].shape == (5,)
    assert p["w2"].shape == (4 * 4 * 5, 10) and p["b2"].shape == (10,)


def test_gradients_match_gradient_tape():
    p = tinynet.init_params(filters=3, seed=2)
    x, y = _batch()
    loss, grads = tinynet.loss_and_grads(p, x, y)
    tv = {k: tf.Variable(v) for k, v in p.items()}
    with tf.GradientTape() as tape:
        a = tf.nn.relu(tf.nn.conv2d(x, tv["w1"], 1, "SAME") + tv["b1"])
        a = tf.nn.max_pool2d(a, 2, 2, "VALID")
        logits = tf.reshape(a, (len(x), -1)) @ tv["w2"] + tv["b2"]
        ref = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, logits))
    ref_grads = tape.gradient(ref, tv)
    np.testing.assert_allclose(loss, ref.numpy(), rtol=1e-10)
    for k in p:
        np.testing.assert_allclose(grads[k], ref_grads[k].numpy(), rtol=1e-7, atol=1e-10)


def test_gradcheck_and_training_reduces_loss():
    p = tinynet.init_params(filters=2, seed=3)
    x, y = _batch(4, seed=1)
    _, grads = tinynet.loss_and_grads(p, x, y)
    f = lambda w: ops.softmax_cross_entropy(tinynet.forward({**p, "w2": w}, x)[0], y)[0]  # noqa: E731
    assert ops.gradcheck(f, p["w2"].copy(), grads["w2"], tol=1e-5) < 1e-5
    first, params = tinynet.train_step(p, x, y, lr=0.1)
    for _ in range(10):
        loss, params = tinynet.train_step(params, x, y, lr=0.1)
    assert loss < first
    assert params is not p and np.array_equal(p["w1"], tinynet.init_params(filters=2, seed=3)["w1"])
