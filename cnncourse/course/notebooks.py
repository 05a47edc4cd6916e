"""Single-source notebooks: solutions/ is the source, lessons/ is generated from it.

Course tooling: not imported by the lessons.

Authoring conventions (checked by :func:`lint_solution`):

* A code cell with an exercise holds the answer between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` and has ``metadata["cnncourse"] = {"exercise": "NN.name", "role": "solution"}``.
* The next code cell is its check cell: ``checks.name(...)`` with
  ``metadata["cnncourse"] = {"exercise": "NN.name", "role": "check"}``.
* A markdown answer can be hidden between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->``.
* The first cell states the objectives; a "Summary" section closes the lesson and
  points to the lesson's flashcard deck.
"""
from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import nbformat

from cnncourse.course.paths import LESSONS_DIR, REPO_DIR, SOLUTIONS_DIR

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
MD_STUB = "_Write your answer here._"
LESSON_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
README_PATH = REPO_DIR / "README.md"


class NotebookError(ValueError):
    """A solution notebook breaks an authoring convention; the message names notebook and cell."""


def cell_info(cell) -> dict:
    """The cell's ``cnncourse`` metadata: ``{"exercise": id, "role": "solution"|"check"}`` or {}."""
    return cell.get("metadata", {}).get("cnncourse", {})


