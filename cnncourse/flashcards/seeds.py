"""Importer for "- " question/answer lists (the format of the interview-questions seed).

Every line is a ``- `` item.  A question ends with ``?``.  Its answer is every
item up to the next question: either one line, or a lead-in ending with ``:``
followed by parts, the lead-in then repeated once more (an artefact of the
source, dropped here).  The parts are kept, joined on one line with `` • ``.
"""
from __future__ import annotations

from pathlib import Path

from cnncourse.flashcards.deck import PART_SEPARATOR, Deck, build_deck
from cnncourse.flashcards.files import DeckFormatError, read_lines

ITEM_PREFIX = "- "


def looks_like_qa_list(lines: list[str]) -> bool:
    """True when the first non-blank line is a ``- `` item (a deck file starts with its name instead)."""
    first = next((line.strip() for line in lines if line.strip()), "")
    return first.startswith(ITEM_PREFIX.strip())


def parse_qa_list(path: Path | str, name: str | None = None) -> Deck:
    """Read a ``- `` question/answer list as a deck named ``name`` (default: the file's stem)."""
    path = Path(path)
    items = list(_items(path, read_lines(path)))
    if not items:
        raise DeckFormatError(path, 1, "the file is empty; expected '- question?' and '- answer' lines")
    pairs = []
    question: tuple[int, str] | None = None
    answer: list[str] = []
    for line, text in items + [(0, None)]:  # sentinel closes the last question
        if text is not None and not text.endswith("?"):
            if question is None:
                raise DeckFormatError(
                    path, line, f"line {line} is an answer with no question before it; "
                    "questions must end with '?'")
            answer.append(text)
            continue
        if question is not None:
            q_line, q_text = question
            if not answer:
                raise DeckFormatError(
                    path, q_line, f"the question on line {q_line} has no answer; "
                    "add '- answer' lines after it")
            pairs.append((q_line, q_text, join_answer(answer)))
        question, answer = (line, text), []
    return build_deck(path, name or path.stem, pairs)


def join_answer(parts: list[str]) -> str:
    """One-line answer: drop the repeated lead-in at the end, join the rest with `` • ``."""
    if len(parts) >= 2 and parts[-1] == parts[0]:
        parts = parts[:-1]
    return PART_SEPARATOR.join(parts)


def _items(path: Path, lines: list[str]):
    """Yield (line, text) for each ``- `` item; blank lines are skipped, anything else is an error."""
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        if not text.startswith(ITEM_PREFIX.strip()):
            raise DeckFormatError(
                path, number, f"line {number} does not start with '- '; every question and answer "
                "line of this list format must")
        text = text[1:].strip()
        if not text:
            raise DeckFormatError(path, number, f"line {number} is a '-' with no text; remove it or add the text")
        yield number, text
