"""cnncourse.analysis.gradflow: per-layer gradient norms agree with a direct GradientTape computation."""
import keras
import numpy as np
import tensorflow as tf

from cnncourse.analysis.gradflow import kernel_gradient_norms


def test_gradient_norms_match_tape():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6, 6, 1))
    x = keras.layers.Conv2D(3, 3, name="c1")(inputs)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(4, activation="softmax", name="d1")(x)
    model = keras.Model(inputs, outputs)
    xb = np.random.default_rng(0).random((5, 6, 6, 1), dtype=np.float32)
    yb = np.array([0, 1, 2, 3, 0])
    table = kernel_gradient_norms(model, xb, yb)
    assert list(table["layer"]) == ["c1", "d1"] and list(table["depth"]) == [1, 2]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(yb, model(xb)))
    grads = tape.gradient(loss, [model.get_layer("c1").kernel, model.get_layer("d1").kernel])
    np.testing.assert_allclose(table["grad_norm"], [float(tf.norm(g)) for g in grads], rtol=1e-5)
