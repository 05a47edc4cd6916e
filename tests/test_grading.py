"""Grading: full marks for the solution, zero for the untouched lesson, and safety on bad submissions.

The lesson here is a small fixture (plain-assert checks, no TensorFlow) so the
mechanics are tested quickly; tests/test_grading_lessons.py grades a real lesson.
"""
import hashlib
import os
import json

import nbformat
import pytest
from typer.testing import CliRunner

from cnncourse.course import notebooks as nbs
from cnncourse.course import paths
from cnncourse.course.cli import app
from cnncourse.grading import grade_many, grade_notebook

from grading_demo import solution as fixture_solution  # the shared two-exercise demo lesson


@pytest.fixture
def lesson_dir(tmp_path, monkeypatch):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(fixture_solution(), str(solutions / "98_demo.ipynb"))
    monkeypatch.setattr(paths, "SOLUTIONS_DIR", solutions)
    return tmp_path


def submission(lesson_dir, name, edit=None):
    nb = nbs.make_lesson(fixture_solution(), "98_demo.ipynb")
    if edit:
        edit(nb)
    path = lesson_dir / name
    path.write_text(nbs.dumps(nb))
    return path


def answer(nb, index, body):
    nb.cells[index].source = nb.cells[index].source.replace("# YOUR CODE HERE\n    raise NotImplementedError()", body)


def by_id(result):
    return {e.id: e for e in result.exercises}


def test_solution_full_marks_and_untouched_lesson_zero(lesson_dir):
    done = submission(lesson_dir, "98_done.ipynb", lambda nb: (answer(nb, 2, "return 2 * v"), answer(nb, 4, "return v + base")))
    blank = submission(lesson_dir, "98_blank.ipynb")
    full, zero = grade_many([done, blank], workers=2, timeout=60)
    assert (full.score, full.max_score, full.error) == (2, 2, None)
    assert all(e.passed and e.message == "passed" for e in full.exercises)
    assert (zero.score, zero.max_score, zero.lesson) == (0, 2, "98_demo")
    assert all(not e.passed and "NotImplementedError" in e.message for e in zero.exercises)


def test_wrong_answer_loses_exactly_its_exercise_even_if_its_check_cell_is_edited(lesson_dir):
    def edit(nb):
        answer(nb, 2, "return 3 * v")
        answer(nb, 4, "return v + base")
        nb.cells[3].source = "print('98.double passed')  # learner 'fixed' the check"
    result = grade_notebook(submission(lesson_dir, "98_wrong.ipynb", edit), timeout=60)
    ex = by_id(result)
    assert result.score == 1
    assert not ex["98.double"].passed and "double(3) should be 6" in ex["98.double"].message
    assert ex["98.add_base"].passed


def test_infinite_loop_is_cut_and_the_rest_still_graded(lesson_dir):
    def edit(nb):
        answer(nb, 2, "while True:\n        pass")
        answer(nb, 4, "return v + base")
    result = grade_notebook(submission(lesson_dir, "98_loop.ipynb", edit), timeout=15)
    ex = by_id(result)
    assert not ex["98.double"].passed and "timed out" in ex["98.double"].message
    assert ex["98.add_base"].passed and result.score == 1
    assert "exceeded the 15 s limit" in result.error


def test_deleted_exercise_scores_zero_with_a_message(lesson_dir):
    def edit(nb):
        del nb.cells[4]
        answer(nb, 2, "return 2 * v")
    ex = by_id(grade_notebook(submission(lesson_dir, "98_partial.ipynb", edit), timeout=60))
    assert ex["98.double"].passed
    assert not ex["98.add_base"].passed and ex["98.add_base"].message.startswith("missing")


def test_dead_kernel_is_reported(lesson_dir):
    result = grade_notebook(submission(lesson_dir, "98_crash.ipynb", lambda nb: answer(nb, 2, "import os; os._exit(1)")), timeout=30)
    assert result.score == 0 and "kernel exited while running the course check of 98.double" in result.error
    assert all(not e.passed for e in result.exercises)


@pytest.mark.parametrize("content,reason", [
    (b"{not json", "not valid JSON (line 1"),
    (b'{"hello": 1}', "not a Jupyter notebook"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_unreadable_files_get_a_clear_message(lesson_dir, content, reason):
    bad = lesson_dir / "98_bad.ipynb"
    bad.write_bytes(content)
    result = grade_notebook(bad)
    assert not result.readable and reason in result.error and result.exercises == []


def test_notebook_from_another_lesson_is_named(lesson_dir):
    path = submission(lesson_dir, "98_demo.ipynb")
    result = grade_notebook(path, lesson="02_convolution")
    assert "this is lesson 98_demo, not 02_convolution" in result.error
    nbformat.write(fixture_solution(), str(lesson_dir / "solutions" / "97_other.ipynb"))
    renamed = lesson_dir / "97_other.ipynb"
    renamed.write_bytes(path.read_bytes())
    result = grade_notebook(renamed)
    assert not result.readable
    assert "file name says lesson 97_other but the notebook is lesson 98_demo" in result.error


def test_cli_json_gradebook_exit_code_and_untouched_submission(lesson_dir):
    good = submission(lesson_dir, "98_good.ipynb", lambda nb: answer(nb, 2, "return 2 * v"))
    bad = lesson_dir / "98_corrupt.ipynb"
    bad.write_text("{")
    before = hashlib.sha256(good.read_bytes()).hexdigest()
    book = lesson_dir / "book.csv"
    result = CliRunner().invoke(app, ["grade", str(good), str(bad), "--json", "--workers", "1", "--timeout", "60",
                                      "--gradebook", str(book)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [set(r) for r in report] == [{"notebook", "lesson", "score", "max_score", "error", "exercises", "flags"}] * 2
    assert report[0]["score"] == 1 and report[0]["exercises"][0] == {"id": "98.double", "points": 1, "passed": True, "message": "passed"}
    assert report[1]["error"].startswith(str(bad))
    rows = book.read_text().splitlines()
    assert rows[0] == "student,notebook,lesson,score,max_score,error,flags,98.add_base,98.double" and len(rows) == 3
    assert hashlib.sha256(good.read_bytes()).hexdigest() == before


def test_sandbox_none_grades_with_a_warning_and_kernels_import_this_tree(lesson_dir, monkeypatch):
    """--sandbox none runs (with a loud warning); without $PYTHONPATH the kernel still imports the grader's own
    package folder, not the venv's editable install of another checkout (so bwrap must bind that folder too)."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    good = submission(lesson_dir, "98_good.ipynb", lambda nb: (answer(nb, 2, "return 2 * v"), answer(nb, 4, "return v + base")))
    result = CliRunner().invoke(app, ["grade", str(good), "--json", "--workers", "1", "--timeout", "60", "--sandbox", "none"])
    assert result.exit_code == 0, result.output
    assert "WARNING: --sandbox none" in result.stderr and "nothing is isolated" in result.stderr
    report = json.loads(result.stdout)
    assert (report[0]["score"], report[0]["max_score"], report[0]["error"]) == (2, 2, None)
    from cnncourse.grading.grade import _environment
    for kind in ("none", "bwrap"):
        env = _environment(kind, lesson_dir, lesson_dir, 1)
        assert env["PYTHONPATH"].split(os.pathsep)[0] == str(paths.PACKAGE_DIR.parent)
    bound = grade_notebook(good, timeout=60, sandbox="bwrap")
    assert (bound.score, bound.error) == (2, None)
