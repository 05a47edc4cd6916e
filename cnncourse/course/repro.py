"""Reproducible notebooks: one call at the top of every lesson.

Course tooling: every lesson's set-up cell calls it (not a lesson topic).

Stored notebook outputs are compared by nbval on every CI run, so a lesson must
produce the same text every time: same seeds, deterministic ops, a fixed number
of threads, and no TensorFlow log lines.
"""
from __future__ import annotations

import logging
import os
import random
import warnings

SEED = 0
THREADS = 2


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ and Python loggers (they write to stderr)."""
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"keras.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)


def seed_everything(seed: int = SEED) -> None:
    """Seed Python, NumPy, TensorFlow and Keras and make TF ops deterministic."""
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # older TF builds; determinism is then best effort
        pass


def set_tf_threads(threads: int | None) -> bool:
    """Ask TensorFlow for ``threads`` intra- and inter-op threads (the course's one thread setup);
    False if ``threads`` is None or TF's runtime already started (the setting is then frozen)."""
    if threads is None:
        return False
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        return True
    except RuntimeError:
        return False


def start_script(seed: int = SEED, threads: int = THREADS) -> None:
    """Prepare a script that records a lesson's study: TensorFlow quiet, threads and seeds as ``start_lesson`` sets them,
    so that the lesson's live re-run reproduces the script's numbers."""
    quiet_tensorflow()
    set_tf_threads(threads)
    seed_everything(seed)


def start_lesson(seed: int = SEED, threads: int = THREADS) -> None:
    """Prepare a notebook kernel: quiet TF, fixed threads, seeds, plotting defaults, training progress.

    Prints nothing, so that the cell's stored output is empty. In JupyterLab (not under nbval),
    every Keras ``fit`` then shows a progress bar that disappears when training ends (see
    ``cnncourse.course.progress``).
    """
    quiet_tensorflow()
    import tensorflow as tf

    # In Jupyter (sys.ps1 is set) TensorFlow's first get_logger() call resets its logger to INFO
    # on stdout, where nbval would compare its lines; configure it now, then raise the level.
    tf.get_logger().setLevel(logging.ERROR)
    set_tf_threads(threads)  # False when TF is already initialised in this kernel: it keeps what it has
    seed_everything(seed)
    import numpy as np

    np.set_printoptions(precision=4, suppress=True)
    import matplotlib

    matplotlib.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4)})
    from cnncourse.course import progress

    progress.install()
