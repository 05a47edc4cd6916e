"""The gradebook CSV: one row per (student, lesson), merged on re-grading, written atomically.

Depends only on the grading result row (``notebook, lesson, score, max_score, error,
exercises[id, points, passed, message]`` and an optional ``flags`` list), given as a
result object with ``to_json()`` or as that dict.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from cnncourse.course.files import atomic_write_text

FIXED_COLUMNS = ["student", "notebook", "lesson", "score", "max_score", "error", "flags"]


class GradebookError(ValueError):
    """The existing gradebook cannot be read safely; it is left untouched."""


def as_row(result) -> dict:
    """The result row as a plain dict, whatever form the grader returned it in."""
    row = result.to_json() if hasattr(result, "to_json") else dict(result)
    row["exercises"] = [e if isinstance(e, dict) else vars(e) for e in row.get("exercises", [])]
    row.setdefault("flags", [])
    return row


def flag_text(flag) -> str:
    """One readable line for a flag, whether the grader gives strings or dicts."""
    if isinstance(flag, dict):
        return str(flag.get("message") or flag.get("name") or flag.get("kind") or flag)
    return str(flag)


def compile_student_pattern(pattern: str | None) -> re.Pattern | None:
    """``--student-from`` as a regex with a named group ``student``; a clear error otherwise."""
    if pattern is None:
        return None
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"--student-from {pattern!r} is not a valid regular expression: {exc}") from None
    if "student" not in regex.groupindex:
        raise ValueError(f"--student-from {pattern!r} needs a named group (?P<student>...) that captures the student")
    return regex


def student_of(notebook: str | Path, pattern: re.Pattern | str | None = None) -> str:
    """Who handed this in: the file name without extension, or the ``student`` group of ``pattern``
    searched in the path as given (so a folder per student works: ``(?P<student>[^/]+)/[^/]+$``)."""
    if isinstance(pattern, str):
        pattern = compile_student_pattern(pattern)
    if pattern is None:
        return Path(notebook).stem
    match = pattern.search(str(notebook))
    if not match or not match.group("student"):
        raise ValueError(f"{notebook}: --student-from {pattern.pattern!r} does not match this path, so the student is unknown")
    return match.group("student")


def read_gradebook(path: Path) -> tuple[list[str], list[dict]]:
    """Columns and rows of an existing gradebook; raises GradebookError naming the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GradebookError(f"{path}: not UTF-8 text, so not a gradebook written by cnncourse grade; "
                             "move it away or name another --gradebook (it was left unchanged)") from None
    refuse = f"; move it away or name another --gradebook (it was left unchanged)"
    if not text.strip():
        return list(FIXED_COLUMNS), []
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise GradebookError(f"{path}: not valid CSV ({exc}){refuse}") from None
    header, body = table[0], [r for r in table[1:] if r]
    if header[:len(FIXED_COLUMNS)] != FIXED_COLUMNS:
        raise GradebookError(f"{path}: not a cnncourse gradebook: its columns start {','.join(header[:7])!r}, "
                             f"expected {','.join(FIXED_COLUMNS)!r}{refuse}")
    rows, seen = [], set()
    for line, values in enumerate(body, start=2):
        if len(values) != len(header):
            raise GradebookError(f"{path}: row {line} has {len(values)} fields, the header has {len(header)}{refuse}")
        row = dict(zip(header, values))
        for column in ("score", "max_score"):
            if not re.fullmatch(r"\d+", row[column]):
                raise GradebookError(f"{path}: row {line}: {column} {row[column]!r} is not a whole number{refuse}")
        key = (row["student"], row["lesson"])
        if key in seen:
            raise GradebookError(f"{path}: row {line}: student {key[0]!r} appears twice for lesson {key[1]!r}{refuse}")
        seen.add(key)
        rows.append(row)
    return header, rows


def row_for(result, pattern: re.Pattern | str | None = None) -> dict:
    """The gradebook row of one result: fixed columns, then points earned per exercise."""
    r = as_row(result)
    row = {"student": student_of(r["notebook"], pattern), "notebook": str(r["notebook"]), "lesson": r.get("lesson") or "",
           "score": str(r.get("score", 0)), "max_score": str(r.get("max_score", 0)), "error": r.get("error") or "",
           "flags": " | ".join(flag_text(f) for f in r["flags"])}
    for e in r["exercises"]:
        row[e["id"]] = str(e["points"] if e["passed"] else 0)
    return row


def merge_gradebook(results, path: Path, student_from: re.Pattern | str | None = None) -> list[dict]:
    """Update ``path`` with these results: a (student, lesson) already there is replaced in place,
    a new one appended. Written to a temporary file then renamed, so a crash never leaves half a file."""
    path = Path(path)
    header, rows = read_gradebook(path) if path.exists() else (list(FIXED_COLUMNS), [])
    new_rows = [row_for(r, student_from) for r in results]
    index = {(row["student"], row["lesson"]): i for i, row in enumerate(rows)}
    for row in new_rows:
        key = (row["student"], row["lesson"])
        if key in index:
            rows[index[key]] = row
        else:
            index[key] = len(rows)
            rows.append(row)
    exercise_columns = sorted({c for row in rows for c in row} - set(FIXED_COLUMNS),
                              key=lambda c: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", c)])
    # keep the existing order of columns; new exercises go after them
    columns = header + [c for c in exercise_columns if c not in header]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buffer.getvalue())
    return rows
