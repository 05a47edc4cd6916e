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
    # issue 19 (i19): gradebook merge by student
    student_from: Optional[str] = typer.Option(None, help="Regex with a (?P<student>...) group, searched in each path: "
                                               "who the submission belongs to in the gradebook (default: file name)."),
    cluster: Optional[str] = typer.Option(None, help="Grade on Dask: local:N (N worker processes here) or the "
                                          "scheduler address tcp://HOST:8786. Replaces --workers."),
    feedback: Optional[Path] = typer.Option(None, help="Write one HTML feedback page per submission and the "
                                            "instructor summary (summary.csv/.html, scores.png) into this folder."),
) -> None:
    """Run each notebook top to bottom under nbval and score every exercise of its lesson.

    Grading RUNS THE LEARNER'S CODE (in a subprocess with time and memory limits,
    on a copy in a temporary folder). Exit 0 when every submission could be graded.
    """
    from rich.console import Console
    from rich.progress import Progress

    from cnncourse.grading.grade import grade_many
    from cnncourse.grading.report import as_json, print_table

    err = Console(stderr=True)
    # issue 19 (i19): check the gradebook and --student-from before grading, not after hours of it
    from cnncourse.grading.gradebook import GradebookError, merge_gradebook, read_gradebook, student_of
    try:
        for nb in notebooks:
            student_of(nb, student_from)
        if gradebook and gradebook.exists():
            read_gradebook(gradebook)
        if cluster:
            from cnncourse.grading.cluster import parse_cluster
            parse_cluster(cluster)
    except (ValueError, GradebookError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("grading", total=len(notebooks))
        if cluster:  # issue 19 (i19): the same grading, one Dask task per submission
            from cnncourse.grading.cluster import grade_on_cluster
            try:
                results = grade_on_cluster(notebooks, cluster, timeout=timeout, memory_gb=memory_gb, lesson=lesson,
                                           progress=lambda: progress.advance(task))
            except ConnectionError as exc:
                err.print(f"[red]{exc}[/red]")
                raise typer.Exit(2)
        else:
            results = grade_many(notebooks, workers=workers, timeout=timeout, memory_gb=memory_gb, lesson=lesson,
                                 progress=lambda: progress.advance(task))
    if json_out:
        typer.echo(as_json(results))
    else:
        print_table(results, Console())
    if gradebook:
        merge_gradebook(results, gradebook, student_from)  # issue 19 (i19): update rows by student
    if feedback:  # issue 19 (i19): pages for students, summary for the instructor
        from cnncourse.grading.feedback import print_summary, write_feedback, write_summary
        write_feedback(results, feedback, student_from)
        write_summary(results, feedback)
        print_summary(results, err if json_out else Console())
    unreadable = [r for r in results if not r.readable]
    for r in unreadable:
        err.print(f"[red]could not grade[/red] {r.error}")
    if unreadable:
        raise typer.Exit(2)
