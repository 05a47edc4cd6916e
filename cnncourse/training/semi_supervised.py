"""Semi-supervised learning by pseudo-labelling: few labels plus a large unlabelled pool.

Used in lesson 18.

A model trained on the labelled images predicts the pool; its confident predictions
(:func:`select_pseudo_labels`) become extra training labels. :func:`balanced_labelled_subset`
draws the small labelled set with the same number of images per class.

Lesson 18's label-efficiency studies are recorded by ``scripts/lesson18_studies.py`` in
``data/lesson18_studies.json`` (:func:`load_studies`), each model trained by :func:`train_and_test`;
the lesson re-trains some of those models live and checks that they reproduce the record.
"""
from __future__ import annotations

import numpy as np

from cnncourse.course.paths import DATA_DIR

STUDIES_RECORD = DATA_DIR / "lesson18_studies.json"


def select_pseudo_labels(probs, threshold: float = 0.9, max_per_class: int | None = None):
    """Indices and labels of pool images whose top probability is >= ``threshold``.

    With ``max_per_class``, keep at most that many per predicted class: the most confident
    ones (ties: lower index first), so one easy class cannot flood the training set.
    Returns ``(indices, labels)``, indices sorted ascending.
    """
    probs = np.asarray(probs)
    confidence, labels = probs.max(axis=1), probs.argmax(axis=1)
    chosen = []
    for c in np.unique(labels):
        idx = np.flatnonzero((labels == c) & (confidence >= threshold))
        idx = idx[np.argsort(-confidence[idx], kind="stable")]
        chosen.append(idx if max_per_class is None else idx[:max_per_class])
    indices = np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)
    return indices.astype(int), labels[indices]


def balanced_labelled_subset(y, per_class: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of ``per_class`` random examples of every class in ``y``."""
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    picks = [rng.choice(np.flatnonzero(y == c), size=per_class, replace=False) for c in np.unique(y)]
    return np.sort(np.concatenate(picks))


def train_and_test(model_fn, x, y, x_test, y_test, steps=(150,), batch_size: int = 64, seed: int = 0,
                   init_seed: int = 18, learning_rate: float = 2e-3) -> list[float]:
    """Test accuracies of ``model_fn()`` (a logit model) after training ``steps[0]``, ``steps[1]``, ... steps in total.

    Lesson 18's recipe: weights initialised after ``keras.utils.set_random_seed(init_seed)``, Adam,
    sparse cross-entropy, batches of ``batch_size`` from one shuffled (``seed``) repeated stream per stage.
    Accuracy is the arg-max of plain batched calls on ``x_test``.
    """
    import keras
    import tensorflow as tf

    from cnncourse.course.tracing import build_training_state

    if list(steps) != sorted(set(steps)) or steps[0] <= 0:
        raise ValueError(f"steps must be increasing positive totals, got {steps}")
    keras.utils.set_random_seed(init_seed)
    model = model_fn()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    build_training_state(model, x, y)
    accuracies, done = [], 0
    for total in steps:
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat().batch(batch_size)
        model.fit(ds, epochs=1, steps_per_epoch=total - done, shuffle=False, verbose=0)
        done = total
        logits = np.concatenate([model(x_test[i:i + 1000], training=False) for i in range(0, len(x_test), 1000)])
        accuracies.append(float((logits.argmax(axis=1) == np.asarray(y_test)).mean()))
    return accuracies


def load_studies(path=STUDIES_RECORD) -> dict:
    """Lesson 18's recorded studies (settings and accuracies), as written by ``scripts/lesson18_studies.py``."""
    from cnncourse.course.files import read_record

    return read_record(path, "lesson18_studies.py")
