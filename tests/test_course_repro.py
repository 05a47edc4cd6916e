import subprocess
import sys

SCRIPT = """
import sys
sys.ps1 = ">>> "   # what Jupyter and the REPL define: TensorFlow then logs INFO to stdout
from cnncourse.course.repro import start_lesson
start_lesson()
from tensorflow.python.platform import tf_logging
tf_logging.warning("retracing-warning-leak")
tf_logging.error("an-error-still-shows")
"""


def test_start_lesson_keeps_tensorflow_warnings_out_of_interactive_output():
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "retracing-warning-leak" not in run.stdout + run.stderr
    assert "an-error-still-shows" in run.stdout + run.stderr
