import keras
import numpy as np
import tensorflow as tf

from cnncourse.training import loop as training
from cnncourse.models.fashion import fast_cnn, small_cnn


def test_small_cnn_parameter_count():
    m = small_cnn(filters=8, dense=32)
    expected = (9 * 1 * 8 + 8) + (9 * 8 * 16 + 16) + (7 * 7 * 16 * 32 + 32) + (32 * 10 + 10)
    assert m.count_params() == expected and m.output_shape == (None, 10)


def test_fast_cnn_parameter_count_and_shape():
    for stem_block, stem_channels in [(1, 1), (2, 4)]:
        m = fast_cnn(widths=(8, 16), blocks=(1, 2), head="gap", stem_block=stem_block)
        conv = 9 * stem_channels * 8 + 9 * 8 * 16 + 9 * 16 * 16
        bn = 4 * (8 + 16 + 16)
        assert m.count_params() == conv + bn + 16 * 10 + 10
        assert m(np.zeros((2, 28, 28, 1), np.float32)).shape == (2, 10)
    assert fast_cnn(stem_block=2).get_layer("s1a_conv").output.shape[1:3] == (14, 14)


def test_space_to_depth_matches_tensorflow():
    from cnncourse.models.fashion import space_to_depth

    x = np.random.default_rng(0).random((3, 28, 28, 2)).astype(np.float32)
    inputs = keras.Input((28, 28, 2))
    folded = keras.Model(inputs, space_to_depth(inputs, 2))(x)
    np.testing.assert_array_equal(folded, tf.nn.space_to_depth(x, 2).numpy())
    with np.testing.assert_raises_regex(ValueError, "not divisible by block 3"):
        space_to_depth(keras.Input((28, 28, 1)), 3)


def test_momentum_update_matches_keras():
    w0, rng = np.ones((2, 3), np.float32), np.random.default_rng(0)
    var, opt = keras.Variable(w0.copy()), keras.optimizers.SGD(0.1, momentum=0.9)
    w, v = w0.astype(np.float64), np.zeros((2, 3))
    for _ in range(3):
        g = rng.normal(size=(2, 3)).astype(np.float32)
        opt.apply_gradients([(tf.constant(g), var)])
        w, v = training.momentum_update(w, g, v, 0.1, 0.9)
    np.testing.assert_allclose(w, var.numpy(), rtol=1e-5)


def test_train_step_equals_manual_sgd():
    keras.utils.set_random_seed(0)
    m = small_cnn(filters=2, dense=4)
    x, y = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32), np.array([0, 1, 2, 3])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    before = [v.numpy().copy() for v in m.trainable_variables]
    with tf.GradientTape() as tape:
        ref_loss = loss_fn(y, m(x, training=True))
    grads = [g.numpy() for g in tape.gradient(ref_loss, m.trainable_variables)]
    loss = training.train_step(m, keras.optimizers.SGD(0.1), loss_fn, x, y)
    np.testing.assert_allclose(float(loss), float(ref_loss), rtol=1e-6)
    for v, b, g in zip(m.trainable_variables, before, grads):
        np.testing.assert_allclose(v.numpy(), b - 0.1 * g, rtol=1e-5, atol=1e-6)


def test_random_flip_shift_keeps_shape_and_content():
    x = tf.constant(np.random.default_rng(0).random((8, 28, 28, 1)).astype(np.float32))
    out = training.random_flip_shift(x, tf.constant([1, 2], tf.int64)).numpy()
    assert out.shape == x.shape
    # a shift by at most 2 px keeps the 24x24 centre's pixels (possibly mirrored) among the image's values
    assert np.all(out.sum(axis=(1, 2, 3)) <= x.numpy().sum(axis=(1, 2, 3)) + 1e-4)


def test_accuracy_helpers():
    assert training.accuracy(np.array([[0.1, 2.0], [3.0, 0.0]]), [1, 1]) == 0.5


def test_train_fast_recipe_runs_and_returns_a_4_tuple():
    rng = np.random.default_rng(0)
    data = ((rng.integers(0, 255, (256, 28, 28), dtype=np.uint8), rng.integers(0, 10, 256)),
            (rng.integers(0, 255, (64, 28, 28), dtype=np.uint8), rng.integers(0, 10, 64)))
    result = training.train_fast_recipe(epochs=1, threads=None, batch_size=128, data=data, widths=(4, 8), blocks=(1, 1))
    model, history, acc, seconds = result[:4]
    assert isinstance(model, keras.Model) and len(history["loss"]) == 1
    assert 0.0 <= acc <= 1.0 and seconds > 0 and result.cpu_seconds >= 0
