"""The learner's review history: one JSON file under the course home, written atomically.

A file that is not valid JSON, or that is not a history of this course (wrong
``format`` or unknown ``version``), is never overwritten: it is renamed to
``<name>.corrupt-<timestamp>``, a notice says so, and a fresh history starts.
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import fsrs

from cnncourse import paths
from cnncourse.flashcards.files import atomic_write_text

FORMAT = "cnncourse-flashcards-history"
VERSION = 1


def history_path() -> Path:
    """``<course home>/flashcards/history.json`` (the course home follows ``$CNNCOURSE_HOME``)."""
    return paths.course_home() / "flashcards" / "history.json"


@dataclass
class History:
    """Scheduling state per card id, plus every review ever made (append-only)."""

    cards: dict[str, dict] = field(default_factory=dict)  # card id -> {"deck", "question", "fsrs"}
    reviews: list[dict] = field(default_factory=list)  # {"card", "deck", **fsrs ReviewLog dict}

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, "cards": self.cards,
                           "reviews": self.reviews}, ensure_ascii=False, indent=1) + "\n"


class HistoryStore:
    """Reads and updates one history file; problems found while reading are collected in ``notices``."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else history_path()
        self.notices: list[str] = []

    def load(self) -> History:
        """The stored history; an unreadable or foreign file is set aside (see module doc)."""
        if not self.path.exists():
            return History()
        try:
            return _parse(self.path.read_bytes())
        except ValueError as err:
            aside = self._set_aside()
            self.notices.append(
                f"{self.path} is not a review history this course can read ({err}); it was kept "
                f"unchanged as {aside} and a new, empty history was started.")
            return History()

    def record(self, card_id: str, deck: str, question: str, fsrs_card: dict, review_log: dict) -> None:
        """Store a card's new scheduling state and its review, re-reading the file under a lock first."""
        with self._lock():
            history = self.load()
            history.cards[card_id] = {"deck": deck, "question": question, "fsrs": fsrs_card}
            history.reviews.append({"card": card_id, "deck": deck, **review_log})
            atomic_write_text(self.path, history.to_json())

    def _set_aside(self) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while aside.exists():
            counter += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        os.replace(self.path, aside)
        return aside

    @contextlib.contextmanager
    def _lock(self):
        """Serialise writers (terminal and notebook at once) where the OS offers ``flock``."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # Windows: atomic replace still protects the file itself
            yield
            return
        with open(self.path.with_name(self.path.name + ".lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _parse(data: bytes) -> History:
    """A history from file bytes; ``ValueError`` says what is wrong."""
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"not valid JSON: {err}") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise ValueError(f"no '\"format\": \"{FORMAT}\"' key, so it belongs to something else")
    if content.get("version") != VERSION:
        raise ValueError(f"version {content.get('version')!r}, this course reads version {VERSION}")
    cards, reviews = content.get("cards"), content.get("reviews")
    if not isinstance(cards, dict) or not isinstance(reviews, list):
        raise ValueError("'cards' must be an object and 'reviews' a list")
    for card_id, entry in cards.items():
        try:
            fsrs.Card.from_dict(entry["fsrs"])
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"card {card_id!r} has no valid scheduling state ({err!r})") from None
    return History(cards, reviews)
