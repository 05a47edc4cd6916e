"""Mutation suites: every exercise checker must reject plausible wrong answers.

One module per lesson, ``test_lessonNN.py``. For every graded exercise of the lesson it holds

* the reference answer (the solution notebook's code), which the checker must accept, and
* at least three *mutants*: wrong-but-plausible answers a learner really writes (a tie in a max window
  sent to every maximum, ReLU'(0) = 1, a uniform with the right variance where a normal is asked for,
  the training flag ignored, an unclipped overlap, T instead of T**2, softmax over the wrong axis...).
  The checker must reject each one with a message that names the mistake (``match=`` checks the words),
  and not because the mutant crashed.

Parametrize the mutants with readable ids, e.g.
``pytest.param(tied_max_gets_all, id="tied-max-gets-all")``, and test them with :func:`assert_rejected`;
test the reference with :func:`assert_accepted`. A new exercise adds its reference and mutants to the
module of its lesson (create ``test_lessonNN.py`` for a new lesson). When a mutant passes, fix the checker
(``cnncourse/checks/lessonNN.py``), not the mutant.
"""
from __future__ import annotations

import re

import pytest

from cnncourse.checks import REGISTRY, CheckFailed


def run_check(exercise_id: str, *answer):
    """Call the checker of ``exercise_id`` as the check cell does (``checks.name(fn, ...)``)."""
    return REGISTRY[exercise_id].checker(*answer)


def assert_accepted(exercise_id: str, *answer) -> None:
    """The checker passes ``answer`` (it raises CheckFailed otherwise, failing the test with its message)."""
    run_check(exercise_id, *answer)


def assert_rejected(exercise_id: str, *answer, match: str | None = None) -> str:
    """The checker fails ``answer`` with a real finding (not a crash), whose message matches ``match``."""
    with pytest.raises(CheckFailed) as info:
        run_check(exercise_id, *answer)
    message = str(info.value)
    assert "not done yet" not in message, message
    assert "your code raised" not in message, f"the mutant crashed instead of being caught: {message}"
    if match is not None:
        assert re.search(match, message, re.IGNORECASE), f"message does not match {match!r}: {message}"
    return message
