"""cnncourse.models.modern: blocks' shapes, parameter counts computed by hand, and their defining property."""
import keras
import numpy as np
import tensorflow as tf

from cnncourse.analysis import flops
from cnncourse.models import modern


def train_step(model, x, y):
    """One eager Adam step; the loss before it (every trainable weight must get a gradient)."""
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x, training=True)))
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in grads)
    keras.optimizers.Adam().apply_gradients(zip(grads, model.trainable_variables))
    return float(loss)


def block_model(fn, shape, *args, **kwargs):
    inputs = keras.Input(shape)
    return keras.Model(inputs, fn(inputs, *args, **kwargs))


def bn(c):  # gamma, beta, moving mean, moving variance
    return 4 * c


def test_residual_block_identity_and_projection():
    same = block_model(modern.residual_block, (8, 8, 16), 16)
    assert same.output_shape == (None, 8, 8, 16)
    assert same.count_params() == 2 * (9 * 16 * 16 + bn(16))
    down = block_model(modern.residual_block, (8, 8, 16), 32, stride=2)
    assert down.output_shape == (None, 4, 4, 32)
    assert down.count_params() == 9 * 16 * 32 + 9 * 32 * 32 + 16 * 32 + 3 * bn(32)
    # zero every conv: the block reduces to relu(x) through the identity shortcut
    for layer in same.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    x = np.random.default_rng(0).standard_normal((2, 8, 8, 16)).astype("float32")
    np.testing.assert_allclose(same(x, training=False), np.maximum(x, 0), atol=1e-6)


def test_resnet_and_plain_have_same_depth_and_params_apart_from_projections():
    res = modern.resnet_small(stages=(8, 16), blocks_per_stage=2)
    plain = modern.resnet_small(stages=(8, 16), blocks_per_stage=2, residual=False)
    convs = lambda m: [l for l in m.layers if isinstance(l, keras.layers.Conv2D) and "proj" not in l.name]  # noqa: E731
    assert len(convs(res)) == len(convs(plain)) == 9
    assert res.count_params() - plain.count_params() == 8 * 16 + bn(16)   # one projection shortcut
    assert res.name == "resnet10" and plain.name == "plain10"
    assert res.output_shape == (None, 10)


def test_inception_module_params_naive_vs_bottleneck():
    # GoogLeNet inception (3a): 192 channels in, 64 / 96->128 / 16->32 / pool->32 out
    args = (64, 96, 128, 16, 32, 32)
    module = block_model(modern.inception_module, (28, 28, 192), *args)
    assert module.output_shape == (None, 28, 28, 256)
    expected = (flops.conv_params(1, 192, 64) + flops.conv_params(1, 192, 96) + flops.conv_params(3, 96, 128)
                + flops.conv_params(1, 192, 16) + flops.conv_params(5, 16, 32) + flops.conv_params(1, 192, 32))
    assert module.count_params() == expected == 163696
    naive = block_model(modern.inception_module, (28, 28, 192), *args, bottleneck=False)
    assert naive.output_shape == (None, 28, 28, 64 + 128 + 32 + 192)
    assert naive.count_params() == flops.conv_params(1, 192, 64) + flops.conv_params(3, 192, 128) + flops.conv_params(5, 192, 32)


def test_separable_block_and_mobilenet_savings():
    block = block_model(modern.separable_block, (8, 8, 16), 32, stride=2)
    assert block.output_shape == (None, 4, 4, 32)
    assert block.count_params() == 9 * 16 + bn(16) + 16 * 32 + bn(32)
    sep = modern.mobilenet_small()
    std = modern.mobilenet_small(separable=False)
    assert sep.output_shape == std.output_shape == (None, 10)
    assert sep.count_params() < std.count_params() / 4
    assert flops.model_macs(sep) < flops.model_macs(std) / 4


def test_dense_block_growth_and_densenet():
    block = block_model(modern.dense_block, (8, 8, 24), 4, 12)
    assert block.output_shape == (None, 8, 8, 24 + 4 * 12)
    expected = sum(bn(24 + 12 * i) + 9 * (24 + 12 * i) * 12 for i in range(4))
    assert block.count_params() == expected
    trans = block_model(modern.transition, (8, 8, 72), 0.5)
    assert trans.output_shape == (None, 4, 4, 36)
    net = modern.densenet_small(blocks=(2, 2), growth_rate=4)
    assert net.output_shape == (None, 10)
    bottleneck = block_model(modern.dense_block, (8, 8, 8), 2, 4, bottleneck=True)
    assert bottleneck.output_shape == (None, 8, 8, 16)


def test_small_models_train_a_step():
    x = np.random.default_rng(1).random((4, 28, 28, 1), dtype=np.float32)
    for model in (modern.resnet_small(stages=(4, 8), blocks_per_stage=1), modern.mobilenet_small(),
                  modern.densenet_small(blocks=(2, 2), growth_rate=4)):
        assert np.isfinite(train_step(model, x, np.arange(4)))