def strip_solution(source: str, where: str = "cell") -> str:
    """Replace each BEGIN/END SOLUTION block by an indented ``raise NotImplementedError()`` stub."""
    out, inside, indent = [], False, ""
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise NotebookError(f"{where}: '{BEGIN}' inside another solution block")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in CODE_STUB.split("\n"))
        elif stripped == END:
            if not inside:
                raise NotebookError(f"{where}: '{END}' without '{BEGIN}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise NotebookError(f"{where}: '{BEGIN}' is never closed by '{END}'")
    return "\n".join(out)


def strip_markdown_solution(source: str) -> str:
    pattern = re.compile(re.escape(MD_BEGIN) + r".*?" + re.escape(MD_END), re.S)
    return pattern.sub(MD_STUB, source)


def make_lesson(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The learner's notebook: solutions stubbed, exercise and check outputs cleared, the rest kept."""
    lesson = copy.deepcopy(solution)
    if name.endswith(".ipynb"):  # lets the grader tell which lesson a renamed file is
        lesson.metadata["cnncourse"] = {"lesson": name[: -len(".ipynb")]}
    for index, cell in enumerate(lesson.cells):
        where = f"{name} cell {index}"
        if cell.cell_type == "markdown" and MD_BEGIN in cell.source:
            cell.source = strip_markdown_solution(cell.source)
        if cell.cell_type != "code":
            continue
        if BEGIN in cell.source or END in cell.source:
            cell.source = strip_solution(cell.source, where)
            cell.outputs, cell.execution_count = [], None
        elif cell_info(cell).get("role") in ("solution", "check"):
            cell.outputs, cell.execution_count = [], None
    return lesson


def exercises(nb) -> list[str]:
    """Exercise ids of a notebook, in order of their solution cells."""
    return [cell_info(c)["exercise"] for c in nb.cells if cell_info(c).get("role") == "solution"]


def lint_solution(nb, name: str) -> list[str]:
    """Problems with a solution notebook's structure, as readable sentences (empty when fine)."""
    problems = []
    match = LESSON_NAME.match(name)
    if not match:
        return [f"{name}: file name must look like NN_slug.ipynb"]
    number = match.group(1)
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown" or "objectives" not in cells[0].source.lower():
        problems.append(f"{name}: the first cell must be markdown stating the lesson's objectives")
    summary = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and re.search(r"^#+\s*Summary", c.source, re.M | re.I)]
    if not summary:
        problems.append(f"{name}: no markdown cell with a '## Summary' heading")
    elif f"{name[:-6]}.txt" not in "".join(c.source for c in cells[summary[-1]:]):
        problems.append(f"{name}: the summary must point to the flashcard deck data/flashcards/{name[:-6]}.txt")
    seen = set()
    for i, cell in enumerate(cells):
        info, has_markers = cell_info(cell), cell.cell_type == "code" and BEGIN in cell.source
        if has_markers and info.get("role") != "solution":
            problems.append(f"{name} cell {i}: has a solution block but no metadata cnncourse.role='solution'")
        if info.get("role") != "solution":
            continue
        ex = info.get("exercise", "")
        if not ex.startswith(number + "."):
            problems.append(f"{name} cell {i}: exercise id {ex!r} must start with '{number}.'")
        if ex in seen:
            problems.append(f"{name} cell {i}: exercise id {ex!r} is used twice")
        seen.add(ex)
        if not has_markers:
            problems.append(f"{name} cell {i}: solution cell of {ex!r} has no '{BEGIN}' block")
        following = [c for c in cells[i + 1:] if c.cell_type == "code"][:1]
        if not following or cell_info(following[0]) != {"exercise": ex, "role": "check"}:
            problems.append(f"{name} cell {i}: exercise {ex!r} must be followed by its check cell (role 'check')")
        if summary and i > summary[-1]:
            problems.append(f"{name} cell {i}: exercise {ex!r} comes after the summary")
    if len(seen) < 2:
        problems.append(f"{name}: a lesson needs at least 2 graded exercises, found {len(seen)}")
    return problems


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def dumps(nb) -> str:
    return nbformat.writes(nb) + "\n"


def solution_paths(solutions_dir: Path = SOLUTIONS_DIR) -> list[Path]:
    return sorted(p for p in Path(solutions_dir).glob("*.ipynb") if LESSON_NAME.match(p.name))


def build(check: bool = False, solutions_dir: Path = SOLUTIONS_DIR, lessons_dir: Path = LESSONS_DIR,
          readme: Path | None = README_PATH) -> list[str]:
    """Generate lessons/ from solutions/ and README's lesson table from the syllabus (``readme=None``: no
    README); with ``check``, write nothing and list what is stale."""
    problems, expected = [], set()
    if readme is not None:
        problems += build_readme_table(Path(readme), check)
    lessons_dir = Path(lessons_dir)
    for path in solution_paths(solutions_dir):
        nb = read(path)
        problems += lint_solution(nb, path.name)
        target = lessons_dir / path.name
        expected.add(target.name)
        text = dumps(make_lesson(nb, path.name))
        current = target.read_text() if target.exists() else None
        if current == text:
            continue
        if check:
            problems.append(f"{target}: {'missing' if current is None else 'stale'}; run `cnncourse build`")
        else:
            lessons_dir.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    for extra in sorted(lessons_dir.glob("*.ipynb")):
        if extra.name not in expected:
            problems.append(f"{extra}: has no source in solutions/; delete it or add the solution")
    return problems


def build_readme_table(readme: Path, check: bool = False) -> list[str]:
    """Regenerate the lesson table of ``readme`` from ``cnncourse/course/syllabus.py`` (only the block between
    its ``syllabus:begin``/``syllabus:end`` markers); with ``check``, write nothing and say if it is stale."""
    from cnncourse.course import syllabus

    current = readme.read_text(encoding="utf-8")
    try:
        wanted = syllabus.with_readme_table(current, where=str(readme))
    except ValueError as err:
        return [str(err)]
    if wanted == current:
        return []
    if check:
        return [f"{readme}: the lesson table is stale (it is generated from cnncourse/course/syllabus.py); run `cnncourse build`"]
    readme.write_text(wanted, encoding="utf-8")
    return []


def strip_stderr(nb) -> int:
    """Remove stderr stream outputs (TensorFlow log lines) from every cell; returns how many."""
    removed = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            kept = [o for o in cell.outputs if not (o.output_type == "stream" and o.get("name") == "stderr")]
            removed += len(cell.outputs) - len(kept)
            cell.outputs = kept
    return removed


def cell_seconds(nb) -> list[tuple[float, int, str]]:
    """``(seconds, cell index, first line)`` per executed code cell, slowest first, from nbclient's timing."""
    import datetime as dt

    rows = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type == "code" and start and end:
            seconds = (dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
                       - dt.datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
            rows.append((seconds, index, cell.source.strip().splitlines()[0][:70] if cell.source.strip() else ""))
    return sorted(rows, reverse=True)


def drop_timing(nb) -> None:
    """Remove nbclient's per-cell timestamps, which would make every stored notebook differ."""
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in its own folder, as nbval will, and return it without stderr."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = read(path)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    strip_stderr(nb)
    return nb


def build_command(check: bool = False) -> None:
    """Generate lessons/ from solutions/ (or, with --check, fail when lessons/ is stale)."""
    import typer

    problems = build(check=check)
    for line in problems:
        typer.echo(line, err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("lessons/ and README's lesson table are up to date" if check else f"built {len(solution_paths())} lessons")


def execute_command(notebooks: list[Path], timeout: int = 600, profile: int = 0, dry_run: bool = False) -> None:
    """Execute solution notebooks in place (storing outputs, no stderr), then rebuild lessons/.

    ``--profile N`` also prints the N slowest cells; ``--dry-run`` writes nothing (timing only).
    """
    import time

    import typer

    for path in notebooks:
        start = time.perf_counter()
        nb = execute(path, timeout=timeout)
        typer.echo(f"{path}: executed in {time.perf_counter() - start:.1f} s")
        for seconds, index, first_line in cell_seconds(nb)[:profile]:
            typer.echo(f"  {seconds:6.1f} s  cell {index:3d}  {first_line}")
        drop_timing(nb)
        if not dry_run:
            Path(path).write_text(dumps(nb))
    if dry_run:
        return
    for line in build():
        typer.echo(line, err=True)
