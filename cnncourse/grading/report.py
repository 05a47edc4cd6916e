"""Grading output: a terminal table, JSON for machines, and a gradebook CSV (written atomically)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from cnncourse.course.files import atomic_write_text


def as_json(results) -> str:
    return json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False)


def print_table(results, console) -> None:
    from rich.markup import escape
    from rich.table import Table

    for r in results:
        title = f"{escape(r.notebook)}  —  {r.lesson or '?'}  —  {r.score}/{r.max_score}"
        table = Table(title=title, title_justify="left")
        for col in ("exercise", "points", "result", "message"):
            table.add_column(col, overflow="fold")
        for e in r.exercises:
            table.add_row(escape(e.id), f"{e.points if e.passed else 0}/{e.points}",
                          "[green]pass[/green]" if e.passed else "[red]fail[/red]", escape(e.message))
        console.print(table)
        if r.error:
            console.print(f"[yellow]{escape(r.error)}[/yellow]")
        for flag in getattr(r, "flags", []):
            console.print(f"[magenta]flagged:[/magenta] {escape(flag)}")


def write_gradebook(results, path: Path) -> None:
    """One row per submission; one column per exercise (points earned); flags joined by ' | '."""
    ids = sorted({e.id for r in results for e in r.exercises})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["notebook", "lesson", "score", "max_score", "error", "flags", *ids])
    for r in results:
        earned = {e.id: (e.points if e.passed else 0) for e in r.exercises}
        writer.writerow([r.notebook, r.lesson or "", r.score, r.max_score, r.error or "", " | ".join(getattr(r, "flags", [])),
                         *(earned.get(i, "") for i in ids)])
    atomic_write_text(path, out.getvalue())
