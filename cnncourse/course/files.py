"""Writing a file atomically: a temporary file in the same folder, fsync, then a rename, so that a crash
leaves the old file or the new one, never half of one. The course's one atomic writer (gradebooks, grading
JSON, flashcard history and decks, the recorded studies in data/), and the recorded studies' reader.

Course tooling: lessons do not import it themselves.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def atomic_write_text(path: Path | str, text: str) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves either the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
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


def write_record(path: Path | str, record: dict) -> None:
    """Write a study record (see docs/authoring.md, "Stored outputs must reproduce") as indented JSON, atomically."""
    atomic_write_text(path, json.dumps(record, indent=1) + "\n")


def read_record(path: Path | str, script: str) -> dict:
    """The study record at ``path``; if it is missing, the error names ``scripts/<script>``, which re-makes it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no study record at {path}; re-make it with `python scripts/{script}`")
    return json.loads(path.read_text())


def temp_files_of(path: Path | str) -> list[Path]:
    """Temporary files :func:`atomic_write_text` may have left next to ``path`` (after a kill -9)."""
    path = Path(path)
    return sorted(path.parent.glob(f".{glob_escape(path.name)}.*{TEMP_SUFFIX}"))


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


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
