"""``cnncourse flashcards stats``: reviews per day, true retention, cards by state, 30-day forecast, chart."""
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from cnncourse.flashcards import review_cli
from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.catalog import find_deck, import_deck
from cnncourse.flashcards.clock import ManualClock
from cnncourse.flashcards.history import HistoryStore
from cnncourse.flashcards.session import ReviewSession
from cnncourse.flashcards.settings import Settings
from cnncourse.flashcards.stats import DAYS, compute_stats

DAY0 = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
runner = CliRunner()
R = sched.Rating


@pytest.fixture
def clock():
    return ManualClock(DAY0, tz=timezone.utc)


@pytest.fixture
def reviewed(tmp_path, course_home, clock, monkeypatch):
    """Deck 'five': on day 0 four cards learned (Good, Good 10 min later); on day 6 they are reviewed
    Again, Good, Good, Hard; the fifth card stays new."""
    path = tmp_path / "five.txt"
    path.write_text("five\n" + "".join(f"Q{i}?\nA{i}.\n" for i in range(1, 6)), encoding="utf-8")
    import_deck(path)
    deck = find_deck("five")
    settings = Settings(new_per_day=4)
    session = ReviewSession([deck], clock=clock, settings=settings)
    for _ in range(4):
        session.rate(R.Good)
    clock.advance(minutes=10)
    for _ in range(4):
        session.next_card()
        session.rate(R.Good)
    assert str(session.counts()) == "New 0 · Learning 0 · Due 0"
    clock.advance(days=6)
    session = ReviewSession([deck], clock=clock, settings=Settings(new_per_day=0))
    assert str(session.counts()) == "New 0 · Learning 0 · Due 4"
    for rating in (R.Again, R.Good, R.Good, R.Hard):
        session.rate(rating)
    monkeypatch.setattr(review_cli, "CLOCK", clock)
    return deck


def test_stats_count_reviews_retention_states_and_forecast(reviewed, clock):
    history = HistoryStore().load()
    stats = compute_stats([reviewed], history, clock, Settings())
    assert stats.today == clock.now().date() and len(stats.history_days) == DAYS
    assert stats.reviews_per_day[-1] == {"Again": 1, "Good": 2, "Hard": 1}
    assert stats.reviews_per_day[-7] == {"Good": 8}
    assert stats.reviews_30d == 12
    assert (stats.retention_30d.passed, stats.retention_30d.total) == (3, 4)  # learning steps do not count
    assert str(stats.retention_all) == "75.0% (3/4)"
    assert stats.by_state == {"New": 1, "Learning": 0, "Review": 3, "Relearning": 1}
    dues = [sched.fsrs_state(card, history).due for card in reviewed.cards if card.id in history.cards]
    within = sum((due.date() - stats.today).days < DAYS for due in dues)
    assert sum(stats.forecast) == within and stats.forecast[0] == 1  # the relearning card, due in 10 min
    for due in dues:
        offset = (due.date() - stats.today).days
        if offset < DAYS:
            assert stats.forecast[max(0, offset)] >= 1


def test_retention_of_old_histories_without_recorded_states(reviewed, clock):
    history = HistoryStore().load()
    for review in history.reviews:
        del review["state_before"]
    stats = compute_stats([reviewed], history, clock, Settings())
    assert str(stats.retention_all) == "75.0% (3/4)"


def test_stats_command_prints_and_plots(reviewed, tmp_path):
    plot = tmp_path / "stats.png"
    result = runner.invoke(review_cli.app, ["stats", "five", "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Reviews: 4 today, 12 in the last 30 days" in out
    assert "75.0% (3/4) in the last 30 days" in out
    assert "Cards: New 1 · Learning 0 · Review 3 · Relearning 1" in out
    assert "today (with overdue)" in out and f"Chart written to {plot}" in out
    data = plot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000


def test_stats_command_refuses_a_bad_plot_name_or_folder(reviewed, tmp_path):
    assert "must end in .png" in runner.invoke(review_cli.app, ["stats", "--plot", str(tmp_path / "x.jpg")]).output
    missing = runner.invoke(review_cli.app, ["stats", "--plot", str(tmp_path / "no" / "x.png")])
    assert missing.exit_code == 1 and "cannot write the plot" in missing.output and missing.exception is not None


def test_stats_of_an_empty_history(course_home, clock):
    deck = find_deck("lesson_6_flashcards")
    stats = compute_stats([deck], HistoryStore().load(), clock, Settings())
    assert stats.reviews_30d == 0 and stats.retention_all.rate is None and sum(stats.forecast) == 0
    assert stats.by_state["New"] == len(deck)
    assert str(stats.retention_30d).startswith("–")


def test_replayed_states_match_the_recorded_ones(reviewed):
    history = HistoryStore().load()
    recorded = [review["state_before"] for review in history.reviews]
    assert recorded == [0] * 4 + [1] * 4 + [2] * 4
    for review in history.reviews:
        del review["state_before"]
    assert sched.states_before(history) == recorded
    assert [review["state_before"] for review in history.reviews] == recorded  # kept: replayed only once
