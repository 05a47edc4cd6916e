"""Fashion-MNIST (Zalando, MIT licence): 60,000 training and 10,000 test images, offline.

Read from the Debian package ``dataset-fashion-mnist`` and checked against the
SHA-256 sums shipped in ``data/checksums``; keras' download is a fallback only.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from cnncourse.course.paths import DATA_DIR

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DIR_ENV = "CNNCOURSE_FASHION_MNIST_DIR"
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
INSTALL_HINT = (
    "Fashion-MNIST was not found in {where}. Install it offline with\n"
    "    sudo apt-get install -y dataset-fashion-mnist\n"
    "or point ${env} at a folder holding the four *-ubyte.gz files."
)


class DatasetNotFoundError(FileNotFoundError):
    """A course data set is not installed; the message says how to install it."""


class ChecksumError(ValueError):
    """A data file does not match the SHA-256 sum shipped with the course."""


def class_names() -> list[str]:
    """The ten Fashion-MNIST class names, in label order."""
    return (DATA_DIR / "class_names" / "fashion_mnist.txt").read_text().splitlines()


CLASS_NAMES = class_names()


def expected_sha256() -> dict[str, str]:
    lines = (DATA_DIR / "checksums" / "fashion_mnist.sha256").read_text().split("\n")
    return {name: digest for digest, name in (line.split() for line in lines if line.strip())}


def find_dir() -> Path | None:
    """The folder holding the files: ``$CNNCOURSE_FASHION_MNIST_DIR``, else the Debian one."""
    candidates = [Path(os.environ[DIR_ENV])] if os.environ.get(DIR_ENV) else []
    candidates.append(DEBIAN_DIR)
    for folder in candidates:
        if all((folder / f).is_file() for pair in FILES.values() for f in pair):
            return folder
    return None


def verify(folder: Path) -> None:
    """Raise ChecksumError naming the first file whose SHA-256 differs from data/checksums."""
    for name, digest in expected_sha256().items():
        actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if actual != digest:
            raise ChecksumError(f"{folder / name}: sha256 {actual} != expected {digest}; the file is damaged or not Fashion-MNIST")


def read_idx(path: Path) -> np.ndarray:
    """Read a gzipped IDX file (the MNIST format: magic, dims, then uint8 data)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


@lru_cache(maxsize=1)
def _load_checked(folder: str):
    folder = Path(folder)
    verify(folder)
    out = []
    for split in ("train", "test"):
        images, labels = (read_idx(folder / f) for f in FILES[split])
        out.append((images, labels))
    return tuple(out)


def load_fashion_mnist(allow_download: bool = True):
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays (N, 28, 28) and (N,).

    Offline first; if the Debian package is absent and ``allow_download`` is true,
    try keras' downloader (which needs internet) before raising DatasetNotFoundError.
    """
    folder = find_dir()
    if folder is not None:
        (xtr, ytr), (xte, yte) = _load_checked(str(folder))
        return (xtr.copy(), ytr.copy()), (xte.copy(), yte.copy())
    where = f"${DIR_ENV} or {DEBIAN_DIR}" if os.environ.get(DIR_ENV) else str(DEBIAN_DIR)
    message = INSTALL_HINT.format(where=where, env=DIR_ENV)
    if allow_download:
        try:
            import keras

            return keras.datasets.fashion_mnist.load_data()
        except Exception as exc:  # no internet: say how to install it offline
            raise DatasetNotFoundError(message + f"\n(The online fallback failed too: {exc})") from None
    raise DatasetNotFoundError(message)
