"""Reading learner-supplied text files strictly, and writing files atomically."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

BOM = "\ufeff"
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DeckFormatError(ValueError):
    """A deck file cannot be read; names the file, the 1-based line and what to do."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")


def read_lines(path: Path | str) -> list[str]:
    """The file's lines as text: strict UTF-8, a leading BOM dropped, CRLF/CR/LF endings all accepted."""
    path = Path(path)
    data = path.read_bytes()
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
    return LINE_BREAK.split(text)  # not str.splitlines(): it also splits on \f, \v, U+2028...


def atomic_write_text(path: Path | str, text: str) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves either the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
