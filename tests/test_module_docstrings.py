"""Every top-level module of cnncourse says who uses it, in its docstring (format: docs/authoring.md).

A module or package that a lesson imports (listed in the lesson's ``modules`` in cnncourse/syllabus.py) has
exactly one line ``Used in lesson 04.`` / ``Used in lessons 01, 03.`` naming exactly those lessons; every
other one (build, grading, CLI, ...) has a line starting ``Course tooling``.
"""
import ast
import re
from pathlib import Path

import pytest

import cnncourse
from cnncourse import syllabus

PACKAGE = Path(cnncourse.__file__).parent
USED_IN = re.compile(r"^Used in lessons? (\d\d(?:, \d\d)*)\.$")


def top_level_modules() -> dict[str, Path]:
    """``{"costs": .../costs.py, "models": .../models/__init__.py, ...}`` (the package's own __init__ left out)."""
    found = {p.stem: p for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    found.update({p.parent.name: p for p in PACKAGE.glob("*/__init__.py")})
    return dict(sorted(found.items()))


def lessons_using(module: str) -> list[str]:
    return [lesson.slug[:2] for lesson in syllabus.LESSONS if module in lesson.modules]


def expected_line(module: str) -> str:
    numbers = lessons_using(module)
    return f"Used in lesson{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}."


def docstring_lines(path: Path) -> list[str]:
    return [line.strip() for line in (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").splitlines()]


MODULES = top_level_modules()


def test_every_syllabus_module_is_a_top_level_module_of_the_package():
    listed = {module for lesson in syllabus.LESSONS for module in lesson.modules}
    assert listed <= set(MODULES), sorted(listed - set(MODULES))


@pytest.mark.parametrize("name", list(MODULES))
def test_module_docstring_names_its_lessons_or_says_it_is_tooling(name):
    path = MODULES[name].relative_to(PACKAGE.parent)
    lines = docstring_lines(MODULES[name])
    used_in = [line for line in lines if USED_IN.match(line)]
    tooling = [line for line in lines if line.startswith("Course tooling")]
    if lessons_using(name):
        assert used_in == [expected_line(name)] and not tooling, (
            f"{path}: its docstring needs the one line {expected_line(name)!r} (from cnncourse/syllabus.py), "
            f"found {used_in + tooling}")
    else:
        assert tooling and not used_in, (
            f"{path}: no lesson imports it (cnncourse/syllabus.py), so its docstring needs a line starting "
            f"'Course tooling' (e.g. 'Course tooling: not imported by the lessons.'), found {used_in}")


def test_the_used_in_line_format():
    assert USED_IN.match("Used in lessons 01, 03.").group(1) == "01, 03"
    assert USED_IN.match("Used in lesson 04.")
    assert not USED_IN.match("Used in lessons 1, 3.") and not USED_IN.match("Used in lesson 04")
    assert expected_line("costs") == "Used in lessons 01, 03." and expected_line("tinynet") == "Used in lesson 05."
