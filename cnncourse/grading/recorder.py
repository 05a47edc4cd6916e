"""Runs inside the graded kernel: records each course check's outcome for the grader.

Results are appended as JSON lines to the file named by ``$CNNCOURSE_GRADE_RESULTS``;
the grader trusts a pass only when nbval also saw that check cell pass.
"""
from __future__ import annotations

import contextlib
import json
import os

RESULTS_ENV = "CNNCOURSE_GRADE_RESULTS"


def _write(exercise_id: str, passed: bool, message: str) -> None:
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"id": exercise_id, "passed": passed, "message": message}) + "\n")


@contextlib.contextmanager
def record(exercise_id: str):
    """Record pass/fail of the checker called in the ``with`` block, then let errors propagate to nbval."""
    try:
        yield
    except KeyboardInterrupt:
        _write(exercise_id, False, "timed out: the check was interrupted (an endless loop?)")
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure is the learner's result
        text = str(exc) or type(exc).__name__
        _write(exercise_id, False, text if type(exc).__name__ == "CheckFailed" else f"{type(exc).__name__}: {text}")
        raise
    _write(exercise_id, True, "passed")


def finish() -> None:
    """Mark that the kernel reached the end of the notebook (so it did not die on the way)."""
    path = os.environ.get(RESULTS_ENV)
    if path:
        open(path + ".done", "w").close()
