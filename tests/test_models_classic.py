"""cnncourse.models.classic: published parameter counts, shapes, and that scaled models train."""
import numpy as np
import keras
import tensorflow as tf

from cnncourse.analysis import flops
from cnncourse.models import classic


def test_lenet5_shapes_and_params():
    model = classic.lenet5()
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers]
    assert shapes[1:6] == [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (1, 1, 120)]
    # C1 5*5*1*6+6, C3 5*5*6*16+16, C5 5*5*16*120+120, F6 120*84+84, out 84*10+10
    assert model.count_params() == 156 + 2416 + 48120 + 10164 + 850 == 61706
    assert flops.model_macs(model) == 28 * 28 * 25 * 6 + 10 * 10 * 25 * 6 * 16 + 25 * 16 * 120 + 120 * 84 + 84 * 10


def test_alexnet_full_size_count_and_scaled_forward():
    # computed from the layer list: conv1..conv5 then fc6 (6*6*256 inputs), fc7, fc8
    convs = [(11, 3, 96), (5, 96, 256), (3, 256, 384), (3, 384, 384), (3, 384, 256)]
    expected = sum(flops.conv_params(k, ci, co) for k, ci, co in convs)
    expected += (9216 * 4096 + 4096) + (4096 * 4096 + 4096) + (4096 * 1000 + 1000)
    assert expected == 62378344
    small = classic.alexnet(input_shape=(64, 64, 3), num_classes=7, width=0.125, dense_units=256)
    full_count = classic.alexnet().count_params()
    assert full_count == expected
    out = small(np.zeros((2, 64, 64, 3), "float32"))
    assert out.shape == (2, 7)


def test_vgg_block_and_vgg16_count():
    inputs = keras.Input((16, 16, 3))
    out = classic.vgg_block(inputs, 8, 3, name="b")
    block = keras.Model(inputs, out)
    assert block.output_shape == (None, 8, 8, 8)
    assert block.count_params() == flops.conv_params(3, 3, 8) + 2 * flops.conv_params(3, 8, 8)
    convs = [c for c in block.layers if isinstance(c, keras.layers.Conv2D)]
    assert len(convs) == 3 and all(c.kernel_size == (3, 3) for c in convs)
    # VGG-16 from its config, counted independently of keras
    chans, total = 3, 0
    for filters, n in classic.VGG_CONFIGS["vgg16"]:
        for _ in range(n):
            total += flops.conv_params(3, chans, filters)
            chans = filters
    total += 7 * 7 * 512 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000
    assert total == 138357544
    small = classic.vgg("vgg16", input_shape=(32, 32, 3), num_classes=10, width=0.125, dense_units=512)
    assert flops.param_count(small) == small.count_params()
    assert small.output_shape == (None, 10)


def test_scaled_vgg_trains_a_step():
    model = classic.vgg("vgg11", input_shape=(32, 32, 1), num_classes=10, width=0.125, dense_units=256,
                        batch_norm=True)
    x = np.random.default_rng(0).random((8, 32, 32, 1), dtype=np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(np.arange(8) % 10, model(x, training=True)))
    grads = tape.gradient(loss, model.trainable_variables)
    assert all(g is not None for g in grads) and np.isfinite(float(loss))
    keras.optimizers.Adam().apply_gradients(zip(grads, model.trainable_variables))
