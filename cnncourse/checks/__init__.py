"""One checker per exercise, called from the check cell after it: ``checks.conv2d_forward(conv2d_forward)``.

Course tooling: every lesson's check cells call it (not a lesson topic).

Checkers live in ``lessonNN.py`` modules beside this one; all are imported here
so each is reachable as ``checks.<name>`` and, by exercise id, in ``REGISTRY``.
"""
import importlib
import pkgutil

from cnncourse.checks.expect import case_rng, expect_close, expect_shape, expect_true, hidden_cases
from cnncourse.checks.registry import REGISTRY, CheckFailed, Exercise, exercise


def _load_lesson_checkers() -> dict:
    found = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module_info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, obj in vars(module).items():
            if hasattr(obj, "exercise"):
                if name in found:
                    raise ValueError(f"checker name {name!r} is defined in two lessons")
                found[name] = obj
    return found


globals().update(_load_lesson_checkers())


def run(exercise_id: str, *args, **kwargs):
    """Run the checker of ``exercise_id`` (as the grader does)."""
    if exercise_id not in REGISTRY:
        raise KeyError(f"no checker for exercise {exercise_id!r}")
    return REGISTRY[exercise_id].checker(*args, **kwargs)
