"""Timing and thread bookkeeping shared by the figures: timeit-style medians, who uses how many threads."""
from __future__ import annotations

import os
import statistics
import time

from cnncourse.course.repro import set_tf_threads  # noqa: F401 - the course's one thread setup, used by bench.cli


def median_seconds(fn, repeats: int = 5, min_repeat_time: float = 0.05) -> float:
    """Median wall time of one call of ``fn`` (seconds), ``timeit`` style.

    One untimed warm-up call (it also calibrates), then ``repeats`` timed repeats of
    ``number`` calls each, ``number`` chosen so a repeat lasts at least ``min_repeat_time``.
    The median resists the spikes other processes cause on a shared machine.
    """
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    number = max(1, int(min_repeat_time / once))
    per_call = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        per_call.append((time.perf_counter() - start) / number)
    return statistics.median(per_call)


def cpu_cores() -> int:
    """Cores this process may run on (the affinity mask, else ``os.cpu_count()``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def tf_threads() -> str:
    """TensorFlow's intra/inter-op thread counts as TF will use them (0 means 'all cores')."""
    import tensorflow as tf

    cores = cpu_cores()
    intra = tf.config.threading.get_intra_op_parallelism_threads() or cores
    inter = tf.config.threading.get_inter_op_parallelism_threads() or cores
    return f"TF threads intra={intra} inter={inter}"


def blas_threads() -> str:
    """NumPy's BLAS library and its thread count, via threadpoolctl when installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS threads unknown (threadpoolctl not installed)"
    import numpy  # noqa: F401 - load numpy's BLAS so threadpoolctl sees it

    blas = [i for i in threadpool_info() if i.get("user_api") == "blas" and "numpy" in i.get("filepath", "")]
    blas = blas or [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        return "BLAS threads unknown"
    return f"NumPy BLAS ({blas[0].get('internal_api')}) threads={blas[0].get('num_threads')}"


def load_average() -> tuple[float, float, float] | None:
    """The 1/5/15-minute load averages (how busy the machine was), where the OS tells."""
    try:
        return tuple(round(x, 2) for x in os.getloadavg())
    except (AttributeError, OSError):
        return None
