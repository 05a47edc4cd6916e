"""The notebook widget, driven through its button handlers (no kernel needed); it shares the CLI's history."""
import re
from datetime import datetime, timezone

import pytest
from zoneinfo import ZoneInfo

from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.catalog import import_deck
from cnncourse.flashcards.history import HistoryStore
from cnncourse.flashcards.render import answer_html, answer_text, format_due
from cnncourse.flashcards.deck import Card
from cnncourse.flashcards.widget import ReviewWidget


@pytest.fixture
def deck_name(tmp_path, course_home):
    path = tmp_path / "w.txt"
    path.write_text("widget_deck\nQ1?\nA1.\nQ2?\nLead: • a: x • b: <y>\n", encoding="utf-8")
    return import_deck(path).deck.name


def test_reveal_then_rate_saves_to_the_shared_history(deck_name):
    widget = ReviewWidget(deck_name)
    assert "Q1?" in widget.question.value and widget.answer.value == ""
    assert all(button.disabled for button in widget.rating_buttons)
    widget.on_rate(sched.Rating.Good)  # rating before revealing does nothing
    assert HistoryStore().load().reviews == []
    widget.reveal_button.click()
    assert "A1." in widget.answer.value
    assert not any(button.disabled for button in widget.rating_buttons)
    labels = [b.description for b in widget.rating_buttons]
    assert labels[:3] == ["Again · 1m", "Hard · 6m", "Good · 10m"] and re.fullmatch(r"Easy · \d+d", labels[3])
    widget.rating_buttons[2].click()  # "Good"
    assert "Good: next due" in widget.status.value
    assert "Q2?" in widget.question.value and widget.answer.value == ""
    widget.on_reveal()
    assert "<li>b: &lt;y&gt;</li>" in widget.answer.value
    widget.on_rate(sched.Rating.Again)
    assert "well done" not in widget.question.value
    assert "Q1?" in widget.question.value  # learning cards within the look-ahead come back
    assert "New 0 · Learning 2 · Due 0" in widget.header.value
    assert [r["rating"] for r in HistoryStore().load().reviews] == [3, 1]


def test_widget_reports_a_corrupt_history(deck_name):
    store = HistoryStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("not json", encoding="utf-8")
    widget = ReviewWidget(deck_name)
    assert "kept unchanged as" in widget.status.value


def test_unknown_deck_is_a_clear_error(course_home):
    with pytest.raises(KeyError, match="no deck named 'nope'"):
        ReviewWidget("nope")


def test_rendering_of_multi_part_answers():
    card = Card("d", "Q?", "Lead: • a: x • b: y")
    assert answer_text(card) == "Lead:\n  • a: x\n  • b: y"
    assert answer_html(card) == "Lead:<ul><li>a: x</li><li>b: y</li></ul>"
    no_lead = Card("d", "Q?", "LeNet: x • VGG: y")
    assert answer_html(no_lead) == "<ul><li>LeNet: x</li><li>VGG: y</li></ul>"


def test_format_due():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert format_due(now.replace(minute=10), now, timezone.utc) == "2026-01-01 12:10 UTC (in 10 minutes)"
    assert format_due(now.replace(day=4), now, timezone.utc).endswith("(in 3 days)")
    assert format_due(now, now, timezone.utc).endswith("(now)")
    paris = ZoneInfo("Europe/Paris")
    assert format_due(now.replace(minute=10), now, paris) == "2026-01-01 13:10 CET (in 10 minutes)"


# ---- the session engine in the widget: learning steps, limits, undo, stats, errors ----

from cnncourse.flashcards.clock import ManualClock  # noqa: E402
from cnncourse.flashcards.settings import Settings  # noqa: E402

START = datetime(2026, 2, 3, 18, 0, tzinfo=timezone.utc)


def make_widget(deck_name, clock=None, **settings):
    return ReviewWidget(deck_name, clock=clock or ManualClock(START), settings=Settings(**settings))


def test_buttons_keep_the_labels_browser_tests_click(deck_name):
    widget = make_widget(deck_name)
    assert widget.reveal_button.description == "Show answer"
    widget.reveal_button.click()
    for button, name in zip(widget.rating_buttons, ["Again", "Hard", "Good", "Easy"]):
        assert button.description.startswith(name)


