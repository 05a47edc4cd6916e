"""Reading learner-supplied files strictly (regular files only, size cap, no control characters).

Atomic writing is :mod:`cnncourse.course.files` (imported here for the flashcard modules)."""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path

from cnncourse.course.files import TEMP_SUFFIX, atomic_write_text, glob_escape, temp_files_of  # noqa: F401

BOM = "\ufeff"
LINE_BREAK = re.compile(r"\r\n|\r|\n")
MAX_DECK_BYTES = 4 * 1024 * 1024  # a 250-card deck is about 50 kB
ALLOWED_CONTROL = {"\t"}


class DeckFormatError(ValueError):
    """A deck file cannot be read; names the file, the 1-based line (when there is one) and what to do."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")


class UnreadableFile(ValueError):
    """A file that is not a readable regular file of sensible size; the message says why."""


def file_kind(mode: int) -> str:
    """A learner-readable name for what a ``stat`` mode is."""
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def read_regular_file(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``.

    Raises :class:`UnreadableFile` for a directory, FIFO, device (``/dev/zero``) or a file that is too
    large: it is checked with ``os.stat`` before opening, and opened with ``O_NONBLOCK`` so that a FIFO
    swapped in meanwhile cannot hang the read. ``OSError`` (missing file, no permission) propagates.
    """
    path = Path(path)
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFile(f"{path} is {file_kind(info.st_mode)}, not a regular file")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{path} is {file_kind(info.st_mode)}, not a regular file")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableFile(f"{path} is larger than the {max_bytes // 1024} kB this file may have")
    return data


def read_lines(path: Path | str, max_bytes: int = MAX_DECK_BYTES) -> list[str]:
    """The file's lines: strict UTF-8, a leading BOM dropped, CRLF/CR/LF endings all accepted.

    A final line break does not start another (empty) line. Control characters other than tab
    (NUL, ESC, ...) are refused with their line and column.
    """
    path = Path(path)
    try:
        data = read_regular_file(path, max_bytes)
    except UnreadableFile as err:
        raise DeckFormatError(path, None, f"{str(err).removeprefix(str(path) + ' ')}; a deck must be a "
                                          "plain UTF-8 text file") from None
    except OSError as err:
        raise DeckFormatError(path, None, f"cannot be read ({err.strerror or err})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - data.rfind(b"\n", 0, err.start)
        raise DeckFormatError(
            path, line,
            f"byte 0x{data[err.start]:02x} (column {column}, byte offset {err.start}) is not valid UTF-8; "
            "re-save the file with UTF-8 encoding") from None
    if text.startswith(BOM):
        text = text[len(BOM):]
    lines = LINE_BREAK.split(text)  # not str.splitlines(): it also splits on \f, \v, U+2028...
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        for column, char in enumerate(line, start=1):
            if unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROL:
                raise DeckFormatError(
                    path, number, f"line {number}, column {column} has the control character "
                    f"U+{ord(char):04X}{_control_name(char)}, which a deck may not contain; delete it")
    return lines


def _control_name(char: str) -> str:
    names = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x0c": "form feed", "\x0b": "vertical tab"}
    return f" ({names[char]})" if char in names else ""
