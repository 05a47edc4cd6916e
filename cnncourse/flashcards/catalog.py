"""Where decks live: the course's decks in ``data/flashcards`` and the learner's imported ones."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cnncourse.course import paths
from cnncourse.flashcards.deck import Deck, parse_deck
from cnncourse.flashcards.files import DeckFormatError, atomic_write_text, read_lines
from cnncourse.flashcards.seeds import looks_like_qa_list, parse_qa_list

COURSE_DECKS_DIR = paths.DATA_DIR / "flashcards"
DECK_SUFFIX = ".txt"


def imported_decks_dir() -> Path:
    """The learner's own decks, under the course home (never inside the repository)."""
    return paths.course_home() / "decks"


def course_deck_paths() -> list[Path]:
    """Deck files shipped with the course, sorted by name."""
    return sorted(COURSE_DECKS_DIR.glob(f"*{DECK_SUFFIX}"))


def load_decks(problems: list[DeckFormatError] | None = None) -> dict[str, Deck]:
    """All decks by name: the course's first, then the learner's imported decks.

    A deck file that cannot be read is skipped and its error appended to ``problems`` (so one broken
    file does not stop the others); without a ``problems`` list the first error is raised.
    """
    decks: dict[str, Deck] = {}
    try:
        imported = sorted(imported_decks_dir().glob(f"*{DECK_SUFFIX}"))
    except OSError as err:
        imported = []
        if problems is None:
            raise
        problems.append(DeckFormatError(err.filename or "the course home", None,
                                        f"your decks folder cannot be read ({err.strerror or err})"))
    for path in course_deck_paths() + imported:
        try:
            deck = parse_deck(path)
        except DeckFormatError as err:
            if problems is None:
                raise
            problems.append(err)
            continue
        decks.setdefault(deck.name, deck)
    return decks


def is_course_deck(deck: Deck) -> bool:
    """True for decks shipped in the repository's ``data/flashcards``."""
    return deck.path is not None and deck.path.parent.resolve() == COURSE_DECKS_DIR.resolve()


def find_deck(name: str, problems: list[DeckFormatError] | None = None) -> Deck:
    """The deck called ``name``; ``KeyError`` naming the available decks (and unreadable files) otherwise.

    Broken deck files other than the one asked for are skipped and added to ``problems``.
    """
    found: list[DeckFormatError] = []
    decks = load_decks(found)
    if problems is not None:
        problems.extend(found)
    if name not in decks:
        broken = f"; unreadable deck files: {'; '.join(map(str, found))}" if found else ""
        raise KeyError(f"no deck named {name!r}; available: {', '.join(decks) or 'none'}{broken}")
    return decks[name]


def read_any_deck(path: Path | str, name: str | None = None) -> Deck:
    """Parse a deck file in the course format or a ``- `` question/answer list (detected automatically)."""
    path = Path(path)
    if name is not None:
        check_deck_name(path, name)
    if looks_like_qa_list(read_lines(path)):
        return parse_qa_list(path, name)
    return parse_deck(path, name)


@dataclass(frozen=True)
class ImportResult:
    deck: Deck
    stored_at: Path | None
    status: str  # "added", "replaced" or "unchanged"


class ImportRefused(Exception):
    """An import that would overwrite something; nothing was written."""


def import_deck(path: Path | str, name: str | None = None, replace: bool = False) -> ImportResult:
    """Validate a deck file fully, then store it (course format, UTF-8, LF) under the course home.

    Nothing is written if the file has any error, or if a different deck of the same name exists
    (unless ``replace``; a course deck is never replaced).
    """
    deck = read_any_deck(path, name)
    existing = load_decks([]).get(deck.name)  # a broken file elsewhere does not block an import
    if existing is not None and is_course_deck(existing):
        if existing == deck:
            return ImportResult(existing, existing.path, "unchanged")
        raise ImportRefused(
            f"{deck.name!r} is the name of a course deck ({existing.path}); "
            "rename your deck (line 1, or --name) and import again")
    target = imported_decks_dir() / f"{safe_file_stem(deck.name)}{DECK_SUFFIX}"
    if existing is None and (target.exists() or target.is_symlink()):  # another name, same file name
        stored = parse_deck(target)
        if stored.name != deck.name:
            raise ImportRefused(
                f"your deck {deck.name!r} would be stored as {target}, which already holds the different "
                f"deck {stored.name!r} (both names give the same file name); --replace never overwrites "
                "another deck: give yours another name (line 1, or --name)")
        existing = stored
    if existing is not None:
        if existing == deck:
            return ImportResult(existing, existing.path, "unchanged")
        if not replace:
            raise ImportRefused(
                f"a different deck named {existing.name!r} is already imported ({existing.path}); "
                "use --replace to overwrite it, or give yours another name")
    atomic_write_text(target, deck.to_text())
    return ImportResult(parse_deck(target), target, "replaced" if existing else "added")


def check_deck_name(path: Path, name: str) -> None:
    """Refuse a deck name given with ``--name`` that is blank, too long or holds control characters."""
    if not name.strip() or len(name) > 200 or any(unicodedata.category(char) == "Cc" for char in name):
        raise DeckFormatError(path, None, f"the deck name {name!r} given with --name must be 1-200 "
                                          "printable characters")


def safe_file_stem(name: str) -> str:
    """A file-system-safe stem for a deck name."""
    stem = re.sub(r"[^\w.-]+", "_", name).strip("._")
    return stem or "deck"
