"""The review session engine shared by the terminal and the notebook widget.

It works like Anki's scheduler on top of FSRS:

* cards are *new* (never reviewed), in *learning* (FSRS learning or relearning steps, due minutes
  ahead) or in *review* (due days ahead);
* the next card is a learning card due now, else a review card due today, else a new card, else a
  learning card due within the look-ahead window (20 min by default) — so a card rated Again comes
  back in the same sitting after its learning step;
* new cards and reviews per study day are capped per deck (and for the whole session), the study day
  starting at a local hour (4 am by default);
* the last ratings can be undone, restoring the history file exactly.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

import fsrs

from cnncourse.flashcards import scheduler as sched
from cnncourse.flashcards.clock import Clock
from cnncourse.flashcards.deck import Card, Deck
from cnncourse.flashcards.history import History, HistoryStore
from cnncourse.flashcards.settings import Settings, load_settings

MAX_ANSWER_SECONDS = 60  # as Anki: a longer answer time (the learner walked away) is recorded as 60 s
LEARNING_STATES = (sched.State.Learning, sched.State.Relearning)


@dataclass(frozen=True)
class Counts:
    """Cards available now: new ones (within today's limit), in learning (within the look-ahead), due reviews."""

    new: int
    learning: int
    due: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.due

    def __str__(self) -> str:
        return f"New {self.new} · Learning {self.learning} · Due {self.due}"


@dataclass
class Queues:
    learning_now: list[Card]
    reviews: list[Card]
    new: list[Card]
    learning_ahead: list[Card]
    later: list[datetime]  # when cards not available now become due (learning beyond the window, capped ones)


@dataclass(frozen=True)
class UndoEntry:
    card: Card
    review_datetime: str
    previous_entry: dict | None


def daily_usage(history: History, clock: Clock, settings: Settings, now: datetime,
                decks: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """(new cards introduced, reviews done) per deck name in the current study day."""
    _, start, end = clock.study_day(now, settings.day_starts_at)
    new = dict.fromkeys(decks, 0)
    reviews = dict.fromkeys(decks, 0)
    for review, state in zip(history.reviews, sched.states_before(history)):
        deck = review.get("deck")
        if deck in new and start <= datetime.fromisoformat(review["review_datetime"]) < end:
            if state == sched.NEW:
                new[deck] += 1
            elif state == sched.State.Review:
                reviews[deck] += 1
    return new, reviews


def apply_limits(new: list[Card], reviews: list[Card], new_used: int, reviews_used: int,
                 settings: Settings) -> tuple[list[Card], list[Card]]:
    """The new cards and reviews allowed today, as in Anki: reviews first, up to the review limit; new
    cards up to the new-card limit *and* what the review limit leaves (new cards count against it)."""
    reviews_left = max(0, settings.reviews_per_day - reviews_used - new_used)
    kept_reviews = reviews[:reviews_left]
    new_left = max(0, min(settings.new_per_day - new_used, reviews_left - len(kept_reviews)))
    return new[:new_left], kept_reviews


def build_queues(decks: list[Deck], history: History, clock: Clock, settings: Settings,
                 now: datetime) -> Queues:
    """Which cards can be shown now, in order of priority, with the daily limits applied per deck and
    then to the whole session (like the limits of a parent deck in Anki)."""
    names = [deck.name for deck in decks]
    new_today, reviews_today = daily_usage(history, clock, settings, now, names)
    _, _, day_end = clock.study_day(now, settings.day_starts_at)
    horizon = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning, reviews, new, later = [], [], [], []
    waiting = 0  # new cards and reviews held back by the limits until the next study day
    for deck in decks:
        deck_new, deck_reviews = [], []
        for card in deck.cards:
            if sched.is_new(card, history):
                deck_new.append(card)
                continue
            state = sched.fsrs_state(card, history, now)
            if state.state in LEARNING_STATES:
                (learning.append((state.due, card)) if state.due <= horizon else later.append(state.due))
            elif state.due < day_end:
                deck_reviews.append((state.due, card))
            else:
                later.append(state.due)
        deck_reviews.sort(key=lambda item: item[0])
        kept_new, kept_reviews = apply_limits(deck_new, deck_reviews, new_today[deck.name],
                                              reviews_today[deck.name], settings)
        new += kept_new
        reviews += kept_reviews
        waiting += len(deck_new) + len(deck_reviews) - len(kept_new) - len(kept_reviews)
    reviews.sort(key=lambda item: item[0])
    kept_new, kept_reviews = apply_limits(new, reviews, sum(new_today.values()), sum(reviews_today.values()),
                                          settings)
    waiting += len(new) + len(reviews) - len(kept_new) - len(kept_reviews)
    later += [day_end] * waiting
    learning.sort(key=lambda item: item[0])
    return Queues(learning_now=[card for due, card in learning if due <= now],
                  reviews=[card for _, card in kept_reviews],
                  new=kept_new,
                  learning_ahead=[card for due, card in learning if due > now],
                  later=later)


class ReviewSession:
    """One sitting over some decks: ``current`` card, ``preview()`` intervals, ``rate()``, ``undo()``.

    Raises :class:`~cnncourse.flashcards.history.HistoryError` at once if ratings could not be saved
    (a read-only course home), before any card is shown.
    """

    def __init__(self, decks: list[Deck], store: HistoryStore | None = None,
                 scheduler: fsrs.Scheduler | None = None, clock: Clock | None = None,
                 settings: Settings | None = None) -> None:
        self.decks = list(decks)
        self.store = store or HistoryStore()
        self.scheduler = scheduler or sched.make_scheduler()
        self.clock = clock or Clock()
        self.settings = settings or load_settings()
        self.store.check_writable()
        self.history = self.store.load()
        self.undo_stack: list[UndoEntry] = []
        self.reviewed = 0
        self.current: Card | None = None
        self.shown_at: datetime | None = None
        self.next_card()

    def queues(self, now: datetime | None = None) -> Queues:
        return build_queues(self.decks, self.history, self.clock, self.settings, now or self.clock.now())

    def counts(self, now: datetime | None = None) -> Counts:
        queues = self.queues(now)
        return Counts(len(queues.new), len(queues.learning_now) + len(queues.learning_ahead), len(queues.reviews))

    def next_card(self) -> Card | None:
        """Choose the card to show now (``None``: nothing available within the look-ahead) and start its timer."""
        queues = self.queues()
        last = self.undo_stack[-1].card if self.undo_stack else None
        order = queues.learning_now + queues.reviews + queues.new + queues.learning_ahead
        others = [card for card in order if card != last]  # never the same card twice in a row if avoidable
        self.current = (others or order or [None])[0]
        self.shown_at = self.clock.now()
        return self.current

    def preview(self) -> dict[sched.Rating, timedelta]:
        """The next interval for each rating of the current card."""
        if self.current is None:
            return {}
        return sched.preview(self.current, self.history, self.scheduler, self.clock.now())

    def button_labels(self) -> dict[sched.Rating, str]:
        """``{Again: "1m", Hard: "6m", Good: "10m", Easy: "4d"}`` for the current card."""
        return {rating: sched.format_interval(interval) for rating, interval in self.preview().items()}

    def rate(self, rating: sched.Rating) -> fsrs.Card:
        """Rate and save the current card (with its answer time), then choose the next; returns the new state."""
        card = self.current
        if card is None:
            raise IndexError("the session has no card to rate")
        now = self.clock.now()
        seconds = min(MAX_ANSWER_SECONDS, max(0.0, (now - (self.shown_at or now)).total_seconds()))
        previous = copy.deepcopy(self.history.cards.get(card.id))
        state, self.history = sched.review_and_save(card, rating, self.store, self.scheduler, now=now,
                                           duration_ms=round(seconds * 1000), history=self.history)
        self.undo_stack.append(UndoEntry(card, self.history.reviews[-1]["review_datetime"], previous))
        self.reviewed += 1
        self.next_card()
        return state

    @property
    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def undo(self) -> Card:
        """Take back the last rating of this session: the history is as before it, and the card is shown again."""
        if not self.undo_stack:
            raise IndexError("nothing to undo in this session")
        entry = self.undo_stack[-1]
        self.history = self.store.undo(entry.card.id, entry.review_datetime, entry.previous_entry)
        self.undo_stack.pop()
        self.reviewed -= 1
        self.current, self.shown_at = entry.card, self.clock.now()
        return entry.card

    def next_due_at(self, now: datetime | None = None) -> datetime | None:
        """When the next card can be shown: now if one is available, else the earliest pending due time."""
        now = now or self.clock.now()
        queues = self.queues(now)
        if queues.learning_now or queues.reviews or queues.new:
            return now
        if queues.learning_ahead:
            return min(sched.fsrs_state(card, self.history, now).due for card in queues.learning_ahead)
        return min(queues.later, default=None)

    def summary(self) -> str:
        """Where the learner stands: what is still due and when the next card comes; "well done" only when done."""
        now = self.clock.now()
        counts, when = self.counts(now), self.next_due_at(now)
        if when is None:
            return "Nothing left to review in these decks — well done."
        if when <= now:
            next_text = "next card now"
        else:
            minutes = max(1, round((when - now).total_seconds() / 60))
            span = f"{minutes} min" if minutes < 120 else f"{round(minutes / 60)} h"
            next_text = f"next card in {span} (at {self.clock.format_time(when)})"
        if counts.total:
            return f"{counts.total} still due ({counts}); {next_text}."
        _, _, day_end = self.clock.study_day(now, self.settings.day_starts_at)
        if when < day_end:
            return f"Nothing is due right now; {next_text}."
        return f"All done for today — well done. Next card: {self.clock.format_time(when)}."
