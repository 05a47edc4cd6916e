"""Which lesson teaches each card of the seed decks (``data/flashcards/seed_links.tsv``)."""
from __future__ import annotations

import csv
from dataclasses import dataclass

from cnncourse.flashcards.catalog import COURSE_DECKS_DIR
from cnncourse.flashcards.deck import Card, normalize_question, parse_deck
from cnncourse.course.syllabus import SLUGS

LINKS_FILE = COURSE_DECKS_DIR / "seed_links.tsv"
SEED_DECKS = ("cnn_interview_questions", "lesson_6_flashcards")
LESSON_SLUGS = SLUGS


@dataclass(frozen=True)
class SeedLink:
    deck: str
    question: str
    lesson: str


def read_links() -> list[SeedLink]:
    """The rows of the link file (tab-separated: deck, question, lesson slug; one header row)."""
    with LINKS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [SeedLink(*row) for row in rows[1:] if row]


def seed_cards() -> list[Card]:
    """Every card of the seed decks, in deck order."""
    return [card for name in SEED_DECKS for card in parse_deck(COURSE_DECKS_DIR / f"{name}.txt").cards]


def lesson_of(card: Card) -> str | None:
    """The lesson slug that teaches a seed card, or ``None`` if it is not linked."""
    for link in read_links():
        if link.deck == card.deck and normalize_question(link.question) == normalize_question(card.question):
            return link.lesson
    return None


def seed_cards_for_lesson(slug: str) -> list[Card]:
    """The seed cards that lesson ``slug`` teaches (for listing in the lesson's summary)."""
    if slug not in LESSON_SLUGS:
        raise KeyError(f"unknown lesson {slug!r}; expected one of {', '.join(LESSON_SLUGS)}")
    wanted = {(link.deck, normalize_question(link.question)) for link in read_links() if link.lesson == slug}
    return [card for card in seed_cards() if (card.deck, normalize_question(card.question)) in wanted]
