"""Read a submission, tell which lesson it is, and put the course's checks into it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cnncourse.course import notebooks as nbs
from cnncourse.course import paths


MAX_CELLS = 2000   # a lesson has about 100; more is refused before anything runs (each cell costs kernel time)


class SubmissionError(ValueError):
    """The submission cannot be graded (unreadable, not a notebook, unknown or wrong lesson)."""


def read_submission(data: bytes, name: str) -> nbformat.NotebookNode:
    """Parse submission bytes as a v4 notebook, with a clear reason when that is impossible."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionError(f"{name}: not UTF-8 text (byte {exc.start}); is this a notebook?") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                              "the file is damaged or not a notebook") from None
    except RecursionError:
        raise SubmissionError(f"{name}: JSON nested too deeply to be a notebook") from None
    if isinstance(raw, dict) and isinstance(raw.get("nbformat"), int) and raw["nbformat"] < 4:
        raise SubmissionError(f"{name}: an old nbformat v{raw['nbformat']} notebook; convert it with "
                              f"`jupyter nbconvert --to notebook --nbformat 4 {Path(name).name}` and submit the result")
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        raise SubmissionError(f"{name}: valid JSON but not a Jupyter notebook (no 'cells'/'nbformat')")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except RecursionError:
        raise SubmissionError(f"{name}: JSON nested too deeply to be a notebook") from None
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise SubmissionError(f"{name}: not a valid Jupyter notebook: {first[:200]}") from None
    if len(nb.cells) > MAX_CELLS:
        raise SubmissionError(f"{name}: {len(nb.cells):,} cells, more than the {MAX_CELLS:,} a submission may have "
                              "(a lesson has about 100); delete the added cells and submit again")
    return nb


def lesson_of(nb, name: str, solutions_dir: Path | None = None) -> str:
    """The lesson slug, from the notebook's own metadata, else its exercise ids, else its file name."""
    known = {p.stem for p in nbs.solution_paths(solutions_dir or paths.SOLUTIONS_DIR)}
    by_number = {slug[:2]: slug for slug in known}
    stamped = nb.metadata.get("cnncourse", {}).get("lesson")
    ids = [nbs.cell_info(c).get("exercise", "") for c in nb.cells if nbs.cell_info(c)]
    from_ids = {by_number.get(i.split(".")[0]) for i in ids} - {None}
    match = re.match(r"(\d\d)_", Path(name).name)
    from_name = by_number.get(match.group(1)) if match else None
    lesson = stamped if stamped in known else (from_ids.pop() if len(from_ids) == 1 else from_name)
    if lesson is None:
        raise SubmissionError(f"{name}: cannot tell which lesson this is (no course metadata, exercise ids or NN_ file name)")
    if from_name and from_name != lesson:
        raise SubmissionError(f"{name}: the file name says lesson {from_name} but the notebook is lesson {lesson}")
    return lesson


@dataclass
class Assembled:
    """The notebook to run, and which code-cell index (nbval's 'Cell N') checks which exercise."""

    notebook: nbformat.NotebookNode
    check_cells: dict = field(default_factory=dict)   # exercise id -> code cell index
    missing: list = field(default_factory=list)       # exercise ids whose solution cell is gone
    duplicates: dict = field(default_factory=dict)    # exercise id -> number of solution cells (> 1)


def course_check_source(exercise_id: str, source: str) -> str:
    """The check cell the grader runs: the course checker called through the recorder.

    A course check cell ``checks.name(a, b)`` becomes ``run_check(id, a, b)`` (recorded and
    re-checked by the grader, see :mod:`cnncourse.grading.replay`); any other check cell
    runs as written inside ``record(id)`` (its verdict comes from the kernel, and is flagged).
    """
    call = _checker_call(exercise_id, source)
    recorder = "__import__('cnncourse.grading.recorder', fromlist=['run_check'])"
    if call is not None:
        return (f"# course check for exercise {exercise_id} (inserted by cnncourse grade)\n"
                f"{recorder}.run_check_lazy({exercise_id!r}, lambda: ({', '.join(call)},))")
    preamble = ("from cnncourse import checks",) if "checks." in source else ()
    body = "\n".join("    " + line for line in (*preamble, *source.split("\n")))
    return (f"# course check for exercise {exercise_id} (inserted by cnncourse grade)\n"
            f"with {recorder}.record({exercise_id!r}):\n{body}")


def _checker_call(exercise_id: str, source: str):
    """The argument sources of ``checks.<name>(args)`` when that is the whole cell and ``name`` checks ``exercise_id``."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr) or not isinstance(tree.body[0].value, ast.Call):
        return None
    call = tree.body[0].value
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "checks") or call.keywords \
            or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    from cnncourse import checks

    checker = getattr(checks, func.attr, None)
    if getattr(getattr(checker, "exercise", None), "id", None) != exercise_id:
        return None
    return [ast.unparse(a) for a in call.args]


FINISH_CELL = "# end of notebook (inserted by cnncourse grade)\n__import__('cnncourse.grading.recorder', fromlist=['finish']).finish()"


def assemble(submission, solution) -> Assembled:
    """Drop the learner's check cells and insert the course's after each exercise's (last) solution cell.

    A first inserted cell notes, before each later cell runs, which learner code cell it is.
    An exercise whose solution cell appears twice is checked after its last copy (``duplicates``).
    """
    course_checks = {nbs.cell_info(c)["exercise"]: c.source for c in solution.cells
                     if nbs.cell_info(c).get("role") == "check"}
    kept = [c for c in submission.cells if nbs.cell_info(c).get("role") != "check"]  # the course's checks decide
    last_copy, copies = {}, {}
    for i, cell in enumerate(kept):
        ex = nbs.cell_info(cell).get("exercise")
        if nbs.cell_info(cell).get("role") == "solution" and ex in course_checks:
            last_copy[ex] = i
            copies[ex] = copies.get(ex, 0) + 1
    cells, placed, numbers, learner_code = [], {}, [], 0
    for i, cell in enumerate(kept):
        cells.append(cell)
        if cell.cell_type == "code":
            learner_code += 1
            numbers.append(f"your code cell {learner_code}")
        ex = nbs.cell_info(cell).get("exercise")
        if last_copy.get(ex) == i:
            placed[ex] = len(cells)
            cells.append(nbformat.v4.new_code_cell(course_check_source(ex, course_checks[ex])))
            numbers.append(f"the course check of {ex} (it calls your code)")
    cells.append(nbformat.v4.new_code_cell(FINISH_CELL))
    import hashlib

    code = [c for c in cells if c.cell_type == "code"]
    by_source = {hashlib.sha1(c.source.encode()).hexdigest(): n for c, n in zip(code, numbers + ["the last cell"])}
    start = nbformat.v4.new_code_cell("# progress notes (inserted by cnncourse grade)\n"
                                      f"__import__('cnncourse.grading.recorder', fromlist=['start']).start({by_source!r})")
    cells.insert(0, start)
    placed = {ex: pos + 1 for ex, pos in placed.items()}
    graded = nbformat.v4.new_notebook(cells=cells, metadata=submission.metadata)
    code_index, check_cells = 0, {}
    position_to_ex = {pos: ex for ex, pos in placed.items()}
    for pos, cell in enumerate(cells):
        if cell.cell_type == "code":
            if pos in position_to_ex:
                check_cells[position_to_ex[pos]] = code_index
            code_index += 1
    return Assembled(graded, check_cells, [ex for ex in course_checks if ex not in placed],
                     {ex: n for ex, n in copies.items() if n > 1})
