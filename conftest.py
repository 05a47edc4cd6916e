"""nbval configuration for `pytest --nbval solutions/`.

TensorFlow and Python warnings write to stderr, which differs from run to run and
machine to machine; it is never stored (``cnncourse execute`` strips it) and never
compared. Figures (PNG) are not compared either (nbval's default); the numbers
that matter are asserted inside the notebooks.
"""
import os

# Inherited by the kernels nbval starts.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONHASHSEED", "0")

NBVAL_SKIP_COMPARE = ("stderr", "application/javascript", "application/vnd.jupyter.widget-state+json")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += NBVAL_SKIP_COMPARE
