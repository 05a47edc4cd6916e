"""``cnncourse bench [--quick] [--json OUT]``: run the figures one after the other and report them."""
from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from cnncourse.course.bench import config as presets
from cnncourse.course.bench.config import BenchConfig
from cnncourse.course.bench.figure import ERROR, Figure
from cnncourse.course.bench.timing import cpu_cores, load_average, set_tf_threads

GROUPS = ("fashion", "conv", "notebooks", "grading")


def _crashed(key: str, name: str, exc: BaseException) -> Figure:
    text = str(exc).strip().splitlines()
    return Figure.failed(key, name, ERROR, f"crashed: {type(exc).__name__}: {text[-1] if text else ''}"[:400])


def _pick_lesson(paths: list[Path], which: str) -> Path:
    if which == "smallest":
        from cnncourse.course.bench.notebooks import smallest
        return smallest(paths)
    for p in paths:
        if p.stem == which or p.stem.startswith(which + "_"):
            return p
    raise ValueError(f"no solution notebook for lesson {which!r}")


def run(cfg: BenchConfig, only=GROUPS, solutions_dir: Path | None = None, say=print) -> tuple[list[Figure], dict]:
    """Measure the selected figure groups with ``cfg``; returns ``(figures, meta)``. Never raises for
    a crashing benchmark: its rows carry status "error" instead."""
    from cnncourse.course import paths as course_paths
    from cnncourse.course.notebooks import solution_paths

    solutions_dir = Path(solutions_dir or course_paths.SOLUTIONS_DIR)
    meta = {"mode": cfg.name, "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "cpu_cores": cpu_cores(), "threads_requested": cfg.threads, "load_average_start": load_average(),
            "python": platform.python_version(), "platform": platform.platform(), "command": " ".join(sys.argv)}
    start = time.perf_counter()
    meta["tf_threads_applied"] = set_tf_threads(cfg.threads)  # before anything else starts TensorFlow
    figures: list[Figure] = []

    # The lessons and the graded one are fixed at the start, so figures 3 and 4 agree while authors edit.
    lessons = solution_paths(solutions_dir)
    grade_path, grade_problem = None, f"no solution notebooks in {solutions_dir}"
    if lessons:
        try:
            grade_path = _pick_lesson(lessons, cfg.grade_lesson)
        except ValueError as exc:
            grade_problem = str(exc)

    if "fashion" in only:
        say("figure 1: training the fast recipe on Fashion-MNIST ...")
        from cnncourse.course.bench import fashion
        try:
            figures += fashion.measure(cfg.recipe, cfg.threads, cfg.test_size, cfg.recipe_reduced)
        except Exception as exc:
            figures += [_crashed(fashion.ACC_KEY, fashion.ACC_NAME, exc),
                        _crashed(fashion.TIME_KEY, fashion.TIME_NAME, exc)]

    if "conv" in only:
        say("figure 2: NumPy conv2d vs TensorFlow ...")
        from cnncourse.course.bench import conv
        try:
            figures += conv.measure(cfg.conv_shape, cfg.naive_shape, cfg.conv_repeats, cfg.threads)
        except Exception as exc:
            figures += [_crashed(conv.IM2COL_KEY, "conv2d fwd+bwd: NumPy im2col / TensorFlow", exc)]

    executed: dict[str, float] = {}
    if "notebooks" in only:
        say("figure 3: executing solution notebooks ...")
        from cnncourse.course.bench import notebooks
        try:
            which = cfg.notebooks
            if which == "smallest" and len(lessons) > 1 and grade_path is not None:
                which = (grade_path.stem,)  # the lesson figure 4 grades, picked once at the start
            found, executed = notebooks.measure(lessons, which, cfg.notebook_timeout)
            figures += found
        except Exception as exc:
            figures += [_crashed("notebooks_total_seconds", "all solution notebooks, total", exc)]

    if "grading" in only:
        say("figure 4: grading one solution notebook ...")
        from cnncourse.course.bench import grading
        try:
            if grade_path is None:
                raise ValueError(grade_problem)
            figures += grading.measure(grade_path, executed.get(grade_path.stem), cfg.notebook_timeout,
                                       solutions_dir)
        except Exception as exc:
            figures += [_crashed(grading.KEY, grading.NAME, exc)]

    meta["wall_seconds"] = round(time.perf_counter() - start, 1)
    meta["load_average_end"] = load_average()
    if "tensorflow" in sys.modules:
        from cnncourse.course.bench.timing import tf_threads
        meta["tf_threads"] = tf_threads()
    return figures, meta


def bench_command(
    quick: bool = typer.Option(False, "--quick", help="Reduced sizes (about 2 minutes): 1 epoch on 10k images, "
                                                       "the smallest notebook only."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write every figure, its target and "
                                                                  "pass/fail to this JSON file."),
    threads: int = typer.Option(2, help="TensorFlow and BLAS threads for the training and conv figures."),
    only: list[str] = typer.Option(list(GROUPS), "--only", help="Run only these figure groups "
                                                                 f"({', '.join(GROUPS)}); repeatable."),
    lesson: Optional[list[str]] = typer.Option(None, "--lesson", help="Execute only these lessons "
                                                                      "(slug or number) for figure 3; repeatable."),
    grade_lesson: Optional[str] = typer.Option(None, help="Lesson graded for figure 4 (default: the smallest)."),
    timeout: int = typer.Option(600, help="Per-cell timeout (s) when executing and grading notebooks."),
) -> None:
    """Measure the course's speed on this machine: training recipe, conv2d, notebooks, grading.

    Prints a table (figure, measured, target, met?); exit 0 whether or not targets are met,
    1 only if a benchmark crashed.
    """
    from rich.console import Console

    unknown = sorted(set(only) - set(GROUPS))
    if unknown:
        raise typer.BadParameter(f"unknown figure group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}",
                                 param_hint="--only")
    cfg = (presets.QUICK if quick else presets.FULL).with_(threads=threads, notebook_timeout=timeout)
    if lesson:
        cfg = cfg.with_(notebooks=tuple(lesson))
    if grade_lesson:
        cfg = cfg.with_(grade_lesson=grade_lesson)
    err = Console(stderr=True)
    figures, meta = run(cfg, tuple(only), say=lambda text: err.print(f"[dim]{text}[/]"))

    from cnncourse.course.bench import report
    report.render(figures, meta, Console())
    if json_out:
        report.write_json(json_out, figures, meta)
        err.print(f"wrote {json_out}")
    if any(f.status == ERROR for f in figures):
        raise typer.Exit(1)
