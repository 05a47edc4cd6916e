"""Shared test setup: quiet TensorFlow and a private course home for every test."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest


@pytest.fixture(autouse=True)
def course_home(tmp_path, monkeypatch):
    """Keep tests away from the learner's real ~/.cnncourse."""
    home = tmp_path / "course-home"
    monkeypatch.setenv("CNNCOURSE_HOME", str(home))
    return home
