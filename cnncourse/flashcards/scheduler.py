"""Scheduling with FSRS (the ``fsrs`` package, the algorithm Anki uses): a thin layer over it.

Interval fuzz is seeded by the card and its number of reviews (as Anki does), so the interval shown
on a rating button before answering is the one the card then gets.
"""
from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta, timezone

import fsrs

from cnncourse.flashcards.deck import Card
from cnncourse.flashcards.history import History, HistoryStore

Rating = fsrs.Rating
State = fsrs.State
RATING_KEYS = {"1": Rating.Again, "2": Rating.Hard, "3": Rating.Good, "4": Rating.Easy}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def make_scheduler(enable_fuzzing: bool = True) -> fsrs.Scheduler:
    """FSRS with its default parameters (desired retention 0.9, learning steps 1 and 10 minutes)."""
    return fsrs.Scheduler(enable_fuzzing=enable_fuzzing)


def fsrs_state(card: Card, history: History, now: datetime | None = None) -> fsrs.Card:
    """The card's scheduling state from the history, or a new card due ``now``."""
    entry = history.cards.get(card.id)
    if entry is not None:
        return fsrs.Card.from_dict(entry["fsrs"])
    return fsrs.Card(card_id=card.int_id, due=now or utc_now())


def is_new(card: Card, history: History) -> bool:
    """Never reviewed."""
    return card.id not in history.cards


def is_due(card: Card, history: History, now: datetime | None = None) -> bool:
    now = now or utc_now()
    return fsrs_state(card, history, now).due <= now


@contextlib.contextmanager
def _seeded_fuzz(card: Card, history: History):
    """fsrs draws its fuzz from the global ``random``: seed it per card and review count, then restore it."""
    saved = random.getstate()
    reviews = sum(1 for review in history.reviews if review.get("card") == card.id)
    random.seed(f"{card.id}:{reviews}")
    try:
        yield
    finally:
        random.setstate(saved)


def outcome(card: Card, rating: Rating, history: History, scheduler: fsrs.Scheduler, now: datetime,
            duration_ms: int | None = None) -> tuple[fsrs.Card, fsrs.ReviewLog]:
    """The card's new state and review log if it were rated ``rating`` at ``now`` (nothing is saved)."""
    with _seeded_fuzz(card, history):
        return scheduler.review_card(fsrs_state(card, history, now), Rating(rating),
                                     review_datetime=now, review_duration=duration_ms)


def preview(card: Card, history: History, scheduler: fsrs.Scheduler, now: datetime) -> dict[Rating, timedelta]:
    """The interval each rating would give the card now, for the rating buttons."""
    return {rating: outcome(card, rating, history, scheduler, now)[0].due - now for rating in Rating}


def review(card: Card, rating: Rating, store: HistoryStore, scheduler: fsrs.Scheduler,
           now: datetime | None = None, duration_ms: int | None = None) -> fsrs.Card:
    """Rate a card, persist the new state and the review log, and return the new state (``.due``)."""
    return review_and_save(card, rating, store, scheduler, now, duration_ms)[0]


def review_and_save(card: Card, rating: Rating, store: HistoryStore, scheduler: fsrs.Scheduler,
                    now: datetime | None = None, duration_ms: int | None = None,
                    history: History | None = None) -> tuple[fsrs.Card, History]:
    """:func:`review`, also returning the history as saved; ``history`` is the one the session holds."""
    now = now or utc_now()
    history = store.load() if history is None else history
    before = fsrs_state(card, history, now)
    new_state, log = outcome(card, rating, history, scheduler, now, duration_ms)
    saved = store.record(card.id, card.deck, card.question, new_state.to_dict(),
                         {**log.to_dict(), "state_before": 0 if is_new(card, history) else int(before.state)})
    return new_state, saved


def format_interval(interval: timedelta) -> str:
    """Anki-style short interval: ``1m``, ``10m``, ``3h``, ``4d``, ``1.5mo``, ``2.1y``."""
    minutes = max(0.0, interval.total_seconds() / 60)
    days = minutes / (24 * 60)
    if minutes < 59.5:
        return f"{max(1, round(minutes))}m"
    if minutes < 24 * 60 - 30:
        return f"{round(minutes / 60)}h"
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


NEW = 0  # "state_before" of a card's first review; fsrs's own states are 1, 2, 3


def states_before(history: History) -> list[int]:
    """For each review: the card's state just before it (0 new, 1 learning, 2 review, 3 relearning).

    Recorded in each review since this field exists; for older reviews it is rebuilt by replaying
    the card's reviews (state transitions do not depend on fuzz) and kept in the reviews in memory.
    """
    if all(isinstance(review.get("state_before"), int) for review in history.reviews):
        return [review["state_before"] for review in history.reviews]
    replay, cards, states = make_scheduler(enable_fuzzing=False), {}, []
    for review in history.reviews:
        moment = datetime.fromisoformat(review["review_datetime"])
        card = cards.get(review["card"])
        inferred = NEW if card is None else int(card.state)
        if not isinstance(review.get("state_before"), int):
            review["state_before"] = inferred
        states.append(review["state_before"])
        card = card or fsrs.Card(card_id=1, due=moment)
        cards[review["card"]] = replay.review_card(card, Rating(int(review["rating"])), review_datetime=moment)[0]
    return states
