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
