"""``cnncourse flashcards``: list, import, review with scripted keys, export to Anki."""
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cnncourse.flashcards.catalog import load_decks
from cnncourse.flashcards.history import HistoryStore
from cnncourse.flashcards.review_cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "flashcards"
runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def small_deck(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("my_deck\nQ1?\nA1.\nQ2?\nA2.\nQ3?\nA3.\n", encoding="utf-8")
    return path


def list_row(output: str, deck: str) -> list[str]:
    line = next(line for line in output.splitlines() if f" {deck} " in line)
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_list_shows_course_decks_counts_and_due(course_home):
    result = run("list")
    assert result.exit_code == 0, result.output
    assert list_row(result.output, "lesson_6_flashcards") == ["lesson_6_flashcards", "15", "15", "0", "0", "course"]
    assert list_row(result.output, "cnn_interview_questions")[1:5] == ["20", "20", "0", "0"]
    assert "20 new, 200 reviews" in result.output
    total = sum(len(deck) for deck in load_decks().values())
    assert list_row(result.output, "all decks together")[1:5] == [str(total), "20", "0", "0"]


def test_import_stores_under_course_home_and_list_sees_it(course_home, small_deck):
    result = run("import", str(small_deck))
    assert result.exit_code == 0, result.output
    stored = course_home / "decks" / "my_deck.txt"
    assert stored.read_text(encoding="utf-8") == small_deck.read_text(encoding="utf-8")
    assert list_row(run("list").output, "my_deck") == ["my_deck", "3", "3", "0", "0", "imported"]
    again = run("import", str(small_deck))
    assert again.exit_code == 0 and "already there" in again.output


def test_import_of_the_interview_list_gives_20_cards(course_home):
    result = run("import", str(FIXTURES / "seed_000_interview_questions.txt"), "--name", "interview")
    assert result.exit_code == 0, result.output
    assert "20 cards" in result.output
    assert list_row(run("list").output, "interview")[1] == "20"


def test_bad_file_is_reported_with_line_and_nothing_stored_is_touched(course_home, small_deck, tmp_path):
    assert run("import", str(small_deck)).exit_code == 0
    stored = course_home / "decks" / "my_deck.txt"
    before = stored.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"my_deck\r\nQ1?\r\nA1.\r\nQ2?\r\n   \r\nA2.\r\n")
    result = run("import", str(bad), "--replace")
    assert result.exit_code == 1
    assert "bad.txt:4:" in result.output and "no answer" in result.output and "Nothing was imported" in result.output
    assert stored.read_bytes() == before
    assert sorted(p.name for p in stored.parent.iterdir()) == ["my_deck.txt"]


def test_different_deck_with_same_name_needs_replace(course_home, small_deck, tmp_path):
    assert run("import", str(small_deck)).exit_code == 0
    changed = tmp_path / "changed.txt"
    changed.write_text("my_deck\nQ1?\nA new answer.\n", encoding="utf-8")
    refused = run("import", str(changed))
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert "A1." in (course_home / "decks" / "my_deck.txt").read_text(encoding="utf-8")
    replaced = run("import", str(changed), "--replace")
    assert replaced.exit_code == 0 and "replaced" in replaced.output
    assert "A new answer." in (course_home / "decks" / "my_deck.txt").read_text(encoding="utf-8")


def test_a_course_deck_name_cannot_be_taken(course_home, tmp_path):
    clash = tmp_path / "clash.txt"
    clash.write_text("lesson_6_flashcards\nQ?\nA.\n", encoding="utf-8")
    result = run("import", str(clash), "--replace")
    assert result.exit_code == 1 and "course deck" in result.output
    assert not (course_home / "decks").exists() or not any((course_home / "decks").iterdir())


