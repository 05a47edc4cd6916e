"""Bad files and failing disks: a plain message naming the file (and line), never a traceback or a lost rating."""
import json
import re
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cnncourse.flashcards import files, review_cli
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.catalog import ImportRefused, find_deck, import_deck, load_decks
from cnncourse.flashcards.clock import ManualClock
from cnncourse.flashcards.deck import Card, Deck, parse_deck
from cnncourse.flashcards.files import DeckFormatError
from cnncourse.flashcards.history import FORMAT, HistoryError, HistoryStore
from cnncourse.flashcards.session import ReviewSession
from cnncourse.flashcards.settings import Settings, SettingsError, load_settings

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
runner = CliRunner()
DECK = Deck("d", (Card("d", "Q1?", "A1."), Card("d", "Q2?", "A2.")))


def run(*args, input=None):
    return runner.invoke(review_cli.app, list(args), input=input)


@pytest.fixture
def deck_file(tmp_path, course_home):
    path = tmp_path / "mine.txt"
    path.write_text("my_deck\nQ1?\nA1.\nQ2?\nA2.\n", encoding="utf-8")
    return path


# ---- deck files ----

@pytest.mark.parametrize("content, line, words", [
    (b"deck\nQ1?\nA\x001.\n", 3, "control character U+0000 (NUL)"),
    (b"deck\nQ1?\x1b[31m\nA1.\n", 2, "U+001B (ESC)"),
    (b"deck\nQ1?\nA1.\nQ2?\n", 4, "the question on line 4 has no answer (the file ends there)"),
    (b"deck\r\nQ1?\r\nA1.\r\nQ2?\r\n", 4, "the file ends there"),
])
def test_bad_content_is_refused_with_file_and_a_real_line(tmp_path, content, line, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DeckFormatError) as caught:
        parse_deck(path)
    assert caught.value.line == line <= len(content.splitlines())
    assert f"bad.txt:{line}:" in str(caught.value) and words in str(caught.value)


def test_a_deck_name_with_control_characters_is_refused(tmp_path):
    path = tmp_path / "ok.txt"
    path.write_text("deck\nQ1?\nA1.\n", encoding="utf-8")
    for name in ("a\x00b", "   ", "x" * 201):
        with pytest.raises(DeckFormatError, match="given with --name must be"):
            import_deck(path, name=name)
    assert import_deck(path, name="renamed").deck.name == "renamed"


def test_tabs_are_allowed(tmp_path):
    path = tmp_path / "tabs.txt"
    path.write_text("deck\nQ1?\n\tA1.\n", encoding="utf-8")
    assert parse_deck(path).cards[0].answer == "A1."


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"deck\n" + b"Q?\nA.\n" * 1000)
    monkeypatch.setattr(files, "MAX_DECK_BYTES", 1000)
    with pytest.raises(DeckFormatError, match="big.txt: is larger than"):
        files.read_lines(path, max_bytes=1000)


@needs_fifo
@pytest.mark.parametrize("kind", ["fifo", "directory", "dev_zero"])
def test_non_regular_files_are_refused_without_blocking(tmp_path, kind):
    path = tmp_path / "odd.txt"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would block forever
        expected = "a FIFO (named pipe)"
    elif kind == "directory":
        path.mkdir()
        expected = "a directory"
    else:
        path.symlink_to("/dev/zero")  # reading it would never end
        expected = "a character device"
    with pytest.raises(DeckFormatError, match=re.escape(f"odd.txt: is {expected}, not a regular file")):
        parse_deck(path)
    result = run("import", str(path))
    assert result.exit_code != 0 and "Traceback" not in result.output


@needs_fifo
def test_import_of_a_fifo_or_dev_zero_gives_a_message(tmp_path, course_home):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run("import", str(fifo))
    assert result.exit_code == 1 and "pipe.txt: is a FIFO" in result.output
    zero = run("import", "/dev/zero")
    assert zero.exit_code == 1 and "/dev/zero: is a character device, not a regular file" in zero.output


