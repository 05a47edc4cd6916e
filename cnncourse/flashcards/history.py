"""The learner's review history: one JSON file under the course home, written atomically.

A file that is not valid JSON, that is not a history of this course (wrong ``format`` or unknown
``version``), or that is not a regular file at all (a directory, a FIFO, a device) is never
overwritten: it is renamed to ``<name>.corrupt-<timestamp>``, a notice says so, and a fresh history
starts. Any other problem reading or writing the file (no permission, read-only disk, disk full)
raises :class:`HistoryError` with a plain message, and a rating is only counted once it is saved.
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import fsrs

from cnncourse.course import paths
from cnncourse.flashcards.files import atomic_write_text, file_kind, read_regular_file, temp_files_of

FORMAT = "cnncourse-flashcards-history"
VERSION = 1
MAX_HISTORY_BYTES = 512 * 1024 * 1024  # about two million reviews


class HistoryError(Exception):
    """The history file cannot be read or written; the message says which file, why, and what to do."""


def history_path() -> Path:
    """``<course home>/flashcards/history.json`` (the course home follows ``$CNNCOURSE_HOME``)."""
    return paths.course_home() / "flashcards" / "history.json"


@dataclass
class History:
    """Scheduling state per card id, plus every review ever made (append-only, except undo)."""

    cards: dict[str, dict] = field(default_factory=dict)  # card id -> {"deck", "question", "fsrs"}
    reviews: list[dict] = field(default_factory=list)  # {"card", "deck", "state_before", **ReviewLog dict}

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "version": VERSION, "cards": self.cards,
                           "reviews": self.reviews}, ensure_ascii=False, indent=1) + "\n"


def _os_reason(err: OSError) -> str:
    return err.strerror or str(err)


class HistoryStore:
    """Reads and updates one history file; problems found while reading are collected in ``notices``."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else history_path()
        self.notices: list[str] = []
        self._cleaned = False
        self._reported: set[str] = set()

    def load(self) -> History:
        """The stored history; an unreadable or foreign file is set aside (see module doc)."""
        if not self._cleaned:
            self._cleaned = True
            self.clean_stale_temp_files()
        return self._read()

    def _read(self) -> History:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return History()
        except OSError as err:
            raise HistoryError(f"cannot read your review history {self.path}: {_os_reason(err)}") from None
        problem = None
        if not stat.S_ISREG(info.st_mode):
            problem = f"it is {file_kind(info.st_mode)}, not a file"
        elif info.st_size > MAX_HISTORY_BYTES:
            problem = f"it is larger than {MAX_HISTORY_BYTES // 2**20} MB"
        else:
            try:
                history, fixes = _parse(read_regular_file(self.path, MAX_HISTORY_BYTES))
            except ValueError as err:
                problem = str(err)
            except OSError as err:
                raise HistoryError(f"cannot read your review history {self.path}: {_os_reason(err)}") from None
            else:
                self.notices.extend(fix for fix in fixes if fix not in self._reported)
                self._reported.update(fixes)  # said once per store, not again at every save
                return history
        aside = self._set_aside(problem)
        self.notices.append(
            f"{self.path} is not a review history this course can read ({problem}); it was kept "
            f"unchanged as {aside} and a new, empty history was started.")
        return History()

    def check_writable(self) -> None:
        """Raise :class:`HistoryError` now if ratings could not be saved (before any card is shown)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            os.close(fd)
            os.unlink(probe)
            with self._lock():
                pass
        except OSError as err:
            raise HistoryError(
                f"ratings cannot be saved in {self.path.parent} ({_os_reason(err)}); make that folder "
                f"writable, or set CNNCOURSE_HOME to a writable folder, then start again") from None

    def clean_stale_temp_files(self) -> list[Path]:
        """Delete temporary files a killed writer left behind; returns them. Safe: done under the lock."""
        if not temp_files_of(self.path):
            return []
        try:
            with self._lock():
                return self._remove_temp_files()
        except OSError:  # read-only folder: nothing we can clean, and nothing to save either
            return []

    def _remove_temp_files(self) -> list[Path]:
        stale = temp_files_of(self.path)  # under the lock no writer is busy, so every one is stale
        for tmp in stale:
            tmp.unlink(missing_ok=True)
        return stale

    def record(self, card_id: str, deck: str, question: str, fsrs_card: dict, review_log: dict) -> History:
        """Store a card's new scheduling state and its review (re-reading the file under a lock first)."""
        try:
            with self._lock():
                self._remove_temp_files()
                history = self._read()
                history.cards[card_id] = {"deck": deck, "question": question, "fsrs": fsrs_card}
                history.reviews.append({"card": card_id, "deck": deck, **review_log})
                atomic_write_text(self.path, history.to_json())
        except OSError as err:
            raise HistoryError(
                f"your rating of {question!r} could NOT be saved to {self.path} ({_os_reason(err)}); "
                "fix that, then rate the card again") from None
        return history

    def undo(self, card_id: str, review_datetime: str, previous_entry: dict | None) -> History:
        """Remove the last review (it must be ``card_id`` at ``review_datetime``) and restore the card."""
        try:
            with self._lock():
                history = self._read()
                last = history.reviews[-1] if history.reviews else {}
                if last.get("card") != card_id or last.get("review_datetime") != review_datetime:
                    raise HistoryError("cannot undo: the history has changed since that rating "
                                       "(another review was saved after it)")
                history.reviews.pop()
                if previous_entry is None:
                    history.cards.pop(card_id, None)
                else:
                    history.cards[card_id] = copy.deepcopy(previous_entry)
                atomic_write_text(self.path, history.to_json())
        except OSError as err:
            raise HistoryError(f"cannot undo: {self.path} could not be written ({_os_reason(err)})") from None
        return history

    def _set_aside(self, problem: str) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while aside.exists() or aside.is_symlink():
            counter += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        try:
            os.replace(self.path, aside)
        except OSError as err:
            raise HistoryError(
                f"{self.path} is not a review history this course can read ({problem}), and it could not "
                f"be renamed out of the way ({_os_reason(err)}); move it elsewhere yourself") from None
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
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _as_utc(text: object) -> tuple[str, bool]:
    """An ISO date-time string in UTC; ``True`` if it had no time zone (then it is read as UTC)."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a date-time string")
    moment = datetime.fromisoformat(text)
    naive = moment.tzinfo is None
    moment = moment.replace(tzinfo=timezone.utc) if naive else moment.astimezone(timezone.utc)
    return moment.isoformat(), naive


def _parse(data: bytes) -> tuple[History, list[str]]:
    """A history from file bytes, plus notices about what was repaired; ``ValueError`` says what is wrong."""
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
    naive = 0
    for card_id, entry in cards.items():
        try:
            state = entry["fsrs"]
            for key in ("due", "last_review"):
                if state.get(key) is not None:
                    state[key], was_naive = _as_utc(state[key])
                    naive += was_naive
            fsrs.Card.from_dict(state)
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"card {card_id!r} has no valid scheduling state ({err!r})") from None
    for number, review in enumerate(reviews):
        try:
            review["review_datetime"], was_naive = _as_utc(review["review_datetime"])
            naive += was_naive
            review["card"], int(review["rating"])
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"review {number} is not a valid review ({err!r})") from None
    fixes = [f"{naive} date(s) in the review history had no time zone; they were read as UTC."] if naive else []
    return History(cards, reviews), fixes