def test_review_reveals_rates_and_saves(course_home, small_deck):
    run("import", str(small_deck))
    # card 1: Enter to reveal, 3 = Good; card 2: Space to reveal, 1 = Again; card 3: q at the reveal prompt
    result = run("review", "my_deck", input="\n3\n \n1\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Q1?") < out.index("A1.") < out.index("Good: next due")
    assert "1 Again (1m) · 2 Hard (6m) · 3 Good (10m) · 4 Easy" in out
    assert "Good: next due" in out and "(in 10 minutes)" in out
    assert "Again: next due" in out and "(in 1 minute)" in out
    assert "my_deck · New 3 · Learning 0 · Due 0" in out and "my_deck · New 1 · Learning 2 · Due 0" in out
    assert "Q3?" in out and "A3." not in out
    assert "Reviewed 2 card(s). 3 still due (New 1 · Learning 2 · Due 0); next card now." in out
    history = HistoryStore().load()
    assert [r["rating"] for r in history.reviews] == [3, 1]
    assert all(isinstance(r["review_duration"], int) for r in history.reviews)
    assert list_row(run("list").output, "my_deck")[2:5] == ["1", "2", "0"]


def test_review_rejects_keys_other_than_1_to_4(course_home, small_deck):
    run("import", str(small_deck))
    result = run("review", "my_deck", "--new-per-day", "1", input="\n7\n4\n")
    assert result.exit_code == 0, result.output
    assert "'7' is not one of the keys above" in result.output
    assert [r["rating"] for r in HistoryStore().load().reviews] == [4]
    assert "All done for today — well done." in result.output


def test_review_of_unknown_deck_lists_available_ones(course_home):
    result = run("review", "nope")
    assert result.exit_code == 1
    assert "no deck named 'nope'" in result.output and "lesson_6_flashcards" in result.output


def anki_notes(apkg: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(apkg) as archive:
        collection = apkg.parent / f"{apkg.stem}.anki2"
        collection.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(collection) as db:
        return sorted(db.execute("SELECT guid, flds FROM notes").fetchall())


def test_export_writes_an_apkg_with_stable_note_guids(course_home, tmp_path):
    first, second = tmp_path / "one.apkg", tmp_path / "two.apkg"
    assert run("export", "--anki", str(first), "lesson_6_flashcards").exit_code == 0
    result = run("export", "--anki", str(second), "lesson_6_flashcards")
    assert result.exit_code == 0 and "15 notes" in result.output
    notes_one, notes_two = anki_notes(first), anki_notes(second)
    assert len(notes_one) == 15
    assert [guid for guid, _ in notes_one] == [guid for guid, _ in notes_two]
    assert any("What is a receptive field in CNNs?" in fields for _, fields in notes_one)


def test_export_of_all_decks_and_bad_suffix(course_home, tmp_path):
    result = run("export", "--anki", str(tmp_path / "all.apkg"))
    decks = load_decks()
    total = sum(len(deck) for deck in decks.values())
    assert result.exit_code == 0 and f"{total} notes from {len(decks)} deck(s)" in result.output
    assert len(anki_notes(tmp_path / "all.apkg")) == total >= 35
    bad = run("export", "--anki", str(tmp_path / "all.zip"))
    assert bad.exit_code == 1 and ".apkg" in bad.output


def test_review_ends_cleanly_when_input_runs_out(course_home, small_deck):
    run("import", str(small_deck))
    result = run("review", "my_deck", input="\n2\n")
    assert result.exit_code == 0, result.output
    assert "Reviewed 1 card(s). 3 still due (New 2 · Learning 1 · Due 0); next card now." in result.output
    assert [r["rating"] for r in HistoryStore().load().reviews] == [2]


def test_import_normalises_bom_and_crlf(course_home, tmp_path):
    source = tmp_path / "windows.txt"
    source.write_bytes(b"\xef\xbb\xbfwin_deck\r\nQ1?\r\nA1.\r\n")
    assert run("import", str(source)).exit_code == 0
    assert (course_home / "decks" / "win_deck.txt").read_bytes() == b"win_deck\nQ1?\nA1.\n"


def test_import_of_a_non_utf8_file_names_the_line(course_home, tmp_path):
    source = tmp_path / "latin1.txt"
    source.write_bytes("deck\nQ1?\nA café.\n".encode("latin-1"))
    result = run("import", str(source))
    assert result.exit_code == 1 and "latin1.txt:3:" in result.output and "UTF-8" in result.output
    assert not (course_home / "decks").exists()
