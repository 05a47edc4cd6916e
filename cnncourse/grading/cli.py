"""``cnncourse grade``: grade learner notebooks with the course's own checks, each in its own sandbox."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from cnncourse.grading.grade import DEFAULT_MAX_MB, DEFAULT_MEMORY_GB, DEFAULT_TIMEOUT, DEFAULT_WALL


def grade_command(
    notebooks: list[Path] = typer.Argument(..., help="Learner notebooks to grade."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON list of results on stdout."),
    json_file: Optional[Path] = typer.Option(None, help="Also write the JSON list to this file (atomically)."),
    timeout: int = typer.Option(DEFAULT_TIMEOUT, help="Seconds one cell may run before it is interrupted."),
    wall: int = typer.Option(DEFAULT_WALL, help="Seconds one whole submission may run before its sandbox is killed."),
    workers: int = typer.Option(os.cpu_count() or 1, help="Submissions graded in parallel."),
    gradebook: Optional[Path] = typer.Option(None, help="Write one CSV row per submission here (atomically)."),
    lesson: Optional[str] = typer.Option(None, help="Expected lesson slug; other lessons are reported."),
    memory_gb: float = typer.Option(DEFAULT_MEMORY_GB, help="Address-space limit of each process of a graded kernel, GiB."),
    max_size_mb: float = typer.Option(DEFAULT_MAX_MB, help="Larger submission files are refused."),
    sandbox: Optional[str] = typer.Option(None, help="bwrap (default on Linux), docker, podman, or none (NO isolation)."),
    image: str = typer.Option("cnncourse-grader", help="Image for --sandbox docker|podman (holds the course, no solutions/)."),
    # issue 19 (i19): gradebook merge by student
    student_from: Optional[str] = typer.Option(None, help="Regex with a (?P<student>...) group, searched in each path: "
                                               "who the submission belongs to in the gradebook (default: file name)."),
    cluster: Optional[str] = typer.Option(None, help="Grade on Dask: local:N (N worker processes here) or the "
                                          "scheduler address tcp://HOST:8786. Replaces --workers."),
    feedback: Optional[Path] = typer.Option(None, help="Write one HTML feedback page per submission and the "
                                            "instructor summary (summary.csv/.html, scores.png) into this folder."),
) -> None:
    """Run each notebook top to bottom in its own sandbox and score every exercise of its lesson.

    Grading RUNS THE LEARNER'S CODE: by default inside bubblewrap (no network, the course
    read-only, solutions/ and other submissions hidden, limits on time, memory, file size and
    processes). The verdicts are computed outside the sandbox. Exit 0 when every submission
    could be graded, 2 when one could not (after grading the others) or the sandbox cannot run.
    """
    from rich.console import Console
    from rich.progress import Progress

    from cnncourse.grading import sandbox as sb
    from cnncourse.grading.grade import grade_many
    from cnncourse.course.files import atomic_write_text
    from cnncourse.grading.report import as_json, print_table

    err = Console(stderr=True)
    kind = sandbox or sb.default_kind()
    try:
        sb.check_available(kind, image)
    except sb.SandboxUnavailable as exc:
        err.print(f"[red]cannot grade:[/red] {exc}")
        raise typer.Exit(2)
    if kind == "none":
        err.print("[bold red]WARNING: --sandbox none: nothing is isolated. The learners' code runs with YOUR permissions, can read "
                  "solutions/ and other submissions, use the network, and leave processes behind. "
                  "Only time/memory/file-size limits apply.[/bold red]")
    # Check the gradebook and --student-from before grading, not after hours of it.
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
    options = dict(timeout=timeout, memory_gb=memory_gb, lesson=lesson, sandbox=kind, wall_seconds=wall,
                   max_mb=max_size_mb, image=image)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("grading", total=len(notebooks))
        if cluster:  # the same sandboxed grading, one Dask task per submission
            from cnncourse.grading.cluster import grade_on_cluster
            try:
                results = grade_on_cluster(notebooks, cluster, progress=lambda: progress.advance(task), **options)
            except ConnectionError as exc:
                err.print(f"[red]{exc}[/red]")
                raise typer.Exit(2)
        else:
            results = grade_many(notebooks, workers=workers, progress=lambda: progress.advance(task), **options)
    if json_out:
        typer.echo(as_json(results))
    else:
        print_table(results, Console())
    if json_file:
        atomic_write_text(json_file, as_json(results) + "\n")
    if gradebook:
        merge_gradebook(results, gradebook, student_from)  # issue 19 (i19): update rows by student
    if feedback:  # issue 19 (i19): pages for students, summary for the instructor
        from cnncourse.grading.feedback import print_summary, write_feedback, write_summary
        write_feedback(results, feedback, student_from)
        write_summary(results, feedback)
        print_summary(results, err if json_out else Console())
    unreadable = [r for r in results if not r.readable]
    for r in unreadable:
        err.print(f"could not grade {r.error}", markup=False, highlight=False)
    flagged = [r for r in results if r.flags]
    if flagged:
        err.print(f"{len(flagged)} submission(s) flagged for review (see 'flags')", markup=False)
    if unreadable:
        raise typer.Exit(2)