@needs_fifo
def test_a_broken_user_deck_is_reported_and_skipped(course_home, deck_file):
    import_deck(deck_file)
    decks_dir = course_home / "decks"
    (decks_dir / "broken.txt").write_bytes(b"broken\nQ?\n")
    os.mkfifo(decks_dir / "pipe.txt")
    problems = []
    decks = load_decks(problems)
    assert "my_deck" in decks and "lesson_6_flashcards" in decks
    assert sorted(p.path.name for p in problems) == ["broken.txt", "pipe.txt"]
    assert find_deck("my_deck").name == "my_deck"
    listing = run("list")
    assert listing.exit_code == 0 and "broken.txt:2:" in listing.output and "pipe.txt: is a FIFO" in listing.output
    assert "my_deck" in listing.output and "That deck is skipped" in listing.output
    review = run("review", "my_deck", input="\n3\nq\n")
    assert review.exit_code == 0 and "Good: next due" in review.output


def test_replace_never_overwrites_a_different_deck_with_the_same_file_name(course_home, tmp_path, deck_file):
    import_deck(deck_file)  # "my_deck" -> decks/my_deck.txt
    other = tmp_path / "other.txt"
    other.write_text("my deck\nQ9?\nA9.\n", encoding="utf-8")  # "my deck" -> decks/my_deck.txt as well
    stored = course_home / "decks" / "my_deck.txt"
    before = stored.read_bytes()
    with pytest.raises(ImportRefused, match="already holds the different deck 'my_deck'"):
        import_deck(other, replace=True)
    result = run("import", str(other), "--replace")
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    assert stored.read_bytes() == before


# ---- the history file ----

def test_a_directory_in_place_of_the_history_is_set_aside(course_home):
    store = HistoryStore()
    store.path.mkdir(parents=True)
    (store.path / "x").write_text("kept", encoding="utf-8")
    session = ReviewSession([DECK], store=store, clock=ManualClock(NOW), settings=Settings())
    [aside] = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert (aside / "x").read_text(encoding="utf-8") == "kept"
    assert "it is a directory, not a file" in store.notices[0] and str(aside) in store.notices[0]
    session.rate(sched.Rating.Good)
    assert store.path.is_file() and len(HistoryStore().load().reviews) == 1


@needs_fifo
def test_a_fifo_or_dev_zero_as_history_is_set_aside_without_blocking(course_home):
    store = HistoryStore()
    store.path.parent.mkdir(parents=True)
    os.mkfifo(store.path)
    assert store.load().cards == {} and "a FIFO" in store.notices[0]
    store.path.symlink_to("/dev/zero")
    assert HistoryStore().load().reviews == []
    assert len([p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]) == 2


def test_a_due_date_without_time_zone_is_read_as_utc_and_said(course_home):
    store = HistoryStore()
    card = DECK.cards[0]
    state = {"card_id": 1, "state": 2, "step": None, "stability": 5.0, "difficulty": 5.0,
             "due": "2026-01-05T08:00:00", "last_review": "2026-01-01T08:00:00"}
    review = {"card": card.id, "deck": "d", "card_id": 1, "rating": 3,
              "review_datetime": "2026-01-01T08:00:00", "review_duration": None}
    store.path.parent.mkdir(parents=True)
    store.path.write_text(json.dumps({"format": FORMAT, "version": 1, "reviews": [review],
                                      "cards": {card.id: {"deck": "d", "question": "Q1?", "fsrs": state}}}))
    session = ReviewSession([DECK], store=store, clock=ManualClock(NOW), settings=Settings())
    assert store.notices == ["3 date(s) in the review history had no time zone; they were read as UTC."]
    assert session.current == card and str(session.counts()) == "New 1 · Learning 0 · Due 1"
    store.notices.clear()
    assert session.rate(sched.Rating.Good).due > NOW  # no TypeError comparing naive and aware dates
    assert store.notices == []  # said once, not again at the save
    assert "+00:00" in json.loads(store.path.read_text())["cards"][card.id]["fsrs"]["last_review"]


def test_stale_temp_files_are_removed_when_the_history_is_opened(course_home):
    store = HistoryStore()
    sched.review(DECK.cards[0], sched.Rating.Good, store, sched.make_scheduler(), now=NOW)
    stale = store.path.parent / ".history.json.abc123.tmp"
    stale.write_bytes(b"x" * 100_000)
    other = store.path.parent / ".settings.toml.abc.tmp"  # not ours: left alone
    other.write_bytes(b"y")
    HistoryStore().load()
    assert not stale.exists() and other.exists()


