"""The generated learner notebooks: in sync, no leaked answers, every exercise checkable."""
import re

import pytest

from cnncourse import checks
from cnncourse.course import notebooks as nbs
from cnncourse.course import syllabus
from cnncourse.course.paths import DATA_DIR, LESSONS_DIR

SLUGS = list(syllabus.SLUGS)
SOLUTIONS = nbs.solution_paths()
IDS = [p.stem for p in SOLUTIONS]


def test_every_planned_lesson_exists():
    assert [p.stem for p in SOLUTIONS] == SLUGS


def test_lessons_are_built_from_solutions_and_lint_clean():
    assert nbs.build(check=True) == []


def solution_lines(source):
    body = re.findall(re.escape(nbs.BEGIN) + r"\n(.*?)" + re.escape(nbs.END), source, re.S)
    return {line.strip() for block in body for line in block.split("\n") if len(line.strip()) > 12}


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_no_solution_leaks_into_the_lesson(path):
    solution, lesson = nbs.read(path), nbs.read(LESSONS_DIR / path.name)
    assert len(solution.cells) == len(lesson.cells)
    for index, (s_cell, l_cell) in enumerate(zip(solution.cells, lesson.cells)):
        assert nbs.BEGIN not in l_cell.source and nbs.MD_BEGIN not in l_cell.source
        leaked = {line for line in solution_lines(s_cell.source) if line in l_cell.source.split("\n") or line in {x.strip() for x in l_cell.source.split("\n")}}
        assert not leaked, f"{path.name} cell {index} leaks solution lines: {sorted(leaked)[:3]}"
        if nbs.cell_info(l_cell).get("role") in ("solution", "check"):
            assert l_cell.outputs == [], f"{path.name} cell {index}: exercise outputs must be cleared"


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_every_exercise_has_a_registered_checker_called_by_its_check_cell(path):
    nb = nbs.read(path)
    for cell in nb.cells:
        info = nbs.cell_info(cell)
        if info.get("role") != "check":
            continue
        exercise = checks.REGISTRY.get(info["exercise"])
        assert exercise is not None, f"{path.name}: no checker registered for {info['exercise']}"
        name = exercise.checker.__name__
        assert re.search(rf"\bchecks\.{name}\(", cell.source), f"{path.name}: check cell must call checks.{name}(...)"
        passed = "".join(o.get("text", "") for o in cell.outputs)
        assert f"{info['exercise']} passed" in passed, f"{path.name}: the stored check output of {info['exercise']} is not a pass"


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_lesson_opens_with_objectives_and_closes_with_summary_and_deck(path):
    lesson = nbs.read(LESSONS_DIR / path.name)
    assert "objectives" in lesson.cells[0].source.lower()
    tail = "\n".join(c.source for c in lesson.cells if c.cell_type == "markdown")
    assert re.search(r"^#+\s*Summary", tail, re.M | re.I)
    assert (DATA_DIR / "flashcards" / f"{path.stem}.txt").is_file()
    assert f"data/flashcards/{path.stem}.txt" in tail


def exercise_functions(notebook):
    """``{exercise id: name of the function its solution cell defines}``."""
    names = {}
    for cell in notebook.cells:
        info = nbs.cell_info(cell)
        match = re.search(r"^def (\w+)\(", cell.source, re.M)
        if info.get("role") == "solution" and match:
            names.setdefault(info["exercise"], match.group(1))
    return names


#: Calls qualified by these modules are the library's function (``tf.math.top_k``), not the course's reference.
LIBRARY_MODULES = ("tf.", "np.", "keras.", "scipy.", "sklearn.", "skimage.")


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_no_visible_cell_uses_the_course_reference_of_its_own_exercise(path):
    """A learner must not be handed the answer: no ``ops.conv2d_backward(...)`` or ``from cnncourse... import name``
    for a function the lesson asks them to write (outside the exercise's own solution and check cells)."""
    notebook = nbs.read(path)
    for exercise, name in exercise_functions(notebook).items():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or nbs.cell_info(cell).get("exercise") == exercise:
                continue
            imported = re.search(rf"from cnncourse[\w.]* import [^\n]*\b{name}\b", cell.source)
            called = [m for m in re.finditer(rf"([\w.]*)\.{name}\(", cell.source)  # a library's own is fine
                      if m.group(1) != "checks" and not m.group(1).startswith(LIBRARY_MODULES)]
            assert not (imported or called), (
                f"{path.name} cell {index} uses the course's {name} - the answer to {exercise}; "
                f"use the learner's own function (after the exercise) or TensorFlow instead")
