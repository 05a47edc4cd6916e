"""Every module of cnncourse that the lessons import says so in its docstring (format: docs/authoring.md).

cnncourse/course/syllabus.py lists, per lesson, the modules the lesson imports (``analysis.costs``, ``data``, ...).
- A module listed there has exactly one line ``Used in lesson 04.`` / ``Used in lessons 01, 03.`` naming
  exactly the lessons that list it.
- A top-level package (``ops``, ``vision``, ...) names every lesson that lists it or any module inside it;
  a top-level package or module no lesson uses has a line starting ``Course tooling``.
- Any other module may omit the line (it is reached through its package), but if it has one it must be true.
"""
import ast
import re
from pathlib import Path

import pytest

import cnncourse
from cnncourse.course import syllabus

PACKAGE = Path(cnncourse.__file__).parent
USED_IN = re.compile(r"^Used in lessons? (\d\d(?:, \d\d)*)\.$")


def all_modules() -> dict[str, Path]:
    """``{"analysis": .../analysis/__init__.py, "analysis.costs": .../analysis/costs.py, ...}`` (cnncourse's
    own __init__ left out)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            found[".".join(parts)] = path
    return found


def lessons_using(module: str) -> list[str]:
    """Lessons listing ``module``; for a top-level package also those listing a module inside it."""
    top_level_package = "." not in module and MODULES[module].name == "__init__.py"
    return [lesson.slug[:2] for lesson in syllabus.LESSONS
            if module in lesson.modules
            or (top_level_package and any(m.startswith(module + ".") for m in lesson.modules))]


def expected_line(module: str) -> str:
    numbers = lessons_using(module)
    return f"Used in lesson{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}."


def docstring_lines(path: Path) -> list[str]:
    return [line.strip() for line in (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").splitlines()]


MODULES = all_modules()
LISTED = {module for lesson in syllabus.LESSONS for module in lesson.modules}


def test_every_syllabus_module_is_a_module_of_the_package():
    assert LISTED <= set(MODULES), sorted(LISTED - set(MODULES))


@pytest.mark.parametrize("name", [m for m in MODULES if "." not in m or m in LISTED])
def test_module_docstring_names_its_lessons_or_says_it_is_tooling(name):
    path = MODULES[name].relative_to(PACKAGE.parent)
    lines = docstring_lines(MODULES[name])
    used_in = [line for line in lines if USED_IN.match(line)]
    tooling = [line for line in lines if line.startswith("Course tooling")]
    if lessons_using(name):
        assert used_in == [expected_line(name)] and not tooling, (
            f"{path}: its docstring needs the one line {expected_line(name)!r} (from cnncourse/course/syllabus.py), "
            f"found {used_in + tooling}")
    else:
        assert tooling and not used_in, (
            f"{path}: no lesson imports it (cnncourse/course/syllabus.py), so its docstring needs a line starting "
            f"'Course tooling' (e.g. 'Course tooling: not imported by the lessons.'), found {used_in}")


@pytest.mark.parametrize("name", [m for m in MODULES if "." in m and m not in LISTED])
def test_a_used_in_line_of_an_inner_module_is_true(name):
    used_in = [line for line in docstring_lines(MODULES[name]) if USED_IN.match(line)]
    assert not used_in or (lessons_using(name) and used_in == [expected_line(name)]), (
        f"{MODULES[name].relative_to(PACKAGE.parent)}: says {used_in}, but cnncourse/course/syllabus.py lists it for "
        f"{lessons_using(name) or 'no lesson'}")


def test_the_used_in_line_format():
    assert USED_IN.match("Used in lessons 01, 03.").group(1) == "01, 03"
    assert USED_IN.match("Used in lesson 04.")
    assert not USED_IN.match("Used in lessons 1, 3.") and not USED_IN.match("Used in lesson 04")
    assert expected_line("data") .startswith("Used in lessons 01, 02, 03")
