"""The session engine and scripted terminal sessions, with an injected clock (no sleeping):
Again cards come back, undo restores the history file exactly, daily limits hold per local study day."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from cnncourse.flashcards import review_cli
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.catalog import import_deck
from cnncourse.flashcards.clock import ManualClock
from cnncourse.flashcards.deck import Card, Deck
from cnncourse.flashcards.history import HistoryStore
from cnncourse.flashcards.session import ReviewSession
from cnncourse.flashcards.settings import Settings

NEW_YORK = ZoneInfo("America/New_York")
# Tuesday 10 March 2026, 21:00 in New York (EDT, UTC-4)
START = datetime(2026, 3, 10, 21, 0, tzinfo=NEW_YORK).astimezone(timezone.utc)
runner = CliRunner()


def make_deck(name: str, count: int) -> Deck:
    return Deck(name, tuple(Card(name, f"Q{i}?", f"A{i}.") for i in range(1, count + 1)))


@pytest.fixture
def clock():
    return ManualClock(START, tz=NEW_YORK)


def new_session(decks, clock, **settings):
    return ReviewSession(decks, store=HistoryStore(), clock=clock, settings=Settings(**settings))


@pytest.fixture
def cli_clock(clock, monkeypatch):
    monkeypatch.setattr(review_cli, "CLOCK", clock)
    return clock


@pytest.fixture
def deck_file(tmp_path, course_home):
    path = tmp_path / "three.txt"
    path.write_text("three\nQ1?\nA1.\nQ2?\nA2.\nQ3?\nA3.\n", encoding="utf-8")
    import_deck(path)
    return path


def review(*args, input):
    return runner.invoke(review_cli.app, ["review", *args], input=input)


def test_a_card_rated_again_comes_back_in_the_same_session(clock):
    deck = make_deck("d", 3)
    session = new_session([deck], clock)
    assert session.current.question == "Q1?"
    session.rate(sched.Rating.Again)  # due in 1 min: inside the 20-min look-ahead
    clock.advance(seconds=20)
    assert session.current.question == "Q2?"  # other cards first, never the same card twice in a row
    session.rate(sched.Rating.Good)
    clock.advance(seconds=20)
    assert session.current.question == "Q3?"
    session.rate(sched.Rating.Easy)
    clock.advance(seconds=30)
    assert session.current.question == "Q1?"  # back: its 1-minute step is over (learning due now)
    assert str(session.counts()) == "New 0 · Learning 2 · Due 0"
    session.rate(sched.Rating.Good)
    assert session.current.question == "Q2?"  # due in 9 min, shown now thanks to the look-ahead
    session.rate(sched.Rating.Good)  # graduates
    assert session.current.question == "Q1?"
    session.rate(sched.Rating.Good)
    assert session.current is None and session.counts().total == 0
    assert session.summary().startswith("All done for today — well done. Next card:")


def test_without_look_ahead_the_session_says_when_the_next_card_comes(clock):
    session = new_session([make_deck("d", 1)], clock, learn_ahead_minutes=0)
    session.rate(sched.Rating.Again)
    assert session.current is None
    assert session.summary() == "Nothing is due right now; next card in 1 min (at 21:01)."
    clock.advance(minutes=1)
    assert session.next_card().question == "Q1?"


def test_stopping_early_says_how_many_are_still_due_and_when(clock):
    session = new_session([make_deck("d", 1)], clock)
    session.rate(sched.Rating.Again)
    assert session.summary() == "1 still due (New 0 · Learning 1 · Due 0); next card in 1 min (at 21:01)."


def test_undo_restores_the_history_file_byte_for_byte(clock):
    session = new_session([make_deck("d", 2)], clock)
    session.rate(sched.Rating.Good)
    store = session.store
    before = store.path.read_bytes()
    clock.advance(seconds=5)
    session.rate(sched.Rating.Again)  # card Q2
    session_after_again = session.current
    assert store.path.read_bytes() != before and session_after_again.question == "Q1?"
    assert session.undo().question == "Q2?"
    assert store.path.read_bytes() == before
    assert session.current.question == "Q2?" and session.reviewed == 1
    # undo the first rating too: Q1 is a new card again
    session.undo()
    assert HistoryStore().load().cards == {} and not session.can_undo
    with pytest.raises(IndexError):
        session.undo()


def test_undo_of_a_review_card_restores_its_scheduling_state(clock):
    session = new_session([make_deck("d", 1)], clock)
    session.rate(sched.Rating.Easy)
    state_before = HistoryStore().load().cards
    clock.advance(days=20)
    session.next_card()
    before = session.store.path.read_bytes()
    session.rate(sched.Rating.Again)  # a lapse: relearning
    assert HistoryStore().load().cards != state_before
    session.undo()
    assert session.store.path.read_bytes() == before and HistoryStore().load().cards == state_before


def test_rating_buttons_show_the_interval_the_card_then_gets(clock):
    session = new_session([make_deck("d", 1)], clock)
    assert session.button_labels() == {sched.Rating.Again: "1m", sched.Rating.Hard: "6m",
                                       sched.Rating.Good: "10m", sched.Rating.Easy: session.button_labels()[4]}
    session.rate(sched.Rating.Easy)
    for _ in range(3):  # intervals long enough for fuzz: the preview still matches exactly
        due = sched.fsrs_state(Card("d", "Q1?", "A1."), session.history).due
        clock.current = due
        session.next_card()
        expected = session.preview()[sched.Rating.Good]
        state = session.rate(sched.Rating.Good)
        assert state.due - due == expected and expected >= timedelta(days=3)


def test_answer_time_is_recorded_and_capped_at_60_seconds(clock):
    session = new_session([make_deck("d", 2)], clock)
    clock.advance(seconds=7.5)
    session.rate(sched.Rating.Good)
    clock.advance(minutes=5)  # walked away
    session.rate(sched.Rating.Good)
    assert [r["review_duration"] for r in HistoryStore().load().reviews] == [7500, 60000]


def test_new_card_limit_holds_across_sessions_and_resets_at_the_local_day_boundary(clock):
    deck = make_deck("d", 5)
    first = new_session([deck], clock, new_per_day=2)
    assert first.counts().new == 2
    first.rate(sched.Rating.Easy)
    clock.advance(hours=2)  # 23:00 New York, same study day
    second = new_session([deck], clock, new_per_day=2)
    assert second.counts().new == 1
    second.rate(sched.Rating.Easy)
    assert second.current is None and "All done for today" in second.summary()
    clock.current = datetime(2026, 3, 11, 3, 59, tzinfo=NEW_YORK).astimezone(timezone.utc)
    assert new_session([deck], clock, new_per_day=2).counts().new == 0  # before 4 am: still "yesterday"
    clock.current = datetime(2026, 3, 11, 4, 0, tzinfo=NEW_YORK).astimezone(timezone.utc)
    assert new_session([deck], clock, new_per_day=2).counts().new == 2  # a new study day
    assert new_session([deck], clock, new_per_day=2, day_starts_at=5).counts().new == 0


def test_review_limit_counts_only_reviews_of_learned_cards(clock):
    deck = make_deck("d", 3)
    session = new_session([deck], clock)
    for _ in range(3):
        session.rate(sched.Rating.Easy)  # three cards straight to the review state
    clock.advance(days=60)
    first = new_session([deck], clock, reviews_per_day=2)
    assert str(first.counts()) == "New 0 · Learning 0 · Due 2"
    first.rate(sched.Rating.Again)  # a lapse: relearning, which does not use up the review limit again
    assert str(first.counts()) == "New 0 · Learning 1 · Due 1"
    second = new_session([deck], clock, reviews_per_day=2)
    assert str(second.counts()) == "New 0 · Learning 1 · Due 1"
    clock.advance(days=1)
    assert new_session([deck], clock, reviews_per_day=2).counts().due == 2


def test_limits_apply_per_deck_and_to_the_whole_session(clock):
    decks = [make_deck("a", 5), make_deck("b", 5)]
    assert str(new_session(decks, clock, new_per_day=3).counts()) == "New 3 · Learning 0 · Due 0"
    assert str(new_session(decks[:1], clock, new_per_day=3).counts()) == "New 3 · Learning 0 · Due 0"


# ---- scripted terminal sessions (keys piped, clock injected) ----

def test_scripted_session_again_card_returns_and_undo_restores(cli_clock, deck_file):
    # Q1: reveal, Again; Q2: reveal, Good; at Q3, u undoes Q2's rating; Q2 again: reveal, Hard;
    # Q3: reveal, Good; Q1 is back (learning step within the look-ahead): reveal, Good; then q
    keys = "\n1\n\n3\nu\n\n2\n\n3\n\n3\nq\n"
    result = review("three", input=keys)
    out = result.output
    assert result.exit_code == 0, out
    questions = [line.strip("│ ") for line in out.splitlines() if line.startswith("│ Q")]
    assert questions == ["Q1?", "Q2?", "Q3?", "Q2?", "Q3?", "Q1?", "Q2?"]
    assert "Undone: your last rating of 'Q2?' was taken back" in out
    history = HistoryStore().load()
    assert [(r["card"], r["rating"]) for r in history.reviews] == [
        (Card("three", "Q1?", "").id, 1), (Card("three", "Q2?", "").id, 2),
        (Card("three", "Q3?", "").id, 3), (Card("three", "Q1?", "").id, 3)]
    assert "Reviewed 4 card(s). 3 still due (New 0 · Learning 3 · Due 0); next card" in out
    assert "(at 21:" in out  # local time (New York), not UTC


def test_scripted_sessions_keep_the_daily_new_limit_and_reset_next_day(cli_clock, deck_file):
    first = review("three", "--new-per-day", "2", input="\n4\nq\n")
    assert "three · New 2 · Learning 0 · Due 0" in first.output
    assert "Reviewed 1 card(s). 1 still due" in first.output
    second = review("three", "--new-per-day", "2", input="\n4\n")
    assert "three · New 1 · Learning 0 · Due 0" in second.output
    assert "Reviewed 1 card(s). All done for today — well done." in second.output
    third = review("three", "--new-per-day", "2", input="")
    assert third.exit_code == 0 and "All done for today" in third.output and "Q3?" not in third.output
    cli_clock.advance(hours=7)  # 04:00 the next morning in New York
    fourth = review("three", "--new-per-day", "2", input="\nq\n")
    assert "three · New 1 · Learning 0 · Due 0" in fourth.output and "Q3?" in fourth.output
    assert len(HistoryStore().load().reviews) == 2


def test_settings_file_sets_the_limits_and_flags_override_it(cli_clock, deck_file, course_home):
    (course_home / "flashcards").mkdir(parents=True, exist_ok=True)
    (course_home / "flashcards" / "settings.toml").write_text("new_per_day = 1\n", encoding="utf-8")
    assert "three · New 1 ·" in review("three", input="q\n").output
    assert "three · New 3 ·" in review("three", "--new-per-day", "5", input="q\n").output
    listing = runner.invoke(review_cli.app, ["list"]).output
    assert "1 new, 200 reviews" in listing


def test_new_cards_also_count_against_the_review_limit_as_in_anki(clock):
    deck = make_deck("d", 6)
    session = new_session([deck], clock)
    session.rate(sched.Rating.Easy)
    session.rate(sched.Rating.Easy)
    clock.advance(days=60)
    # 2 reviews due, review limit 3: one new card fits in what the review limit leaves
    assert str(new_session([deck], clock, reviews_per_day=3).counts()) == "New 1 · Learning 0 · Due 2"
    assert str(new_session([deck], clock, reviews_per_day=2).counts()) == "New 0 · Learning 0 · Due 2"
    session = new_session([deck], clock, reviews_per_day=4)
    assert str(session.counts()) == "New 2 · Learning 0 · Due 2"
    session.rate(sched.Rating.Good)  # a review first: reviews come before new cards
    assert str(session.counts()) == "New 2 · Learning 0 · Due 1"
