"""Figure 4: grading overhead = time to grade one lesson's SOLUTION notebook / time to execute it.

Grading (:func:`cnncourse.grading.grade_notebook`) runs the notebook under nbval in a
limited subprocess; executing is the plain nbclient run of figure 3 (reused when figure 3
ran the same lesson in this run, else measured here).
"""
from __future__ import annotations

import inspect
import time
from pathlib import Path

from cnncourse.course.bench.figure import NOT_AVAILABLE, Figure
from cnncourse.course.bench.notebooks import time_execution

TARGET = 1.2
KEY, NAME = "grading_overhead_ratio", "grading time / execution time"


def _grader():
    """``(grade_notebook, None)`` or ``(None, why it is not available)``."""
    try:
        from cnncourse.grading import grade_notebook
    except Exception as exc:  # ImportError, or a half-written module failing to import
        return None, f"cnncourse.grading.grade_notebook is not importable ({type(exc).__name__}: {exc})"
    return grade_notebook, None


def measure(path: Path, execute_seconds: float | None = None, timeout: int = 600,
            solutions_dir: Path | None = None) -> list[Figure]:
    """Grade ``path`` (a solution notebook) once and divide by its execution time."""
    grade, why = _grader()
    if grade is None:
        return [Figure.failed(KEY, NAME, NOT_AVAILABLE, why, "x", TARGET)]
    path = Path(path)
    reused = execute_seconds is not None
    if not reused:
        execute_seconds = time_execution(path, timeout)
    kwargs = {"timeout": timeout}
    if solutions_dir is not None and "solutions_dir" in inspect.signature(grade).parameters:
        kwargs["solutions_dir"] = Path(solutions_dir)
    start = time.perf_counter()
    result = grade(path, **kwargs)
    grade_seconds = time.perf_counter() - start
    score = f"score {getattr(result, 'score', '?')}/{getattr(result, 'max_score', '?')}"
    problem = getattr(result, "error", None)
    detail = (f"lesson {path.stem}: grade {grade_seconds:.1f} s / execute {execute_seconds:.1f} s "
              f"({'from figure 3' if reused else 'measured here'}); {score}"
              + (f"; grader said: {problem}" if problem else ""))
    return [Figure(KEY, NAME, round(grade_seconds / execute_seconds, 2), "x", TARGET, "<=", detail=detail)]
