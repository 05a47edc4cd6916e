"""Grading output: a terminal table, JSON for machines, and a gradebook CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path


def as_json(results) -> str:
    return json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False)


def print_table(results, console) -> None:
    from rich.table import Table

    for r in results:
        title = f"{r.notebook}  —  {r.lesson or '?'}  —  {r.score}/{r.max_score}"
        table = Table(title=title, title_justify="left")
        for col in ("exercise", "points", "result", "message"):
            table.add_column(col, overflow="fold")
        for e in r.exercises:
            table.add_row(e.id, f"{e.points if e.passed else 0}/{e.points}",
                          "[green]pass[/green]" if e.passed else "[red]fail[/red]", e.message)
        console.print(table)
        if r.error:
            console.print(f"[yellow]{r.error}[/yellow]")


def write_gradebook(results, path: Path) -> None:
    """One row per submission; one column per exercise (points earned)."""
    ids = sorted({e.id for r in results for e in r.exercises})
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["notebook", "lesson", "score", "max_score", "error", *ids])
        for r in results:
            earned = {e.id: (e.points if e.passed else 0) for e in r.exercises}
            writer.writerow([r.notebook, r.lesson or "", r.score, r.max_score, r.error or "", *(earned.get(i, "") for i in ids)])
