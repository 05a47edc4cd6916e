"""The 1000 ImageNet (ILSVRC-2012) class names and top-k decoding of a classifier's output.

Used in lessons 12, 13.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from cnncourse.course.paths import DATA_DIR

CAT_CLASSES = ("tabby, tabby cat", "tiger cat", "Persian cat", "Siamese cat, Siamese", "Egyptian cat")


@lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    """The 1000 class names in index order (``data/class_names/imagenet.txt``)."""
    names = tuple((DATA_DIR / "class_names" / "imagenet.txt").read_text().splitlines())
    if len(names) != 1000:
        raise ValueError(f"imagenet.txt has {len(names)} names, expected 1000")
    return names


def short_name(name: str) -> str:
    """The first synonym: ``'tabby, tabby cat'`` -> ``'tabby'``."""
    return name.split(",")[0]


def top_k(probs, k: int = 5, names=None) -> list[list[tuple[str, float]]]:
    """For each row of ``probs`` (N, C), the ``k`` most likely ``(name, probability)``, best first."""
    probs = np.atleast_2d(np.asarray(probs))
    names = class_names() if names is None else names
    order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    return [[(names[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]
