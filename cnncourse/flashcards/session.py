"""A review session: the queue of due cards of some decks, shared by the terminal and the notebook widget."""
from __future__ import annotations

from datetime import datetime

import fsrs

from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.deck import Card, Deck
from cnncourse.flashcards.history import HistoryStore


class ReviewSession:
    """Due cards (earliest first, then new cards in deck order), at most ``limit`` of them."""

    def __init__(self, decks: list[Deck], store: HistoryStore | None = None,
                 scheduler: fsrs.Scheduler | None = None, now: datetime | None = None,
                 limit: int | None = None) -> None:
        self.store = store or HistoryStore()
        self.scheduler = scheduler or sched.make_scheduler()
        self.now = now
        history = self.store.load()
        moment = now or sched.utc_now()
        due = [(sched.fsrs_state(card, history, moment).due, order, card)
               for order, card in enumerate(card for deck in decks for card in deck.cards)
               if sched.is_due(card, history, moment)]
        self.queue: list[Card] = [card for _, _, card in sorted(due, key=lambda item: item[:2])][:limit]
        self.position = 0
        self.reviewed = 0

    @property
    def current(self) -> Card | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def remaining(self) -> int:
        return len(self.queue) - self.position

    def rate(self, rating: sched.Rating) -> fsrs.Card:
        """Rate the current card, save it, move on; returns its new scheduling state."""
        card = self.current
        if card is None:
            raise IndexError("the session has no card left to rate")
        state = sched.review(card, rating, self.store, self.scheduler, now=self.now)
        self.position += 1
        self.reviewed += 1
        return state
