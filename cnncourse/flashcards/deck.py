"""Cards and decks in the course's plain-text format.

A deck file is UTF-8 text: line 1 is the deck name, then one question line and
its answer line for each card.  Blank lines are allowed *between* cards, never
between a question and its answer.  A multi-part answer stays on one line, its
parts joined with `` • `` (see :data:`PART_SEPARATOR`).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cnncourse.flashcards.files import DeckFormatError, read_lines

PART_SEPARATOR = " • "


def normalize_question(question: str) -> str:
    """The form of a question used for identity and duplicate checks (whitespace collapsed, case folded)."""
    return re.sub(r"\s+", " ", question).strip().casefold()


@dataclass(frozen=True)
class Card:
    """One question and its whole answer, belonging to a named deck."""

    deck: str
    question: str
    answer: str
    line: int = field(default=0, compare=False)  # 1-based line of the question in its source file

    @property
    def id(self) -> str:
        """Stable identity from deck name + question: review history survives edits to the answer."""
        key = f"{self.deck}\n{normalize_question(self.question)}".encode()
        return hashlib.sha256(key).hexdigest()[:16]

    @property
    def int_id(self) -> int:
        """The same identity as a positive 63-bit integer (for fsrs and Anki)."""
        return int(self.id, 16) & ((1 << 63) - 1)

    @property
    def answer_parts(self) -> list[str]:
        """The answer split into its parts, for display as a list."""
        return self.answer.split(PART_SEPARATOR)


@dataclass(frozen=True)
class Deck:
    """A named, ordered collection of cards, remembered with the file it came from."""

    name: str
    cards: tuple[Card, ...]
    path: Path | None = field(default=None, compare=False)

    def __len__(self) -> int:
        return len(self.cards)

    def to_text(self) -> str:
        """The deck in the course's file format (LF endings, no BOM)."""
        lines = [self.name]
        for card in self.cards:
            lines += [card.question, card.answer]
        return "\n".join(lines) + "\n"


def build_deck(path: Path | str, name: str, pairs: list[tuple[int, str, str]]) -> Deck:
    """A deck from (line, question, answer) triples, refusing duplicate questions."""
    path = Path(path)
    first_seen: dict[str, int] = {}
    cards = []
    for line, question, answer in pairs:
        key = normalize_question(question)
        if key in first_seen:
            raise DeckFormatError(
                path, line,
                f"duplicate question: line {line} repeats the question on line {first_seen[key]}; "
                "remove one of them or reword it")
        first_seen[key] = line
        cards.append(Card(name, question, answer, line))
    return Deck(name, tuple(cards), path)


def parse_deck(path: Path | str, name: str | None = None) -> Deck:
    """Read a deck file in the course format; ``name`` overrides the name on line 1.

    Raises :class:`DeckFormatError` (file path + line number + what to do) on any problem.
    """
    path = Path(path)
    lines = read_lines(path)
    if not any(line.strip() for line in lines):
        raise DeckFormatError(
            path, 1, "the file is empty; write the deck name on line 1, then a question line "
            "and its answer line for each card")
    if not lines[0].strip():
        raise DeckFormatError(path, 1, "line 1 is blank; the first line must be the deck name")
    deck_name = lines[0].strip()
    if deck_name.endswith("?"):
        raise DeckFormatError(
            path, 1, "line 1 looks like a question, but the first line must be the deck name; "
            "add the deck name above it")
    pairs = list(_question_answer_pairs(path, lines))
    if not pairs:
        raise DeckFormatError(
            path, 1, f"the deck {deck_name!r} has no cards; add a question line and its answer line after line 1")
    return build_deck(path, name or deck_name, pairs)


def _question_answer_pairs(path: Path, lines: list[str]):
    """Yield (line, question, answer), checking that every question has its answer right below it."""
    index = 1
    while index < len(lines):
        question = lines[index].strip()
        if not question:  # blank lines between cards are fine
            index += 1
            continue
        q_line = index + 1
        if index + 1 >= len(lines):
            raise DeckFormatError(
                path, q_line, f"the question on line {q_line} has no answer (the file ends there); "
                "add its answer on the next line")
        answer = lines[index + 1].strip()
        if not answer:
            raise DeckFormatError(
                path, q_line, f"the question on line {q_line} has no answer (line {q_line + 1} is blank); "
                "put the answer on the line right after its question")
        if question.endswith("?") and answer.endswith("?"):
            raise DeckFormatError(
                path, q_line + 1, f"line {q_line + 1} should be the answer to the question on line {q_line} "
                "but looks like another question; did that question lose its answer?")
        yield q_line, question, answer
        index += 2
