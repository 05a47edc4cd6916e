"""``cnncourse grade``: grade learner notebooks with the course's own checks."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from cnncourse.grading.grade import DEFAULT_MEMORY_GB, DEFAULT_TIMEOUT


def grade_command(
    notebooks: list[Path] = typer.Argument(..., help="Learner notebooks to grade."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON list of results on stdout."),
    timeout: int = typer.Option(DEFAULT_TIMEOUT, help="Seconds one cell may run before it is interrupted."),
    workers: int = typer.Option(os.cpu_count() or 1, help="Submissions graded in parallel."),
    gradebook: Optional[Path] = typer.Option(None, help="Write one CSV row per submission here."),
    lesson: Optional[str] = typer.Option(None, help="Expected lesson slug; other lessons are reported."),
    memory_gb: float = typer.Option(DEFAULT_MEMORY_GB, help="Memory limit of each graded kernel, GiB."),
) -> None:
    """Run each notebook top to bottom under nbval and score every exercise of its lesson.

    Grading RUNS THE LEARNER'S CODE (in a subprocess with time and memory limits,
    on a copy in a temporary folder). Exit 0 when every submission could be graded.
    """
    from rich.console import Console
    from rich.progress import Progress

    from cnncourse.grading.grade import grade_many
    from cnncourse.grading.report import as_json, print_table, write_gradebook

    err = Console(stderr=True)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("grading", total=len(notebooks))
        results = grade_many(notebooks, workers=workers, timeout=timeout, memory_gb=memory_gb, lesson=lesson,
                             progress=lambda: progress.advance(task))
    if json_out:
        typer.echo(as_json(results))
    else:
        print_table(results, Console())
    if gradebook:
        write_gradebook(results, gradebook)
    unreadable = [r for r in results if not r.readable]
    for r in unreadable:
        err.print(f"[red]could not grade[/red] {r.error}")
    if unreadable:
        raise typer.Exit(2)
