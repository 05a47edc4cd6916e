"""Feedback pages: the learner's notebook with each exercise's score right after its check cell, escaped;
the instructor summary puts the exercises most students fail first."""
import csv
import re

import pytest

import grading_demo as demo
from cnncourse.course import notebooks as nbs
from cnncourse.grading.feedback import exercise_summary, feedback_notebook, write_feedback, write_summary


def row(notebook, double=True, add_base=True, message="add_base(1) should be 11", flags=(), error=None):
    exercises = [{"id": "98.double", "points": 1, "passed": double, "message": "passed" if double else "double(3) should be 6"},
                 {"id": "98.add_base", "points": 1, "passed": add_base, "message": "passed" if add_base else message}]
    return {"notebook": str(notebook), "lesson": "98_demo", "score": int(double) + int(add_base), "max_score": 2,
            "error": error, "exercises": exercises, "flags": list(flags)}


def test_scores_are_inserted_after_each_check_cell(tmp_path):
    sub = demo.submission(tmp_path / "alice.ipynb", add_base="return v - base")
    nb = feedback_notebook(row(sub, add_base=False), nbs.read(sub))
    roles = [nbs.cell_info(c).get("role") or ("feedback" if "cnncourse-feedback" in c.source else "") for c in nb.cells]
    # header box, then ... solution, check, feedback for each exercise
    assert roles[0] == "feedback"
    checks = [i for i, r in enumerate(roles) if r == "check"]
    assert len(checks) == 2 and all(roles[i + 1] == "feedback" for i in checks)
    assert "98.add_base: 0/1" in nb.cells[checks[1] + 1].source and "98.double: 1/1" in nb.cells[checks[0] + 1].source


def test_html_page_escapes_messages_and_learner_html_and_shows_flags(tmp_path):
    sub = demo.submission(tmp_path / "bob.ipynb", add_base="return v - base")
    nb = nbs.read(sub)
    nb.cells.insert(1, nbs.nbformat.v4.new_markdown_cell("<script>alert('learner')</script> hello"))
    sub.write_text(nbs.dumps(nb))
    before = sub.read_bytes()
    [page] = write_feedback([row(sub, add_base=False, message="expected <b>11</b> & got -9", flags=["opened a socket"])], tmp_path / "fb")
    text = page.read_text()
    assert page.name == "bob.html"
    assert "expected &lt;b&gt;11&lt;/b&gt; &amp; got -9" in text and "<b>11</b>" not in text
    assert "<script>alert('learner')</script>" not in text and "&lt;script&gt;alert('learner')&lt;/script&gt;" in text
    assert '<h1 id="98-Demo">' in text  # their own formatting survives the sanitizing
    assert "Flag: opened a socket" in text and "score <b>1/2</b>" in text
    assert '<span class="nf">add_base</span>' in text and '<span class="o">-</span> <span class="n">base</span>' in text  # their code
    assert sub.read_bytes() == before


def test_unreadable_submission_still_gets_a_page_and_names_do_not_collide(tmp_path):
    bad = tmp_path / "a" / "carol.ipynb"
    bad.parent.mkdir()
    bad.write_text("{not json")
    other = demo.submission(tmp_path / "b" / "carol.ipynb")
    unreadable = {"notebook": str(bad), "lesson": None, "score": 0, "max_score": 0, "error": "not valid JSON", "exercises": []}
    pages = write_feedback([unreadable, row(other)], tmp_path / "fb")
    assert [p.name for p in pages] == ["carol.html", "carol-2.html"]
    assert "not valid JSON" in pages[0].read_text()


def test_summary_lists_the_most_failed_exercise_first(tmp_path):
    rows = [row(tmp_path / f"s{i}.ipynb", double=True, add_base=i == 0) for i in range(4)]
    summary = exercise_summary(rows)
    assert [(s["exercise"], s["passed"], s["submissions"]) for s in summary] == [("98.add_base", 1, 4), ("98.double", 4, 4)]
    assert summary[0]["most_common_failure"] == "add_base(1) should be 11 (3x)"
    files = write_summary(rows, tmp_path / "fb")
    with open(files["csv"], newline="") as f:
        table = list(csv.DictReader(f))
    assert table[0]["exercise"] == "98.add_base" and table[0]["pass_rate"] == "0.25"
    assert files["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = files["html"].read_text()
    assert "Most students fail: <b>98.add_base</b> (1/4 passed)" in page and "scores.png" in page


def test_cli_feedback_writes_pages_and_summary(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cnncourse.course.cli import app

    monkeypatch.setattr("cnncourse.course.paths.SOLUTIONS_DIR", demo.write_solutions(tmp_path))
    subs = [demo.submission(tmp_path / "ann.ipynb", add_base="return v + base"), demo.submission(tmp_path / "ben.ipynb")]
    result = CliRunner().invoke(app, ["grade", *map(str, subs), "--workers", "1", "--timeout", "60", "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "fb").iterdir())
    assert names == ["ann.html", "ben.html", "scores.png", "summary.csv", "summary.html"]
    assert "score <b>2/2</b>" in (tmp_path / "fb" / "ann.html").read_text()
    assert "score <b>1/2</b>" in (tmp_path / "fb" / "ben.html").read_text()
    summary = " ".join(result.output.split()).split("Exercises, the most failed first")[1]
    assert summary.index("98.add_base") < summary.index("98.double") and "50%" in summary and "100%" in summary
    assert "Most students fail" not in summary  # half passed: not "most"
