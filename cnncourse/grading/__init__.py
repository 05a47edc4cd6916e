"""Auto-grading of learner notebooks: each runs in its own sandbox, the grader re-checks every exercise.

``grade_notebook(path, ...)`` grades ONE submission and returns its ``SubmissionResult``
(never raises for anything the submission does); ``grade_many`` maps it over a batch.
Modules: ``assemble`` (read a submission, insert the course's checks), ``sandbox`` (bubblewrap /
docker / podman command lines), ``recorder`` (inside the kernel), ``serialize`` and ``replay``
(the verdict, outside), ``flags`` (static analysis), ``report``, ``release``.

Course tooling: not imported by the lessons.

Imports lazily: the graded kernel imports ``cnncourse.grading.recorder`` inside
every check cell, and that must stay cheap.
"""
__all__ = ["ExerciseResult", "SubmissionResult", "grade_many", "grade_notebook"]


def __getattr__(name):
    if name in __all__:
        from cnncourse.grading import grade

        return getattr(grade, name)
    raise AttributeError(name)
