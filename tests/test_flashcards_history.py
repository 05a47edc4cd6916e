"""Review history: FSRS scheduling through our wrapper, atomic saves, crash safety, corrupt files kept aside."""
import json
from datetime import datetime, timedelta, timezone

import pytest

from cnncourse.flashcards import files
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.deck import Card, Deck
from cnncourse.flashcards.clock import ManualClock
from cnncourse.flashcards.history import FORMAT, HistoryError, HistoryStore, history_path
from cnncourse.flashcards.settings import Settings
from cnncourse.flashcards.session import ReviewSession

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
CARD_A = Card("d", "What is pooling?", "Downsampling.")
CARD_B = Card("d", "What is stride?", "The step of the filter.")
DECK = Deck("d", (CARD_A, CARD_B))


@pytest.fixture
def store(course_home):
    return HistoryStore()


@pytest.fixture
def fsrs_scheduler():
    return sched.make_scheduler(enable_fuzzing=False)


def test_history_lives_under_the_course_home(course_home):
    assert history_path() == course_home / "flashcards" / "history.json"


def test_good_moves_due_into_the_future_and_again_is_sooner(store, fsrs_scheduler):
    good = sched.review(CARD_A, sched.Rating.Good, store, fsrs_scheduler, now=NOW)
    again = sched.review(CARD_B, sched.Rating.Again, store, fsrs_scheduler, now=NOW)
    assert good.due > NOW and again.due > NOW
    assert again.due < good.due


def test_easy_on_a_new_card_schedules_days_ahead(store, fsrs_scheduler):
    easy = sched.review(CARD_A, sched.Rating.Easy, store, fsrs_scheduler, now=NOW)
    assert easy.due - NOW >= timedelta(days=1)


def test_state_is_persisted_and_reloaded(store, fsrs_scheduler):
    first = sched.review(CARD_A, sched.Rating.Good, store, fsrs_scheduler, now=NOW)
    history = HistoryStore().load()  # a fresh reader, as the next session would be
    assert sched.fsrs_state(CARD_A, history).due == first.due
    assert not sched.is_due(CARD_A, history, NOW)
    assert sched.is_due(CARD_B, history, NOW)  # never reviewed: new cards are due
    later = first.due + timedelta(minutes=1)
    second = sched.review(CARD_A, sched.Rating.Good, store, fsrs_scheduler, now=later)
    assert second.due - later >= timedelta(days=1)  # graduated from learning steps
    reviews = HistoryStore().load().reviews
    assert [(r["card"], r["rating"]) for r in reviews] == [(CARD_A.id, 3), (CARD_A.id, 3)]


def test_two_writers_do_not_lose_each_others_reviews(course_home, fsrs_scheduler):
    terminal, notebook = HistoryStore(), HistoryStore()
    terminal.load(), notebook.load()
    sched.review(CARD_A, sched.Rating.Good, terminal, fsrs_scheduler, now=NOW)
    sched.review(CARD_B, sched.Rating.Hard, notebook, fsrs_scheduler, now=NOW)
    history = HistoryStore().load()
    assert set(history.cards) == {CARD_A.id, CARD_B.id} and len(history.reviews) == 2


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_crash_mid_write_leaves_the_old_file_intact(store, fsrs_scheduler, monkeypatch, failing):
    sched.review(CARD_A, sched.Rating.Good, store, fsrs_scheduler, now=NOW)
    before = store.path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("simulated power cut")

    with monkeypatch.context() as patch:
        patch.setattr(files.os, failing, crash)
        with pytest.raises(HistoryError, match="could NOT be saved.*simulated power cut"):
            sched.review(CARD_B, sched.Rating.Good, store, fsrs_scheduler, now=NOW)
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert set(HistoryStore(store.path).load().cards) == {CARD_A.id}


@pytest.mark.parametrize("content, reason", [
    (b'{"cards": {', "not valid JSON"),
    (b"\xff\xfe garbage", "not valid JSON"),
    (b'{"settings": {"theme": "dark"}}', "belongs to something else"),
    (json.dumps({"format": FORMAT, "version": 99, "cards": {}, "reviews": []}).encode(), "version 99"),
    (json.dumps({"format": FORMAT, "version": 1, "cards": {"x": {"fsrs": {}}}, "reviews": []}).encode(),
     "no valid scheduling state"),
])
def test_corrupt_or_foreign_file_is_kept_aside_and_reported(store, fsrs_scheduler, content, reason):
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(content)
    history = store.load()
    assert history.cards == {} and history.reviews == []
    [aside] = [p for p in store.path.parent.iterdir() if ".corrupt-" in p.name]
    assert aside.name.startswith("history.json.corrupt-") and aside.read_bytes() == content
    [notice] = store.notices
    assert str(store.path) in notice and str(aside) in notice and reason in notice
    sched.review(CARD_A, sched.Rating.Good, store, fsrs_scheduler, now=NOW)  # a fresh history starts
    assert aside.read_bytes() == content
    assert set(HistoryStore().load().cards) == {CARD_A.id}


def test_second_corrupt_file_does_not_overwrite_the_first_one_set_aside(store):
    store.path.parent.mkdir(parents=True, exist_ok=True)
    for content in (b"first", b"second"):
        store.path.write_bytes(content)
        store.load()
    kept = sorted(p.read_bytes() for p in store.path.parent.iterdir() if ".corrupt-" in p.name)
    assert kept == [b"first", b"second"]


def test_session_shows_new_cards_then_brings_learning_cards_back(store, fsrs_scheduler):
    clock = ManualClock(NOW)
    session = ReviewSession([DECK], store=store, scheduler=fsrs_scheduler, clock=clock, settings=Settings())
    assert session.current == CARD_A and str(session.counts()) == "New 2 · Learning 0 · Due 0"
    state = session.rate(sched.Rating.Good)
    assert state.due == NOW + timedelta(minutes=10) and session.current == CARD_B
    assert str(session.counts()) == "New 1 · Learning 1 · Due 0"
    session.rate(sched.Rating.Good)
    assert session.current == CARD_A  # learning step within the 20-minute look-ahead: shown again
    fresh = ReviewSession([DECK], store=store, scheduler=fsrs_scheduler, clock=clock,
                          settings=Settings(learn_ahead_minutes=5))
    assert fresh.current is None and fresh.counts().total == 0
    assert fresh.summary() == "Nothing is due right now; next card in 10 min (at 09:10)."
    clock.advance(minutes=10)
    assert fresh.next_card() == CARD_A
