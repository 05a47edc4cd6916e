import keras
import numpy as np

from cnncourse.training.batch_size import activation_memory_bytes, minibatch_gradient_variance


def _model():
    keras.utils.set_random_seed(0)
    inp = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(4, 3)(inp)             # 6x6x4 = 144
    h = keras.layers.Flatten()(h)                  # 144
    out = keras.layers.Dense(3)(h)                 # 3
    return keras.Model(inp, out)


def test_activation_memory_counts_layer_outputs():
    model = _model()
    per_example = 64 + 144 + 144 + 3               # input layer included
    assert activation_memory_bytes(model, 1) == per_example * 4
    assert activation_memory_bytes(model, 10, bytes_per_value=2) == per_example * 10 * 2


def test_gradient_noise_falls_with_batch_size():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, size=512)
    noise = minibatch_gradient_variance(_model(), x, y, [4, 64], n_batches=12, seed=0)
    assert noise[4] > 5 * noise[64] > 0
    full = minibatch_gradient_variance(_model(), x, y, [512], n_batches=2)
    assert full[512] < 1e-8  # the whole data set is the full gradient
