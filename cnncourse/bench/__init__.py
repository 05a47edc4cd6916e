"""``cnncourse bench``: measure that the course is fast on a 2-core CPU (issue #8).

Course tooling: not imported by the lessons.

One module per figure, each returning :class:`~cnncourse.bench.figure.Figure` rows:

* :mod:`~cnncourse.bench.fashion` -- Fashion-MNIST accuracy and training time of the fast recipe;
* :mod:`~cnncourse.bench.conv` -- NumPy conv2d (im2col and naive loops) vs TensorFlow's CPU conv;
* :mod:`~cnncourse.bench.notebooks` -- execution time of every solution notebook (nbclient);
* :mod:`~cnncourse.bench.grading` -- grading time over execution time of one lesson.

:mod:`~cnncourse.bench.config` holds the full and ``--quick`` sizes, :mod:`~cnncourse.bench.report`
the table and JSON, :mod:`~cnncourse.bench.cli` the command. Every number comes from the run
that prints it; nothing is asserted about speed (a benchmark measures, it does not fail).
"""
from cnncourse.bench.config import FULL, QUICK, BenchConfig
from cnncourse.bench.figure import Figure

__all__ = ["FULL", "QUICK", "BenchConfig", "Figure"]
