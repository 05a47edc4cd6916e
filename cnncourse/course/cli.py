"""The ``cnncourse`` command: one sub-command per concern, each defined in its own module.

Course tooling: not imported by the lessons.
"""
from __future__ import annotations

import typer

app = typer.Typer(help="cnncourse: an offline, tested course on convolutional neural networks.",
                  no_args_is_help=True, add_completion=False)


def _register() -> None:
    # Each concern keeps its commands in its own module; this list wires them in.
    from cnncourse.course import doctor, notebooks

    app.command("doctor")(doctor.doctor_command)
    app.command("build")(notebooks.build_command)
    app.command("execute")(notebooks.execute_command)
    from cnncourse.course.lint import check_lessons_command, lint_command
    app.command("lint")(lint_command)
    app.command("check-lessons")(check_lessons_command)
    from cnncourse.grading.cli import grade_command
    app.command("grade")(grade_command)
    from cnncourse.grading.release import release_command
    app.command("release")(release_command)
    from cnncourse.grading.gradescope import autograder_command  # issue 19
    app.command("autograder")(autograder_command)
    from cnncourse.course.bench.cli import bench_command
    app.command("bench")(bench_command)
    from cnncourse.flashcards import review_cli
    app.add_typer(review_cli.app, name="flashcards")


_register()


def main() -> None:
    app()
