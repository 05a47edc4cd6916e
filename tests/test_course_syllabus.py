"""The syllabus table (cnncourse/course/syllabus.py) agrees with the notebooks it describes."""
import ast
import re
from pathlib import Path

import pytest

import cnncourse
from cnncourse.course import notebooks as nbs
from cnncourse.course import syllabus
from cnncourse.checks import REGISTRY

PACKAGE = Path(cnncourse.__file__).parent

LESSONS = syllabus.LESSONS
IDS = [lesson.slug for lesson in LESSONS]


def is_package_module(dotted: str) -> bool:
    """``dotted`` (relative to cnncourse, e.g. ``analysis.costs``) is a module or package of cnncourse."""
    path = PACKAGE.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def cnncourse_modules(nb) -> set[str]:
    """The ``cnncourse`` modules a notebook imports, each as deep as the import names it (``analysis.costs``,
    ``models.fashion``, ``data`` for ``from cnncourse.data import load_mnist``); ``checks`` and ``repro`` left
    out: every lesson uses them."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "cnncourse":
                base = node.module.partition(".")[2]
                for alias in node.names:
                    full = f"{base}.{alias.name}" if base else alias.name
                    found.add(full if is_package_module(full) else base)
            elif isinstance(node, ast.Import):
                found.update(a.name.partition(".")[2] for a in node.names if a.name.startswith("cnncourse."))
    return found - {"checks", "repro", "course.repro"}


def test_the_syllabus_lists_exactly_the_solution_notebooks_in_order():
    assert [p.stem for p in nbs.solution_paths()] == list(syllabus.SLUGS)
    assert [lesson.number for lesson in LESSONS] == list(range(1, len(LESSONS) + 1))
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", slug) for slug in syllabus.SLUGS)


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_row_matches_its_notebook(lesson):
    nb = nbs.read(lesson.solution_path)
    assert nb.cells[0].source.splitlines()[0] == lesson.heading
    checked = tuple(nbs.cell_info(c)["exercise"] for c in nb.cells if nbs.cell_info(c).get("role") == "check")
    assert checked == lesson.exercises
    assert all(exercise in REGISTRY for exercise in lesson.exercises)
    assert set(lesson.modules) == cnncourse_modules(nb)
    assert lesson.deck.is_file()
    assert lesson.objectives.strip() and "\n" not in lesson.objectives


def test_lookup_by_number_and_slug_and_clear_errors():
    assert syllabus.by_number(10).slug == "10_classic_architectures"
    assert syllabus.by_slug("03_pooling").title.startswith("Pooling")
    with pytest.raises(KeyError, match="lessons are numbered 01-18"):
        syllabus.by_number(19)
    with pytest.raises(KeyError, match="unknown lesson 'nope'"):
        syllabus.by_slug("nope")


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_every_check_cell_calls_the_checker_named_after_its_exercise_id(lesson):
    """One convention (issue 14): the check cell of exercise ``NN.name`` is the one line ``checks.name(...)``."""
    nb = nbs.read(lesson.solution_path)
    for cell in nb.cells:
        info = nbs.cell_info(cell)
        if info.get("role") == "check":
            name = info["exercise"].split(".", 1)[1]
            assert re.fullmatch(rf"checks\.{name}\([\w, ]*\)", cell.source.strip()), (
                f"{lesson.notebook}: the check cell of {info['exercise']} is {cell.source.strip()!r}; "
                f"write `checks.{name}(your_function)`")
            assert REGISTRY[info["exercise"]].checker.__name__ == name
