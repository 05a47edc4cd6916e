"""Scheduling with FSRS (the ``fsrs`` package, the algorithm Anki uses): a thin layer over it."""
from __future__ import annotations

from datetime import datetime, timezone

import fsrs

from cnncourse.flashcards.deck import Card
from cnncourse.flashcards.history import History, HistoryStore

Rating = fsrs.Rating
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


def is_due(card: Card, history: History, now: datetime | None = None) -> bool:
    now = now or utc_now()
    return fsrs_state(card, history, now).due <= now


def review(card: Card, rating: Rating, store: HistoryStore, scheduler: fsrs.Scheduler,
           now: datetime | None = None, duration_ms: int | None = None) -> fsrs.Card:
    """Rate a card, persist the new state and the review log, and return the new state (``.due``)."""
    now = now or utc_now()
    state = fsrs_state(card, store.load(), now)
    new_state, log = scheduler.review_card(state, Rating(rating), review_datetime=now,
                                           review_duration=duration_ms)
    store.record(card.id, card.deck, card.question, new_state.to_dict(), log.to_dict())
    return new_state
