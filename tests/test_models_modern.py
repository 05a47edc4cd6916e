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


def test_bottleneck_block_counts_and_shapes():
    block = block_model(modern.bottleneck_block, (8, 8, 256), 64)
    assert block.output_shape == (None, 8, 8, 256)
    assert block.count_params() == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * bn(64) + bn(256)   # identity shortcut
    down = block_model(modern.bottleneck_block, (8, 8, 64), 32, stride=2)
    assert down.output_shape == (None, 4, 4, 128)
    assert down.count_params() == 64 * 32 + 9 * 32 * 32 + 32 * 128 + 2 * bn(32) + bn(128) + 64 * 128 + bn(128)


def test_preact_block_is_an_exact_identity_when_its_branch_is_zero():
    block = block_model(modern.preact_residual_block, (6, 6, 8), 8)
    block.get_layer("preact_conv2").set_weights([np.zeros((3, 3, 8, 8), "float32")])
    x = np.random.default_rng(1).standard_normal((2, 6, 6, 8)).astype("float32")
    np.testing.assert_array_equal(block(x, training=False), x)       # negatives kept: nothing after the add
    net = modern.resnet_small(stages=(8, 16), blocks_per_stage=1, preact=True)
    assert net.output_shape == (None, 10) and "final_bn" in [layer.name for layer in net.layers]


def test_inverted_residual_with_and_without_se():
    plain = block_model(modern.inverted_residual, (8, 8, 16), 16, expand=6)
    assert plain.count_params() == 16 * 96 + 9 * 96 + 96 * 16 + 2 * bn(96) + bn(16)
    assert any(isinstance(layer, keras.layers.Add) for layer in plain.layers)
    se = block_model(modern.inverted_residual, (8, 8, 16), 24, expand=6, stride=2, se_ratio=0.25)
    assert se.output_shape == (None, 4, 4, 24)
    assert not any(isinstance(layer, keras.layers.Add) for layer in se.layers)      # shape changes: no shortcut
    se_weights = (96 * 4 + 4) + (4 * 96 + 96)
    assert se.count_params() == 16 * 96 + 9 * 96 + 96 * 24 + 2 * bn(96) + bn(24) + se_weights


def test_fold_batchnorm_matches_keras_inference():
    rng = np.random.default_rng(3)
    conv = keras.layers.Conv2D(5, 3, padding="same")
    bn_layer = keras.layers.BatchNormalization(epsilon=0.01)
    x = rng.standard_normal((2, 7, 7, 4)).astype("float32")
    bn_layer(conv(x))
    conv.set_weights([rng.standard_normal(w.shape).astype("float32") for w in conv.get_weights()])
    bn_layer.set_weights([rng.uniform(0.5, 2, 5).astype("float32"), rng.standard_normal(5).astype("float32"),
                          rng.standard_normal(5).astype("float32"), rng.uniform(0.01, 2, 5).astype("float32")])
    kernel, bias = modern.fold_batchnorm(*conv.get_weights(), *bn_layer.get_weights(), epsilon=0.01)
    folded = keras.layers.Conv2D(5, 3, padding="same")
    folded.build(x.shape)
    folded.set_weights([kernel.astype("float32"), bias.astype("float32")])
    np.testing.assert_allclose(folded(x), bn_layer(conv(x), training=False), atol=1e-4)
    try:
        modern.fold_batchnorm(np.ones((3, 3, 4, 5)), None, np.ones(4), np.zeros(5), np.zeros(5), np.ones(5))
    except ValueError as err:
        assert "gamma has shape (4,)" in str(err)
    else:
        raise AssertionError("a gamma with the wrong length must be refused")
