"""Runs in the trusted grader, never runs learner code: re-checks an exercise from its recording.

The course checker of the exercise is called again, in this process, with the same
secret case seed the graded kernel used, but each learner function is replaced by a
stand-in that (1) verifies the checker's inputs are exactly those the learner's
function received in the kernel (a digest), and (2) returns the outputs recorded
there. References and comparisons are computed here by the course's own code, so
a pass cannot be written by the learner: the only way to pass is that the learner's
function returned the right values for the secret cases.
"""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from cnncourse.grading.recorder import short
from cnncourse.grading.serialize import copy_into, decode, digest


class ReplayProblem(BaseException):
    """The recording does not fit the checker (incomplete, or altered): a BaseException so checkers don't catch it."""


@dataclass
class Verdict:
    passed: bool
    message: str
    flag: str | None = None   # set when the recording was altered (tampering) rather than just incomplete


def _rebuild_error(call: dict) -> BaseException:
    name, message = str(call.get("raised", "Exception")), str(call.get("message", ""))
    if name == "NotImplementedError":
        exc = NotImplementedError(message)
    elif name == "AssertionError":
        exc = AssertionError(message)
    elif name in ("KeyboardInterrupt", "SystemExit"):
        return ReplayProblem(f"the learner's function was interrupted ({name})")
    else:
        exc = RuntimeError(message)
        exc.learner_type = name
    exc.learner_where = str(call.get("where", ""))
    return exc


def replay(exercise_id: str, item: dict, seed: int) -> Verdict:
    """The grader's verdict on one recorded check (see the module docstring)."""
    from cnncourse.checks import REGISTRY
    from cnncourse.checks.expect import use_case_seed

    calls, position = list(item.get("calls") or []), [0]
    args_described = item.get("args") or []

    def stand_in(index: int):
        def learner_function(*args, **kwargs):
            if position[0] >= len(calls):
                raise ReplayProblem("the check did not finish in your notebook (an error, a timeout, or the "
                                    f"checker was bypassed): call {position[0] + 1} of your function was not recorded")
            call = calls[position[0]]
            position[0] += 1
            if call.get("fn") != index or call.get("in") != digest((args, kwargs)):
                raise ReplayProblem(f"call {position[0]} of your function was not made with the grader's inputs: "
                                    "the recording was altered or the course checker was replaced")
            if "raised" in call:
                raise _rebuild_error(call)
            try:
                if "after" in call:  # the learner's function modified its arguments in place
                    after_args, after_kwargs = decode(call["after"])
                    for live, recorded in zip(list(args) + list(kwargs.values()), list(after_args) + list(after_kwargs.values())):
                        copy_into(live, recorded)
                return decode(call.get("out"))
            except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
                raise ReplayProblem(f"call {position[0]} of your function: the recording was altered ({short(str(exc), 80)})") from None
        return learner_function

    arguments = []
    for index, described in enumerate(args_described):
        kind = described.get("kind") if isinstance(described, dict) else None
        if kind == "function":
            arguments.append(stand_in(index))
        elif kind == "value":
            arguments.append(decode(described.get("value")))
        else:
            return Verdict(False, "cannot be re-checked outside the notebook", None)
    from cnncourse.deploy.tflite_utils import _quiet_native_stderr   # TensorFlow's C++ start-up lines

    try:
        with use_case_seed(seed), contextlib.redirect_stdout(io.StringIO()), _quiet_native_stderr():
            REGISTRY[exercise_id].checker(*arguments)
    except ReplayProblem as exc:
        tampered = "altered" in str(exc)
        return Verdict(False, short(str(exc)), f"{exercise_id}: {exc}" if tampered else None)
    except Exception as exc:  # CheckFailed (the learner's answer is wrong) or a bad recorded value
        return Verdict(False, short(str(exc) or type(exc).__name__))
    return Verdict(True, "passed")
