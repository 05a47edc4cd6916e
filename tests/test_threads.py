"""The course's one TensorFlow thread setup, cnncourse.course.repro.set_tf_threads, and who calls it."""
import subprocess
import sys

SCRIPT = """
import tensorflow as tf
from cnncourse.course import repro
from cnncourse.training import loop as training
from cnncourse.course.bench import cli, timing
assert timing.set_tf_threads is cli.set_tf_threads is repro.set_tf_threads
assert repro.set_tf_threads(None) is False and tf.config.threading.get_intra_op_parallelism_threads() == 0
assert repro.set_tf_threads(3) is True
print(tf.config.threading.get_intra_op_parallelism_threads(), tf.config.threading.get_inter_op_parallelism_threads())
tf.constant(1.0) + 1.0                       # starts TF's runtime: the thread counts are frozen
assert repro.set_tf_threads(1) is False
repro.start_lesson()                         # keeps what the kernel has, without an error
print(tf.config.threading.get_intra_op_parallelism_threads(), tf.config.threading.get_inter_op_parallelism_threads())
"""


def test_set_tf_threads_sets_both_pools_once_then_reports_it_is_too_late():
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["3", "3", "3", "3"]


def test_start_lesson_fixes_two_threads_in_a_fresh_kernel():
    code = ("import tensorflow as tf; from cnncourse.course.repro import start_lesson, THREADS; start_lesson(); "
            "print(THREADS, tf.config.threading.get_intra_op_parallelism_threads(), "
            "tf.config.threading.get_inter_op_parallelism_threads())")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["2", "2", "2"]