def test_never_well_done_while_a_card_is_still_to_come(deck_name):
    clock = ManualClock(START)
    widget = make_widget(deck_name, clock=clock, learn_ahead_minutes=0)
    for rating in (sched.Rating.Again, sched.Rating.Easy):
        widget.reveal_button.click()
        widget.on_rate(rating)
    assert widget.session.current is None and widget.reveal_button.disabled
    assert "well done" not in widget.question.value
    assert widget.question.value == "Nothing is due right now; next card in 1 min (at 18:01)."
    clock.advance(minutes=1)
    widget.refresh_button.click()
    assert "Q1?" in widget.question.value and not widget.reveal_button.disabled
    assert "Learning 1" in widget.header.value
    widget.reveal_button.click()
    widget.on_rate(sched.Rating.Good)
    assert "well done" not in widget.question.value  # Q1 has one more 10-minute step
    clock.advance(minutes=10)
    widget.refresh_button.click()
    widget.reveal_button.click()
    widget.on_rate(sched.Rating.Good)
    assert widget.question.value.startswith("All done for today — well done.")


def test_undo_button_restores_the_history_and_shows_the_card_again(deck_name):
    widget = make_widget(deck_name)
    assert widget.undo_button.disabled
    widget.reveal_button.click()
    widget.on_rate(sched.Rating.Good)
    path = HistoryStore().path
    before = path.read_bytes()
    widget.reveal_button.click()
    widget.on_rate(sched.Rating.Again)
    assert path.read_bytes() != before
    widget.undo_button.click()
    assert path.read_bytes() == before
    assert "Q2?" in widget.question.value and "taken back" in widget.status.value


def test_daily_new_limit_is_shared_with_the_terminal(deck_name):
    clock = ManualClock(START)
    widget = make_widget(deck_name, clock=clock, new_per_day=1)
    assert "New 1 · Learning 0 · Due 0" in widget.header.value
    widget.reveal_button.click()
    widget.on_rate(sched.Rating.Easy)
    again = make_widget(deck_name, clock=clock, new_per_day=1)
    assert again.session.current is None and "All done for today" in again.question.value


def test_stats_button_shows_the_chart(deck_name):
    widget = make_widget(deck_name)
    widget.reveal_button.click()
    widget.on_rate(sched.Rating.Good)
    assert widget.chart.layout.display == "none"
    widget.stats_button.click()
    assert bytes(widget.chart.value).startswith(b"\x89PNG") and widget.chart.layout.display is None
    widget.stats_button.click()
    assert widget.chart.layout.display == "none"


def test_an_unwritable_home_is_said_before_any_card(deck_name, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cnncourse.flashcards.history.tempfile.mkstemp", refuse)
    widget = make_widget(deck_name)
    assert "reviews cannot start" in widget.question.value and "Q1?" not in widget.question.value
    assert "ratings cannot be saved" in widget.status.value and "Permission denied" in widget.status.value
    assert widget.reveal_button.disabled and all(b.disabled for b in widget.rating_buttons)
    widget.on_reveal(), widget.on_rate(sched.Rating.Good), widget.on_undo()  # all harmless


def test_a_failed_save_keeps_the_card_on_screen(deck_name, monkeypatch):
    widget = make_widget(deck_name)
    widget.reveal_button.click()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr("cnncourse.flashcards.history.atomic_write_text", disk_full)
        widget.on_rate(sched.Rating.Good)
    assert "could NOT be saved" in widget.status.value and "Q1?" in widget.question.value
    widget.on_rate(sched.Rating.Good)  # the answer is still shown: rate again, now saved
    assert [r["rating"] for r in HistoryStore().load().reviews] == [3]


def test_a_broken_deck_elsewhere_is_reported_and_this_one_works(deck_name, course_home):
    (course_home / "decks" / "broken.txt").write_bytes(b"broken\nQ\x00?\nA.\n")
    widget = make_widget(deck_name)
    assert "Q1?" in widget.question.value and "broken.txt:2:" in widget.status.value
