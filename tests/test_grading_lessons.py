"""Grading a real lesson: its solution earns full marks, the untouched learner notebook zero."""
import hashlib

import pytest

from cnncourse.course import notebooks as nbs
from cnncourse.checks import REGISTRY
from cnncourse.grading import grade_many
from cnncourse.course.paths import LESSONS_DIR, SOLUTIONS_DIR

LESSON = "03_pooling"  # a fast lesson; the mechanics are the same for all


@pytest.mark.skipif(not (SOLUTIONS_DIR / f"{LESSON}.ipynb").exists(), reason=f"{LESSON} not written yet")
def test_real_lesson_solution_full_marks_learner_copy_zero():
    solution, lesson = SOLUTIONS_DIR / f"{LESSON}.ipynb", LESSONS_DIR / f"{LESSON}.ipynb"
    before = hashlib.sha256(lesson.read_bytes()).hexdigest()
    full, blank = grade_many([solution, lesson], workers=2, timeout=300)
    ids = nbs.exercises(nbs.read(solution))
    expected_max = sum(REGISTRY[i].points for i in ids)
    assert (full.lesson, full.score, full.max_score, full.error) == (LESSON, expected_max, expected_max, None)
    assert [e.id for e in full.exercises] == ids and all(e.passed for e in full.exercises)
    assert (blank.score, blank.max_score) == (0, expected_max)
    assert all("not done yet" in e.message for e in blank.exercises), [e.message for e in blank.exercises]
    assert hashlib.sha256(lesson.read_bytes()).hexdigest() == before
