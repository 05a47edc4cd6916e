import keras
import numpy as np
import pytest

from cnncourse.models.edge_cnn import count_macs, edge_cnn, with_softmax
from cnncourse.models.gan import DCGAN, dcgan_discriminator, dcgan_generator
from cnncourse.models.vit import tiny_vit


def test_edge_cnn_params_and_flops():
    m = edge_cnn((4, 8), 16)
    expected = (9 * 1 * 4 + 4) + (9 * 4 * 8 + 8) + (7 * 7 * 8 * 16 + 16) + (16 * 10 + 10)
    assert m.count_params() == expected
    assert count_macs(m) == 28 * 28 * 9 * 4 + 14 * 14 * 9 * 4 * 8 + 7 * 7 * 8 * 16 + 16 * 10
    probs = with_softmax(m).predict(np.zeros((2, 28, 28, 1)), verbose=0)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-6)
    with pytest.raises(ValueError):
        edge_cnn(head="max")


def test_gap_head_accepts_any_size_and_flatten_does_not():
    gap = edge_cnn((4, 8), 0, head="gap", input_shape=(None, None, 1))
    assert gap.predict(np.zeros((1, 40, 36, 1)), verbose=0).shape == (1, 10)
    flat = edge_cnn((4, 8), 16)
    with pytest.raises(ValueError, match="incompatible"):
        flat.predict(np.zeros((1, 40, 40, 1)), verbose=0)


def test_tiny_vit_shapes_and_params():
    m = tiny_vit(patch=7, dim=16, depth=1, heads=2, mlp_dim=32)
    assert m.predict(np.zeros((2, 28, 28, 1)), verbose=0).shape == (2, 10)
    assert m.get_layer("pos_embed").pos.shape == (1, 16, 16)
    assert m.get_layer("patch_embed").count_params() == 7 * 7 * 16 + 16
    mha = m.get_layer("block1_attn").count_params()
    assert mha == 3 * (16 * 2 * 8 + 2 * 8) + (2 * 8 * 16 + 16)


def test_dcgan_one_training_epoch_runs_and_shapes():
    keras.utils.set_random_seed(0)
    g, d = dcgan_generator(8, 8), dcgan_discriminator(width=8)
    assert g.output.shape[1:] == (28, 28, 1) and d.output.shape[1:] == (1,)
    gan = DCGAN(g, d, 8)
    gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3))
    assert gan.d_optimizer.built and gan.g_optimizer.built   # built at compile: train_step is traced once
    x = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    before = g.get_weights()[0].copy()
    hist = gan.fit(x, epochs=1, batch_size=16, verbose=0)
    assert set(hist.history) == {"d_loss", "g_loss"}
    assert not np.allclose(before, g.get_weights()[0])
