"""Gradebook merges: re-grading replaces a student's row, never duplicates it; bad gradebooks are refused untouched."""
import csv
import hashlib

import pytest

from cnncourse.grading.gradebook import FIXED_COLUMNS, GradebookError, merge_gradebook, read_gradebook, student_of


def result(notebook, lesson="98_demo", passed=(True, True), error=None, flags=()):
    ids = ["98.double", "98.add_base"] if lesson == "98_demo" else ["97.one"]
    exercises = [{"id": i, "points": 1, "passed": p, "message": "passed" if p else "wrong"} for i, p in zip(ids, passed)]
    return {"notebook": notebook, "lesson": lesson, "score": sum(passed[:len(ids)]), "max_score": len(ids),
            "error": error, "exercises": exercises, "flags": list(flags)}


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_regrading_updates_the_students_row_in_place(tmp_path):
    book = tmp_path / "grades.csv"
    merge_gradebook([result("in/alice.ipynb", passed=(False, False)), result("in/bob.ipynb")], book)
    merge_gradebook([result("in2/alice.ipynb", passed=(True, False), flags=["imports socket"]),
                     result("in2/carol.ipynb", "97_other", passed=(True,))], book)
    rows = read(book)
    assert [(r["student"], r["lesson"]) for r in rows] == [("alice", "98_demo"), ("bob", "98_demo"), ("carol", "97_other")]
    alice = rows[0]
    assert (alice["notebook"], alice["score"], alice["98.double"], alice["98.add_base"], alice["flags"]) == \
           ("in2/alice.ipynb", "1", "1", "0", "imports socket")
    assert rows[1]["score"] == "2" and rows[2]["97.one"] == "1" and rows[2]["98.double"] == ""
    header = book.read_text().splitlines()[0].split(",")
    assert header[:len(FIXED_COLUMNS)] == FIXED_COLUMNS and sorted(header[len(FIXED_COLUMNS):]) == ["97.one", "98.add_base", "98.double"]


def test_same_student_different_lessons_are_two_rows(tmp_path):
    book = tmp_path / "grades.csv"
    pattern = r"(?P<student>[^/]+)/\d\d_[^/]+$"
    merge_gradebook([result("subs/alice/98_demo.ipynb"), result("subs/alice/97_other.ipynb", "97_other", (True,))], book, pattern)
    merge_gradebook([result("subs/alice/98_demo.ipynb", passed=(True, False))], book, pattern)
    rows = read(book)
    assert [(r["student"], r["lesson"], r["score"]) for r in rows] == [("alice", "98_demo", "1"), ("alice", "97_other", "1")]


def test_student_pattern_must_have_a_named_group_and_match():
    assert student_of("x/alice_02.ipynb") == "alice_02"
    assert student_of("x/alice_02.ipynb", r"(?P<student>[a-z]+)_\d\d") == "alice"
    with pytest.raises(ValueError, match="named group"):
        student_of("x/alice.ipynb", r"([a-z]+)")
    with pytest.raises(ValueError, match="does not match this path"):
        student_of("x/alice.ipynb", r"(?P<student>\d+)")
    with pytest.raises(ValueError, match="not a valid regular expression"):
        student_of("x/alice.ipynb", r"(?P<student>")


@pytest.mark.parametrize("content,reason", [
    ("notebook,lesson,score,max_score,error\nx.ipynb,98_demo,1,2,\n", "not a cnncourse gradebook"),
    (",".join(FIXED_COLUMNS) + "\nalice,a.ipynb,98_demo,1,2,\n", "row 2 has 6 fields"),
    (",".join(FIXED_COLUMNS) + "\nalice,a.ipynb,98_demo,one,2,,\n", "score 'one' is not a whole number"),
    (",".join(FIXED_COLUMNS) + "\nalice,a.ipynb,98_demo,1,2,,\nalice,b.ipynb,98_demo,2,2,,\n", "appears twice"),
])
def test_malformed_gradebook_is_refused_and_left_byte_identical(tmp_path, content, reason):
    book = tmp_path / "grades.csv"
    book.write_text(content)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    with pytest.raises(GradebookError, match=reason) as info:
        merge_gradebook([result("alice.ipynb")], book)
    assert "left unchanged" in str(info.value)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]  # no temporary file left behind


def test_binary_file_is_refused(tmp_path):
    book = tmp_path / "grades.csv"
    book.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(GradebookError, match="not UTF-8"):
        merge_gradebook([result("alice.ipynb")], book)
    assert book.read_bytes() == b"\xff\xfe\x00\x01"


def test_write_is_atomic_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    book = tmp_path / "grades.csv"
    merge_gradebook([result("alice.ipynb")], book)
    before = book.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr("cnncourse.course.files.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        merge_gradebook([result("bob.ipynb")], book)
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]


def test_text_with_commas_quotes_and_newlines_round_trips(tmp_path):
    book = tmp_path / "grades.csv"
    merge_gradebook([result("alice.ipynb", error='cell 3: "x", then\na crash')], book)
    header, rows = read_gradebook(book)
    assert rows[0]["error"] == 'cell 3: "x", then\na crash'
    merge_gradebook([result("bob.ipynb")], book)  # a re-read of its own output is accepted
    assert len(read(book)) == 2


def test_cli_regrading_updates_rows_and_refuses_a_foreign_gradebook_before_grading(tmp_path, monkeypatch):
    import grading_demo as demo
    from typer.testing import CliRunner

    from cnncourse.course.cli import app

    monkeypatch.setattr("cnncourse.course.paths.SOLUTIONS_DIR", demo.write_solutions(tmp_path))
    book = tmp_path / "grades.csv"
    first = demo.submission(tmp_path / "week1" / "alice-98.ipynb")
    second = demo.submission(tmp_path / "week2" / "alice-98.ipynb", add_base="return v + base")
    args = ["--workers", "1", "--timeout", "60", "--gradebook", str(book), "--student-from", r"(?P<student>[a-z]+)-98"]
    for sub in (first, second):
        assert CliRunner().invoke(app, ["grade", str(sub), *args]).exit_code == 0
    [row] = read(book)
    assert (row["student"], row["notebook"], row["score"], row["98.add_base"]) == ("alice", str(second), "2", "1")

    def must_not_grade(*args, **kwargs):
        raise AssertionError("graded although the command should have stopped first")
    monkeypatch.setattr("cnncourse.grading.grade.grade_many", must_not_grade)
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("name,grade\nalice,A\n")
    result = CliRunner().invoke(app, ["grade", str(second), "--gradebook", str(foreign)])
    assert result.exit_code == 2 and "not a cnncourse gradebook" in " ".join(result.output.split())
    assert foreign.read_text() == "name,grade\nalice,A\n"
    result = CliRunner().invoke(app, ["grade", str(second), "--student-from", "(?P<student>zzz)"])
    assert result.exit_code == 2 and "does not match this path" in " ".join(result.output.split())
