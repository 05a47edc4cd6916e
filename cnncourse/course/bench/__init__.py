"""``cnncourse bench``: measure that the course is fast on a 2-core CPU (issue #8).

Course tooling: not imported by the lessons.

One module per figure, each returning :class:`~cnncourse.course.bench.figure.Figure` rows:

* :mod:`~cnncourse.course.bench.fashion` -- Fashion-MNIST accuracy and training time of the fast recipe;
* :mod:`~cnncourse.course.bench.conv` -- NumPy conv2d (im2col and naive loops) vs TensorFlow's CPU conv;
* :mod:`~cnncourse.course.bench.notebooks` -- execution time of every solution notebook (nbclient);
* :mod:`~cnncourse.course.bench.grading` -- grading time over execution time of one lesson.

:mod:`~cnncourse.course.bench.config` holds the full and ``--quick`` sizes, :mod:`~cnncourse.course.bench.report`
the table and JSON, :mod:`~cnncourse.course.bench.cli` the command. Every number comes from the run
that prints it; nothing is asserted about speed (a benchmark measures, it does not fail).
"""
from cnncourse.course.bench.config import FULL, QUICK, BenchConfig
from cnncourse.course.bench.figure import Figure

__all__ = ["FULL", "QUICK", "BenchConfig", "Figure"]
