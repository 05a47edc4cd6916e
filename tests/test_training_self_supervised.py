import keras
import numpy as np
import pytest

from cnncourse.training import self_supervised as ssl


def nt_xent_by_hand(z1, z2, temperature):
    """The SimCLR loss written out: for each of the 2N embeddings, -log softmax of its partner among the others."""
    z = np.concatenate([z1, z2]).astype("float64")
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    n2 = len(z)
    losses = []
    for i in range(n2):
        partner = (i + n2 // 2) % n2
        others = [k for k in range(n2) if k != i]
        logits = np.array([z[i] @ z[k] / temperature for k in others])
        losses.append(-(z[i] @ z[partner] / temperature) + np.log(np.exp(logits).sum()))
    return np.mean(losses)


def test_nt_xent_matches_a_hand_computation():
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    for temperature in (0.1, 0.5, 1.0):
        got = float(ssl.nt_xent_loss(z1.astype("float32"), z2.astype("float32"), temperature))
        assert got == pytest.approx(nt_xent_by_hand(z1, z2, temperature), rel=1e-5)


def test_nt_xent_known_value_and_direction():
    eye = np.eye(2, dtype="float32")
    # views identical, images orthogonal, temperature 1: each row sees its partner at cosine 1 and two others at 0
    assert float(ssl.nt_xent_loss(eye, eye, 1.0)) == pytest.approx(np.log(1 + 2 / np.e), rel=1e-6)
    # partners swapped (view 2 of image 0 is image 1's): the partner is at cosine 0, a stranger at 1
    assert float(ssl.nt_xent_loss(eye, eye[::-1], 1.0)) == pytest.approx(np.log(np.e + 2), rel=1e-6)
    # scale of the embeddings does not matter (cosine similarity)
    assert float(ssl.nt_xent_loss(3 * eye, eye, 1.0)) == pytest.approx(float(ssl.nt_xent_loss(eye, eye, 1.0)))
    with pytest.raises(ValueError, match="temperature"):
        ssl.nt_xent_loss(eye, eye, 0.0)


def test_augment_gives_different_valid_views_reproducibly():
    x = np.random.default_rng(1).uniform(size=(8, 28, 28, 1)).astype("float32")
    v1 = np.asarray(ssl.augment(x, keras.random.SeedGenerator(3)))
    v2 = np.asarray(ssl.augment(x, keras.random.SeedGenerator(3)))
    v3 = np.asarray(ssl.augment(x, keras.random.SeedGenerator(4)))
    assert v1.shape == x.shape and v1.min() >= 0 and v1.max() <= 1
    np.testing.assert_array_equal(v1, v2)                       # same seed, same views
    assert np.abs(v1 - v3).mean() > 0.05 and np.abs(v1 - x).mean() > 0.05


def test_pretrainer_learns_to_match_the_views_of_real_images():
    from cnncourse.data import load_fashion_mnist, prepare_images

    (x_train, _), _ = load_fashion_mnist()
    images = prepare_images(x_train[:128])                       # unlabelled: no y is passed
    keras.utils.set_random_seed(0)
    pretrainer = ssl.ContrastivePretrainer(ssl.encoder((8, 16)), temperature=0.5, seed=0)
    pretrainer.compile(optimizer=keras.optimizers.Adam(1e-2))
    seeds = keras.random.SeedGenerator(5)
    view1, view2 = ssl.augment(images, seeds), ssl.augment(images, seeds)   # held fixed: the same test before and after

    def held_out_loss():
        return float(ssl.nt_xent_loss(pretrainer(view1), pretrainer(view2), 0.5))

    before = held_out_loss()
    pretrainer.fit(images, epochs=20, batch_size=128, verbose=0)
    assert held_out_loss() < before - 0.3, (before, held_out_loss())


def test_shipped_weights_load_into_the_encoder():
    assert ssl.WEIGHTS_FILE.stat().st_size < 1_000_000
    keras.utils.set_random_seed(0)
    model = ssl.load_pretrained_encoder()
    fresh = ssl.encoder()
    assert model.output.shape[-1] == ssl.ENCODER_FILTERS[-1]
    assert not np.allclose(model.get_layer("conv2").kernel.numpy(), fresh.get_layer("conv2").kernel.numpy())
    moving_var = model.get_layer("bn1").moving_variance.numpy()
    assert not np.allclose(moving_var, 1.0)                    # batch-norm statistics were stored too
    feats = ssl.features(model, np.zeros((3, 28, 28, 1), "float32"))
    assert feats.shape == (3, ssl.ENCODER_FILTERS[-1]) and np.isfinite(feats).all()


def test_missing_weights_file_names_the_script(tmp_path):
    with pytest.raises(FileNotFoundError, match="pretrain_selfsupervised"):
        ssl.load_pretrained_encoder(tmp_path / "absent.weights.h5")


def test_linear_probe_separates_separable_features_and_not_noise():
    rng = np.random.default_rng(0)
    y_train, y_test = np.repeat(np.arange(3), 10), np.repeat(np.arange(3), 50)
    centres = rng.normal(scale=5, size=(3, 4))
    f_train, f_test = centres[y_train] + rng.normal(size=(30, 4)), centres[y_test] + rng.normal(size=(150, 4))
    assert ssl.linear_probe(f_train, y_train, f_test, y_test) > 0.95
    assert ssl.linear_probe(rng.normal(size=(30, 4)), y_train, rng.normal(size=(150, 4)), y_test) < 0.6
