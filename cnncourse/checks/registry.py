"""Exercise checkers: register them by id, run them with learner code, report one clear line."""
from __future__ import annotations

import functools
import traceback
from dataclasses import dataclass
from typing import Callable

PASS, FAIL = "\u2714", "\u2718"


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its id ("NN.name"), points, and the checker that grades it."""

    id: str
    points: int
    title: str
    checker: Callable


REGISTRY: dict[str, Exercise] = {}


class CheckFailed(AssertionError):
    """A learner's answer failed a hidden case; the message carries a hint."""


def exercise(id: str, points: int = 1, title: str = ""):
    """Register ``checker`` as the grader of exercise ``id``.

    The checker takes the learner's objects, asserts on hidden cases against the
    course's reference, and may return a short detail string for the pass line.
    Any failure -- a wrong value, the stub's NotImplementedError, a crash in the
    learner's code -- becomes one :class:`CheckFailed` naming the exercise.
    """
    def decorate(checker):
        if id in REGISTRY:
            raise ValueError(f"exercise id {id!r} is registered twice")

        @functools.wraps(checker)
        def run(*args, **kwargs):
            try:
                detail = checker(*args, **kwargs)
            except NotImplementedError:
                raise CheckFailed(f"{FAIL} {id}: not done yet -- replace `raise NotImplementedError()` with your code") from None
            except AssertionError as exc:
                raise CheckFailed(f"{FAIL} {id}: {exc}") from None
            except Exception as exc:
                where = getattr(exc, "learner_where", None)  # set when the grader replays a recorded error
                if where is None:
                    frame = traceback.extract_tb(exc.__traceback__)[-1]
                    where = f"line {frame.lineno} of {frame.name}"
                raise CheckFailed(f"{FAIL} {id}: your code raised {getattr(exc, 'learner_type', type(exc).__name__)}: "
                                  f"{exc} ({where})") from None
            print(f"{PASS} {id} passed" + (f": {detail}" if detail else "") + f" [{points}/{points} points]")
            return None  # no Out[] value: the check cell shows only its one line

        run.exercise = Exercise(id, points, title or checker.__doc__ or id, run)
        REGISTRY[id] = run.exercise
        return run

    return decorate
