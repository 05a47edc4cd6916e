"""A Gradescope autograder for one lesson: the bundle (``cnncourse autograder``) and the grader it runs.

Gradescope unpacks the bundle into ``/autograder/source``, runs ``setup.sh`` once to build the
image, then ``run_autograder`` for each submission, which must write
``/autograder/results/results.json`` (format: https://gradescope-autograders.readthedocs.io/en/latest/specs/).
Each exercise of the lesson is one Gradescope test (its score, max_score, the checker's message as
output); the overall score is the sum. The paths can be moved with environment variables
(``CNNCOURSE_AUTOGRADER_SUBMISSION``, ``CNNCOURSE_AUTOGRADER_RESULTS``), which is how the tests run it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import time
import zipfile
from pathlib import Path

import typer

from cnncourse.course import paths
from cnncourse.course.files import atomic_write_text

SUBMISSION_ENV, RESULTS_ENV = "CNNCOURSE_AUTOGRADER_SUBMISSION", "CNNCOURSE_AUTOGRADER_RESULTS"
DEFAULT_SUBMISSION, DEFAULT_RESULTS = "/autograder/submission", "/autograder/results/results.json"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

# JSON schema of results.json, written from Gradescope's documented format (link above): the
# keys this grader writes plus the other documented optional ones; unknown keys are refused so
# a typo cannot slip through.
_VISIBILITY = {"enum": list(VISIBILITIES)}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
RESULTS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": _FORMAT,
        "test_output_format": _FORMAT,
        "test_name_format": _FORMAT,
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array", "items": {"type": "object", "required": ["name", "value"]}},
        "tests": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "score", "max_score"],
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": _FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": _FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": _VISIBILITY,
                "extra_data": {"type": "object"},
            },
        }},
    },
    "anyOf": [{"required": ["score"]}, {"required": ["tests"]}],
}


def resolve_lesson(lesson: str, solutions_dir: Path | None = None) -> str:
    """``02`` or ``02_convolution`` -> ``02_convolution``; a clear error for anything else."""
    solutions_dir = Path(solutions_dir or paths.SOLUTIONS_DIR)
    slugs = sorted(p.stem for p in solutions_dir.glob("[0-9][0-9]_*.ipynb"))
    matches = [s for s in slugs if s == lesson or s.split("_")[0] == lesson.zfill(2)]
    if len(matches) != 1:
        raise ValueError(f"unknown lesson {lesson!r}; the lessons are: {', '.join(slugs)}")
    return matches[0]


RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission. It grades the notebook in the submission folder
# with the course's own checks and writes results.json (see cnncourse/grading/gradescope.py).
set -euo pipefail
SOURCE="${{CNNCOURSE_AUTOGRADER_SOURCE:-$(cd "$(dirname "$0")" && pwd)}}"
[ -f "$SOURCE/pyproject.toml" ] || SOURCE=/autograder/source   # Gradescope copies this script to /autograder
PYTHON="${{CNNCOURSE_AUTOGRADER_PYTHON:-$SOURCE/.venv/bin/python}}"
export PYTHONPATH="$SOURCE${{PYTHONPATH:+:$PYTHONPATH}}" TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0
export CNNCOURSE_HOME="${{CNNCOURSE_HOME:-$SOURCE/.course-home}}"
cd "$SOURCE"   # so `python -m` imports the bundled course
exec "$PYTHON" -m cnncourse.grading.gradescope --lesson {lesson} --timeout {timeout} --visibility {visibility}
"""

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: the course's own
# setup (Fashion-MNIST from Debian, a .venv with the pinned packages), then a check that the
# lesson's checks import.
set -euo pipefail
cd "$(dirname "$0")"
# bubblewrap: the grader's per-submission sandbox (if this image lacks it, grading says so)
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1 || true
bash scripts/setup.sh
TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python -c "import cnncourse.checks, cnncourse.grading.grade"
"""

# What the bundle copies from the course: the package (with the checks), how to install it,
# the data files the lessons read, and the setup script.
COURSE_FILES = ("cnncourse", "data", "scripts/setup.sh", "pyproject.toml", "requirements.txt", "constraints.txt", "README.md")


def write_bundle(lesson: str, outdir: Path, timeout: int = 300, visibility: str = "visible",
                 repo_dir: Path | None = None, solutions_dir: Path | None = None) -> Path:
    """Write the autograder folder ``outdir`` and ``outdir.zip`` (upload that); returns the zip's path."""
    repo_dir = Path(repo_dir or paths.REPO_DIR)
    solutions_dir = Path(solutions_dir or paths.SOLUTIONS_DIR)
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    slug = resolve_lesson(lesson, solutions_dir)
    outdir = Path(outdir)
    archive = outdir.with_name(outdir.name + ".zip")
    for taken in (outdir, archive):
        if taken.exists() and (taken.is_file() or any(taken.iterdir())):
            raise FileExistsError(f"{taken} already exists; name a new folder (nothing was written)")
    outdir.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COURSE_FILES:
        src, dst = repo_dir / name, outdir / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
        elif src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    (outdir / "solutions").mkdir()
    shutil.copy2(solutions_dir / f"{slug}.ipynb", outdir / "solutions" / f"{slug}.ipynb")  # the hidden cases
    for name, text in (("run_autograder", RUN_AUTOGRADER.format(lesson=slug, timeout=int(timeout), visibility=visibility)),
                       ("setup.sh", SETUP_SH)):
        (outdir / name).write_text(text, encoding="utf-8")
        (outdir / name).chmod((outdir / name).stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(outdir.rglob("*")):
            if file.is_file():
                info = zipfile.ZipInfo.from_file(file, file.relative_to(outdir).as_posix())
                with open(file, "rb") as f:
                    zf.writestr(info, f.read(), zipfile.ZIP_DEFLATED)
    return archive


def pick_submission(folder: Path, lesson: str) -> tuple[Path | None, str | None]:
    """The notebook to grade, or None and why not (none, or several and none named after the lesson)."""
    found = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, f"no .ipynb file was submitted; submit your {lesson}.ipynb"
    named = [p for p in found if p.name == f"{lesson}.ipynb"]
    if len(named) == 1:
        return named[0], None
    names = ", ".join(str(p.relative_to(folder)) for p in found)
    return None, f"several notebooks were submitted ({names}); submit only {lesson}.ipynb"


def results_json(row: dict | None, lesson: str, seconds: float, visibility: str = "visible",
                 problem: str | None = None, solutions_dir: Path | None = None) -> dict:
    """Gradescope's results.json for one graded row (``to_json()`` shape, optional ``flags``)."""
    from cnncourse.course import notebooks as nbs
    from cnncourse.checks import REGISTRY
    from cnncourse.grading.gradebook import flag_text

    solution = nbs.read(Path(solutions_dir or paths.SOLUTIONS_DIR) / f"{lesson}.ipynb")
    ids = nbs.exercises(solution)
    graded = {e["id"]: e for e in (row or {}).get("exercises", [])}
    tests = []
    for number, ex in enumerate(ids, start=1):
        points = REGISTRY[ex].points if ex in REGISTRY else 1
        e = graded.get(ex)
        passed = bool(e and e["passed"])
        tests.append({"name": f"exercise {ex}", "number": str(number), "score": points if passed else 0,
                      "max_score": e["points"] if e else points, "status": "passed" if passed else "failed",
                      "output": e["message"] if e else f"not graded: {problem or (row or {}).get('error') or 'no result'}",
                      "visibility": visibility})
    lines = []
    if problem:
        lines.append(problem)
    if row and row.get("error"):
        lines.append(row["error"])
    lines += [f"flag: {flag_text(f)}" for f in (row or {}).get("flags", [])]
    out = {"score": sum(t["score"] for t in tests), "execution_time": round(seconds, 1), "tests": tests,
           "output": "\n".join(lines) or f"{lesson}: graded with the course's checks",
           "visibility": visibility, "stdout_visibility": "hidden"}
    if row:
        out["extra_data"] = {"cnncourse": row}
    return out


def validate_results(data: dict) -> None:
    """Raise jsonschema.ValidationError when ``data`` is not a valid results.json."""
    import jsonschema

    jsonschema.validate(data, RESULTS_SCHEMA)


def run(lesson: str, timeout: int, visibility: str, submission_dir: Path, results_path: Path) -> dict:
    """Grade the submission folder and write results.json (atomically); returns what was written."""
    from cnncourse.grading.gradebook import as_row
    from cnncourse.grading.grade import grade_notebook  # i18: the one-submission grader

    start = time.monotonic()
    notebook, problem = pick_submission(submission_dir, lesson)
    row = as_row(grade_notebook(notebook, timeout=timeout, lesson=lesson)) if notebook else None
    data = results_json(row, lesson, time.monotonic() - start, visibility, problem)
    validate_results(data)
    atomic_write_text(results_path, json.dumps(data, indent=2, ensure_ascii=False))
    return data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Grade a Gradescope submission (run by run_autograder).")
    parser.add_argument("--lesson", required=True)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--visibility", choices=VISIBILITIES, default="visible")
    args = parser.parse_args(argv)
    submission = Path(os.environ.get(SUBMISSION_ENV, DEFAULT_SUBMISSION))
    results = Path(os.environ.get(RESULTS_ENV, DEFAULT_RESULTS))
    data = run(args.lesson, args.timeout, args.visibility, submission, results)
    print(f"{args.lesson}: {data['score']}/{sum(t['max_score'] for t in data['tests'])} -> {results}")
    for t in data["tests"]:
        print(f"  {t['name']}: {t['score']}/{t['max_score']}  {t['output']}")
    return 0


def autograder_command(
    lesson: str = typer.Argument(..., help="Lesson number or slug, e.g. 02 or 02_convolution."),
    outdir: Path = typer.Argument(..., help="New folder for the bundle; OUTDIR.zip is written next to it."),
    timeout: int = typer.Option(300, help="Seconds one cell may run before it is interrupted."),
    visibility: str = typer.Option("visible", help=f"When students see each test: {', '.join(VISIBILITIES)}."),
) -> None:
    """Write a Gradescope autograder bundle for LESSON: setup.sh, run_autograder, the course and its checks."""
    try:
        archive = write_bundle(lesson, outdir, timeout=timeout, visibility=visibility)
    except (ValueError, FileExistsError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"wrote {outdir}/ and {archive}: upload {archive.name} as the Gradescope autograder")

if __name__ == "__main__":
    sys.exit(main())
