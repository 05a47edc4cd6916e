"""Auto-grading of learner notebooks: the course's own checks, run under nbval in a sandboxed subprocess.

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
