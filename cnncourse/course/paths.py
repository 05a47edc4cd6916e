"""Where the course lives on disk: repository folders and the learner's course home.

Course tooling: not imported by the lessons.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]   # cnncourse/ (this file is cnncourse/course/paths.py)
REPO_DIR = PACKAGE_DIR.parent
DATA_DIR = REPO_DIR / "data"
SOLUTIONS_DIR = REPO_DIR / "solutions"
LESSONS_DIR = REPO_DIR / "lessons"

HOME_ENV = "CNNCOURSE_HOME"


def course_home() -> Path:
    """The learner's own folder (review history, caches); ``$CNNCOURSE_HOME`` or ``~/.cnncourse``."""
    home = Path(os.environ.get(HOME_ENV) or Path.home() / ".cnncourse").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def cache_dir(name: str) -> Path:
    """A sub-folder of the course home for converted weights, tfds data and the like."""
    path = course_home() / "cache" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
