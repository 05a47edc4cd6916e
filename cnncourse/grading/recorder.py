"""Runs inside the graded (untrusted) kernel: records what the learner's functions returned.

The check cell the grader inserts calls :func:`run_check`, which runs the course's
checker with every learner function wrapped so that each call's inputs (a digest)
and outputs (plain data, see :mod:`cnncourse.grading.serialize`) are appended as
one JSON line to the file named by ``$CNNCOURSE_GRADE_RESULTS``. The pass/fail seen
here is informational only: the grader re-runs the same checker in its own process
and feeds it these recorded outputs (:mod:`cnncourse.grading.replay`). Anything the
learner's code does to this module or that file can only make the recording wrong,
and a wrong recording fails the replay.
"""
from __future__ import annotations

import contextlib
import json
import os
import traceback

RESULTS_ENV = "CNNCOURSE_GRADE_RESULTS"
PROGRESS_ENV = "CNNCOURSE_GRADE_PROGRESS"
MAX_MESSAGE = 300


def _write(item: dict) -> None:
    path = os.environ.get(RESULTS_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(item) + "\n")


def short(text: str, limit: int = MAX_MESSAGE) -> str:
    """At most ``limit`` characters of a message (one excerpt, never a whole cell of code)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 15] + " ... (cut)"


def _failure_text(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if type(exc).__name__ == "CheckFailed" else f"{type(exc).__name__}: {text}"


def _model_states(args, kwargs) -> dict:
    """A fingerprint of every Keras-like argument (model, layer, optimizer): its variables and trainable flags."""
    import hashlib

    import numpy as np

    states = {}
    for key, value in list(enumerate(args)) + list(kwargs.items()):
        variables = getattr(value, "weights", None) if hasattr(value, "weights") else getattr(value, "variables", None)
        if not isinstance(variables, (list, tuple)) or isinstance(value, (list, tuple, dict, np.ndarray)):
            continue
        h = hashlib.sha256(repr([bool(getattr(value, "trainable", True))]
                                + [bool(layer.trainable) for layer in getattr(value, "layers", [])]).encode())
        for v in variables:
            h.update(str(bool(getattr(v, "trainable", True))).encode())
            try:
                h.update(np.ascontiguousarray(np.asarray(v.numpy() if hasattr(v, "numpy") else v)).tobytes())
            except Exception:   # noqa: BLE001 - a variable without a value: its trainable flag only
                pass
        states[f"argument {key + 1 if isinstance(key, int) else key} (a {type(value).__name__})"] = h.hexdigest()
    return states


class _Recording:
    """Wraps learner callables; collects one entry per call."""

    def __init__(self):
        self.calls: list[dict] = []
        self.unserializable: str | None = None

    def wrap(self, index: int, fn):
        from cnncourse.grading.serialize import NotSerializable, digest, encode

        recording = self

        def recorded(*args, **kwargs):
            entry = {"fn": index, "in": digest((args, kwargs))}
            recording.calls.append(entry)
            state_before = _model_states(args, kwargs)
            try:
                out = fn(*args, **kwargs)
            except BaseException as exc:
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                entry.update(raised=type(exc).__name__, message=short(str(exc)),
                             where=f"line {frame.lineno} of {frame.name}")
                raise
            changed = [what for what, state in _model_states(args, kwargs).items() if state != state_before.get(what)]
            if changed:   # in place, in an object the grader cannot rebuild from plain data: only the kernel saw it
                recording.unserializable = recording.unserializable or (
                    f"the function changed {changed[0]} in place (its weights or trainable flags)")
            after = digest((args, kwargs))
            try:
                entry["out"] = encode(out)
                if after != entry["in"]:  # the learner changed an argument in place
                    entry["after"] = encode((args, kwargs))
            except NotSerializable as exc:
                recording.unserializable = recording.unserializable or f"the function returned {exc}"
                entry["out"] = None
            return out

        recorded.__name__ = getattr(fn, "__name__", "learner_function")
        recorded.__doc__ = getattr(fn, "__doc__", None)
        return recorded

    def describe(self, index: int, value) -> dict:
        """How the grader gets argument ``index``: a replayed function, or the value itself."""
        from cnncourse.grading.serialize import NotSerializable, encode

        if callable(value) and not isinstance(value, type) and type(value).__name__ in ("function", "method", "builtin_function_or_method", "partial"):
            return {"kind": "function"}
        try:
            return {"kind": "value", "value": encode(value)}
        except NotSerializable as exc:
            self.unserializable = self.unserializable or f"argument {index + 1} is {exc}"
            return {"kind": "opaque", "type": str(exc)}


def run_check(exercise_id: str, *args) -> None:
    """Run the course checker of ``exercise_id`` on the learner's ``args``; record calls and outcome."""
    from cnncourse.checks import REGISTRY

    recording = _Recording()
    described = [recording.describe(i, a) for i, a in enumerate(args)]
    passed_args = [recording.wrap(i, a) if d["kind"] == "function" else a for i, (a, d) in enumerate(zip(args, described))]
    item = {"id": exercise_id, "args": described, "calls": recording.calls}
    try:
        REGISTRY[exercise_id].checker(*passed_args)
    except KeyboardInterrupt:
        item.update(passed=False, message="timed out: the check was interrupted (an endless loop?)")
        raise
    except BaseException as exc:  # noqa: BLE001 - every failure is the learner's result
        item.update(passed=False, message=short(_failure_text(exc)))
        raise
    else:
        item.update(passed=True, message="passed")
    finally:
        item["unserializable"] = recording.unserializable
        _write(item)


def run_check_lazy(exercise_id: str, get_args) -> None:
    """:func:`run_check` with the learner's names looked up here, so a missing name is recorded as a failure."""
    try:
        args = get_args()
    except BaseException as exc:  # noqa: BLE001 - e.g. NameError: the learner's function was never defined
        _write({"id": exercise_id, "args": [], "calls": [], "unserializable": None, "passed": False,
                "message": short(_failure_text(exc))})
        raise
    run_check(exercise_id, *args)


@contextlib.contextmanager
def record(exercise_id: str):
    """Record pass/fail of a check cell that is not a plain ``checks.name(...)`` call (not replayable)."""
    item = {"id": exercise_id, "unserializable": "the check cell is not a single checker call"}
    try:
        yield
    except KeyboardInterrupt:
        _write(dict(item, passed=False, message="timed out: the check was interrupted (an endless loop?)"))
        raise
    except BaseException as exc:  # noqa: BLE001
        _write(dict(item, passed=False, message=short(_failure_text(exc))))
        raise
    _write(dict(item, passed=True, message="passed"))


def start(cell_numbers: dict) -> None:  # noqa: D401
    """Note, before each cell runs, which of the learner's code cells it is (for 'the kernel exited at cell N').

    ``cell_numbers`` maps the sha1 of a cell's source to a description of that cell
    ("your code cell 3"). Informational only: learner code can undo it.
    """
    import hashlib

    path = os.environ.get(PROGRESS_ENV)

    def before(info=None, *_):
        key = hashlib.sha1(str(getattr(info, "raw_cell", "")).encode()).hexdigest()
        if key in cell_numbers:
            with open(path, "w", encoding="utf-8") as f:
                f.write(str(cell_numbers[key]))

    if path:
        get_ipython().events.register("pre_run_cell", before)  # noqa: F821 - runs in IPython


def finish() -> None:
    """Mark that the kernel reached the end of the notebook (so it did not die on the way)."""
    path = os.environ.get(RESULTS_ENV)
    if path:
        open(path + ".done", "w").close()
