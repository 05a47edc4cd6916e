"""cnncourse.course.files: the one atomic writer (grading JSON and gradebooks, flashcard history and decks)."""
import pytest

from cnncourse.course.files import atomic_write_text, temp_files_of
from cnncourse.flashcards import files as flashcard_files
from cnncourse.grading import report


def test_replaces_the_file_keeps_bytes_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "new" / "gradebook.csv"          # the folder is created
    atomic_write_text(target, "old\n")
    atomic_write_text(target, "a,b\r\n1,2\r\n")           # csv's \r\n kept as written
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
    assert temp_files_of(target) == [] and sorted(p.name for p in target.parent.iterdir()) == ["gradebook.csv"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path, monkeypatch):
    target = tmp_path / "history.json"
    atomic_write_text(target, "old")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("cnncourse.course.files.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and temp_files_of(target) == []


def test_grading_and_flashcards_use_this_writer():
    assert flashcard_files.atomic_write_text is atomic_write_text
    assert report.atomic_write_text is atomic_write_text and not hasattr(report, "write_atomically")


def test_a_study_record_round_trips_and_a_missing_one_names_its_script(tmp_path):
    import pytest

    from cnncourse.course.files import read_record, temp_files_of, write_record

    record = {"seeds": [17, 18], "accuracy": {"200": [0.775, 0.7545]}}
    write_record(tmp_path / "study.json", record)
    assert read_record(tmp_path / "study.json", "study.py") == record
    assert temp_files_of(tmp_path / "study.json") == []
    with pytest.raises(FileNotFoundError, match=r"scripts/other_study\.py"):
        read_record(tmp_path / "absent.json", "other_study.py")
