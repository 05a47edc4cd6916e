"""Read a submission, tell which lesson it is, and put the course's checks into it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from cnncourse import notebooks as nbs
from cnncourse import paths


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
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        raise SubmissionError(f"{name}: valid JSON but not a Jupyter notebook (no 'cells'/'nbformat')")
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        raise SubmissionError(f"{name}: not a valid Jupyter notebook: {str(exc).splitlines()[0]}") from None
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


def course_check_source(exercise_id: str, source: str) -> str:
    preamble = ("from cnncourse import checks",) if "checks." in source else ()
    body = "\n".join("    " + line for line in (*preamble, *source.split("\n")))
    return (f"# course check for exercise {exercise_id} (inserted by cnncourse grade)\n"
            f"with __import__('cnncourse.grading.recorder', fromlist=['record']).record({exercise_id!r}):\n{body}")


FINISH_CELL = "# end of notebook (inserted by cnncourse grade)\n__import__('cnncourse.grading.recorder', fromlist=['finish']).finish()"


def assemble(submission, solution) -> Assembled:
    """Drop the learner's check cells and insert the course's, right after each exercise's solution cell."""
    course_checks = {nbs.cell_info(c)["exercise"]: c.source for c in solution.cells
                     if nbs.cell_info(c).get("role") == "check"}
    cells, placed = [], {}
    for cell in submission.cells:
        role = nbs.cell_info(cell).get("role")
        if role == "check":
            continue  # the learner may have edited it; the course's copy decides
        cells.append(cell)
        ex = nbs.cell_info(cell).get("exercise")
        if role == "solution" and ex in course_checks and ex not in placed:
            placed[ex] = len(cells)
            cells.append(nbformat.v4.new_code_cell(course_check_source(ex, course_checks[ex])))
    cells.append(nbformat.v4.new_code_cell(FINISH_CELL))
    graded = nbformat.v4.new_notebook(cells=cells, metadata=submission.metadata)
    code_index, check_cells = 0, {}
    position_to_ex = {pos: ex for ex, pos in placed.items()}
    for pos, cell in enumerate(cells):
        if cell.cell_type == "code":
            if pos in position_to_ex:
                check_cells[position_to_ex[pos]] = code_index
            code_index += 1
    return Assembled(graded, check_cells, [ex for ex in course_checks if ex not in placed])
