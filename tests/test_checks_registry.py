"""The checker registry: one clear line on pass, one CheckFailed naming the exercise otherwise."""
import re

import pytest

from cnncourse import checks
from cnncourse.checks.registry import REGISTRY, CheckFailed, exercise


@pytest.fixture
def demo_checker():
    @exercise("99.square", points=3)
    def square(fn):
        assert fn(3) == 9, "square(3) should be 9; multiply x by itself"
        return "3 hidden cases"
    yield square
    del REGISTRY["99.square"]


def test_pass_prints_one_line_and_returns_nothing(demo_checker, capsys):
    assert demo_checker(lambda x: x * x) is None
    assert capsys.readouterr().out == "\u2714 99.square passed: 3 hidden cases [3/3 points]\n"
    assert REGISTRY["99.square"].points == 3


@pytest.mark.parametrize("answer,message", [
    (lambda x: x + x, "99.square: square(3) should be 9"),
    (lambda x: (_ for _ in ()).throw(NotImplementedError()), "99.square: not done yet"),
    (lambda x: 1 / 0, "99.square: your code raised ZeroDivisionError"),
])
def test_failures_become_one_check_failed_naming_the_exercise(demo_checker, answer, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        demo_checker(answer)


def test_ids_are_unique_and_every_lesson_checker_is_reachable_by_name():
    with pytest.raises(ValueError, match="registered twice"):
        exercise("02.conv2d_forward")(lambda fn: None)
    for ex in REGISTRY.values():
        assert getattr(checks, ex.checker.__name__) is ex.checker
    with pytest.raises(KeyError, match="no checker"):
        checks.run("00.nothing")


def test_loading_every_checker_does_not_import_tensorflow():
    """The grader reads exercise points from the registry in its own process; importing TensorFlow
    there would add seconds to every grade (checkers import heavy modules inside the check)."""
    import subprocess
    import sys

    code = ("import sys; from cnncourse.checks import REGISTRY; assert len(REGISTRY) > 30; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
