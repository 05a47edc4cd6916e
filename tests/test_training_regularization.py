import keras
import numpy as np
import pytest

from cnncourse.training.regularization import (accuracy_gap, compile_classifier, dropout_forward, early_stopping_epoch,
                                      l1l2_penalty, small_cnn)


def test_small_cnn_parameter_count():
    m = small_cnn(filters=(4, 8), dense=16)
    # conv 3x3x1x4+4, conv 3x3x4x8+8, flatten 5*5*8=200 -> dense 16, dense 10
    expected = (9 * 4 + 4) + (9 * 4 * 8 + 8) + (200 * 16 + 16) + (16 * 10 + 10)
    assert m.count_params() == expected
    bn = small_cnn(filters=(4, 8), dense=16, batchnorm=True, dropout=0.5)
    kinds = [type(l).__name__ for l in bn.layers]
    assert kinds.count("BatchNormalization") == 3 and kinds.count("Dropout") == 2


def test_l1l2_penalty_matches_keras_losses_and_skips_biases_and_batchnorm():
    keras.utils.set_random_seed(0)
    m = small_cnn(filters=(4, 8), dense=16, l2=1e-3)
    m(np.zeros((1, 28, 28, 1), "float32"))
    assert l1l2_penalty(m, 0.0, 1e-3) == pytest.approx(float(sum(m.losses)), rel=1e-5)
    m1 = small_cnn(filters=(4, 8), dense=16, l1=1e-4)
    m1(np.zeros((1, 28, 28, 1), "float32"))
    assert l1l2_penalty(m1, 1e-4, 0.0) == pytest.approx(float(sum(m1.losses)), rel=1e-5)
    bn = small_cnn(filters=(4, 8), dense=16, batchnorm=True)
    for var in bn.weights:                       # biases, gamma, beta, statistics all far from 0: must not count
        var.assign(np.full(var.shape, 5.0, "float32"))
    kernels = sum(float(np.sum(np.square(layer.kernel.numpy()))) for layer in bn.layers if hasattr(layer, "kernel"))
    assert l1l2_penalty(bn, 0.0, 1.0) == pytest.approx(kernels, rel=1e-6)


def test_dropout_forward_inverted():
    x = np.ones((200, 200))
    out = dropout_forward(x, 0.25, np.random.default_rng(0))
    assert abs(np.mean(out == 0) - 0.25) < 0.01
    assert np.allclose(out[out != 0], 1 / 0.75)
    assert np.array_equal(dropout_forward(x, 0.25, np.random.default_rng(0), training=False), x)


def test_early_stopping_epoch_matches_keras_fit():
    keras.utils.set_random_seed(0)
    losses = [1.0, 0.8, 0.85, 0.9, 0.7, 0.75, 0.76, 0.77, 0.6]

    class Feed(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = losses[epoch]

    inp = keras.Input((2,))
    model = keras.Model(inp, keras.layers.Dense(1)(inp))
    model.compile("sgd", "mse")
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    h = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=len(losses), verbose=0, callbacks=[Feed(), stop])
    assert early_stopping_epoch(losses, 2) == (len(h.history["loss"]) - 1, stop.best_epoch)
    assert early_stopping_epoch(losses, 10) == (8, 8)


def test_accuracy_gap():
    keras.utils.set_random_seed(0)
    m = compile_classifier(small_cnn(filters=(2, 2), dense=4))
    x = np.random.default_rng(0).uniform(size=(20, 28, 28, 1)).astype("float32")
    y = np.arange(20) % 10
    g = accuracy_gap(m, x, y, x, y)
    assert g["gap"] == pytest.approx(0.0) and 0 <= g["train_acc"] <= 1


def test_accuracy_gap_batch_size_gives_same_accuracy():
    keras.utils.set_random_seed(0)
    m = compile_classifier(small_cnn(filters=(2, 2), dense=4))
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(40, 28, 28, 1)).astype("float32")
    y = np.arange(40) % 10
    assert accuracy_gap(m, x[:20], y[:20], x[20:], y[20:], batch_size=20) == pytest.approx(
        accuracy_gap(m, x[:20], y[:20], x[20:], y[20:]))


def test_compile_classifier_steps_per_execution_same_training():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(40, 28, 28, 1)).astype("float32")
    y = np.arange(40) % 10
    weights = []
    for spe in (1, 4):
        keras.utils.set_random_seed(0)
        m = compile_classifier(small_cnn(filters=(2, 2), dense=4), learning_rate=1e-2, steps_per_execution=spe)
        assert m.steps_per_execution == spe
        m.fit(x, y, batch_size=8, epochs=2, verbose=0)
        weights.append(m.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_deep_plain_cnn_depth_and_batchnorm():
    import keras

    from cnncourse.training.regularization import deep_plain_cnn

    plain, bn = deep_plain_cnn(depth=4), deep_plain_cnn(depth=4, batchnorm=True)
    convs = [layer for layer in plain.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(convs) == 5 and plain.output_shape == (None, 10)
    assert sum(isinstance(layer, keras.layers.BatchNormalization) for layer in bn.layers) == 4
    assert sum(not layer.use_bias for layer in bn.layers if isinstance(layer, keras.layers.Conv2D)) == 4