@pytest.fixture
def read_only_home(course_home):
    (course_home / "flashcards").mkdir(parents=True)
    course_home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    (course_home / "flashcards").chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield course_home
    (course_home / "flashcards").chmod(stat.S_IRWXU)
    course_home.chmod(stat.S_IRWXU)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_home_is_reported_before_the_first_card(read_only_home):
    with pytest.raises(HistoryError, match="ratings cannot be saved"):
        ReviewSession([DECK], clock=ManualClock(NOW), settings=Settings())
    result = run("review", "lesson_6_flashcards", input="\n3\n")
    assert result.exit_code == 1 and "ratings cannot be saved" in result.output
    assert "No card was shown" in result.output and "receptive" not in result.output


def test_an_unwritable_history_folder_is_reported_before_the_first_card(course_home, monkeypatch):
    """The same check, simulated (the tests may run as root, whom permissions do not stop)."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cnncourse.flashcards.history.tempfile.mkstemp", refuse)
    result = run("review", "lesson_6_flashcards", input="\n3\n")
    assert result.exit_code == 1 and "ratings cannot be saved" in result.output
    assert "Permission denied" in result.output and "Traceback" not in result.output
    assert "What is" not in result.output  # no card shown


def test_a_failing_save_keeps_the_card_and_says_so(course_home, monkeypatch, tmp_path):
    deck = tmp_path / "d.txt"
    deck.write_text("d\nQ1?\nA1.\n", encoding="utf-8")
    import_deck(deck)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cnncourse.flashcards.history.atomic_write_text", disk_full)
    result = run("review", "d", input="\n3\n")
    assert result.exit_code == 1 and "could NOT be saved" in result.output and "No space left" in result.output
    assert "Traceback" not in result.output


def test_an_unreadable_history_is_a_plain_message(course_home, monkeypatch):
    store = HistoryStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{}", encoding="utf-8")

    def no_access(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cnncourse.flashcards.history.read_regular_file", no_access)
    result = run("list")
    assert result.exit_code == 1 and "cannot read your review history" in result.output
    assert store.path.read_text(encoding="utf-8") == "{}"  # not set aside: it may be fine, just not readable


# ---- the settings file ----

@pytest.mark.parametrize("text, words", [
    ("new_per_day = 20\nnew_cards = 5\n", ":2: unknown setting 'new_cards'"),
    ("new_per_day = -1\n", ":1: new_per_day must be a whole number from 0 to 9999"),
    ("day_starts_at = 24\n", "day_starts_at must be a whole number from 0 to 23"),
    ("new_per_day = 'ten'\n", "new_per_day must be a whole number"),
    ("new_per_day = \n", "not valid TOML"),
])
def test_bad_settings_are_refused_with_file_and_line(course_home, text, words):
    path = course_home / "flashcards" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(path) in str(caught.value) and words in str(caught.value)
    result = run("review")
    assert result.exit_code == 1 and words in result.output


def test_settings_file_values_and_defaults(course_home):
    assert load_settings() == Settings(new_per_day=20, reviews_per_day=200, learn_ahead_minutes=20, day_starts_at=4)
    path = course_home / "flashcards" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text("reviews_per_day = 50\nday_starts_at = 0\n", encoding="utf-8")
    assert load_settings() == Settings(reviews_per_day=50, day_starts_at=0)
    with pytest.raises(SettingsError, match="option --new-per-day"):
        load_settings().with_overrides(new_per_day=-3)


def test_a_course_home_that_cannot_be_created_is_a_plain_message(monkeypatch, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CNNCOURSE_HOME", str(blocker / "home"))
    for command in (["list"], ["review"], ["stats"], ["import", str(blocker)]):
        result = run(*command)
        assert result.exit_code == 1 and "the course home" in result.output and "cannot be created" in result.output
        assert not isinstance(result.exception, OSError)
    from cnncourse.flashcards.widget import ReviewWidget
    widget = ReviewWidget("lesson_6_flashcards")  # the course's decks still load; saving is refused plainly
    assert "reviews cannot start" in widget.question.value and "Not a directory" in widget.status.value
