"""Grading on a Dask LocalCluster of 2 worker processes: every submission gets exactly one row, a worker
killed mid-run costs nothing (the submission is retried once), a worker that always dies gives an error row;
and one real lesson-02 notebook graded end to end through `--cluster local:2`."""
import json
import os
import sys

import cloudpickle
import pytest
from typer.testing import CliRunner

import grading_demo as demo
from cnncourse.course.cli import app
from cnncourse.grading.cluster import dask_client, grade_on_cluster, parse_cluster
from cnncourse.grading.grade import ExerciseResult, SubmissionResult
from cnncourse.course.paths import LESSONS_DIR, SOLUTIONS_DIR

# the fake grader below is shipped to the worker processes by value (they cannot import this test module)
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def fake_grade(path, marker_dir, **kwargs):
    """Cheap stand-in for the grader: kills its own worker process on the submissions named
    ``die-once`` (the first time only: a marker file remembers) and ``die-always``."""
    name, log = path.name, marker_dir / f"{path.stem}.runs"
    with open(log, "a") as f:
        f.write(f"{os.getpid()}\n")
    marker = marker_dir / f"{path.stem}.died"
    if name.startswith("die-always") or (name.startswith("die-once") and not marker.exists()):
        marker.touch()
        os.kill(os.getpid(), 9)
    passed = path.read_text() == "good"
    return SubmissionResult(notebook=str(path), lesson="98_demo", score=int(passed), max_score=1,
                            exercises=[ExerciseResult("98.double", 1, passed, "passed" if passed else "wrong")])


@pytest.fixture(scope="module")
def client():
    with dask_client("local:2") as c:
        assert len(c.scheduler_info()["workers"]) == 2
        yield c


def runs(marker_dir, stem):
    return (marker_dir / f"{stem}.runs").read_text().split()


def test_worker_killed_mid_run_the_submission_is_retried_once_and_nothing_is_lost(tmp_path, client):
    markers = tmp_path / "markers"
    markers.mkdir()
    names = ["a.ipynb", "die-once.ipynb", "b.ipynb", "c.ipynb", "d.ipynb"]
    paths = []
    for name in names:
        (tmp_path / name).write_text("bad" if name == "b.ipynb" else "good")
        paths.append(tmp_path / name)
    ticks = []
    results = grade_on_cluster(paths + [paths[0]], "local:2", client=client, progress=lambda: ticks.append(1),
                               grade=fake_grade, marker_dir=markers)
    assert [r.notebook for r in results] == [str(p) for p in paths + [paths[0]]]  # one row each, in order
    assert [r.score for r in results] == [1, 1, 0, 1, 1, 1] and all(r.error is None for r in results)
    assert len(ticks) == 6
    died_in, *again = runs(markers, "die-once")
    assert len(again) == 1 and again[0] != died_in  # retried once, in another worker process
    assert all(len(runs(markers, p.stem)) == 1 for p in paths if p.stem != "die-once")  # nobody graded twice
    assert len(runs(markers, "a")) == 1  # the duplicate path is one task


def test_worker_dying_every_time_gives_an_error_row_and_the_rest_is_graded(tmp_path, client):
    markers = tmp_path / "markers"
    markers.mkdir()
    innocent = [tmp_path / f"e{i}.ipynb" for i in range(4)]
    for p in [tmp_path / "die-always.ipynb", *innocent]:
        p.write_text("good")
    missing = tmp_path / "gone.ipynb"
    results = grade_on_cluster([tmp_path / "die-always.ipynb", *innocent, missing], "local:2", client=client,
                               grade=fake_grade, marker_dir=markers)
    dead, *ok, gone = results
    assert not dead.readable and "died 2 times" in dead.error and dead.score == 0
    assert len(runs(markers, "die-always")) == 2  # first run + one retry, no more
    # the deaths are not held against the submissions graded next to it
    assert [(r.score, r.error) for r in ok] == [(1, None)] * 4
    assert not gone.readable and "cannot read" in gone.error


@pytest.mark.parametrize("spec,expected", [("local:2", ("local", 2)), ("tcp://10.0.0.5:8786", ("address", "tcp://10.0.0.5:8786"))])
def test_cluster_spec_is_parsed(spec, expected):
    assert parse_cluster(spec) == expected


@pytest.mark.parametrize("spec", ["local:0", "local", "10.0.0.5:8786", "http://x:8786"])
def test_bad_cluster_spec_is_refused(spec):
    with pytest.raises(ValueError, match="expected local:N"):
        parse_cluster(spec)


def test_cli_grades_the_demo_lesson_on_a_local_cluster(tmp_path, monkeypatch):
    solutions = demo.write_solutions(tmp_path)
    monkeypatch.setattr("cnncourse.course.paths.SOLUTIONS_DIR", solutions)
    good = demo.submission(tmp_path / "alice" / "98_demo.ipynb", add_base="return v + base")
    half = demo.submission(tmp_path / "bob" / "98_demo.ipynb")
    book = tmp_path / "grades.csv"
    result = CliRunner().invoke(app, ["grade", str(good), str(half), "--cluster", "local:2", "--json", "--timeout", "60",
                                      "--gradebook", str(book), "--student-from", r"(?P<student>[^/]+)/98_demo\.ipynb$"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["score"], r["max_score"]) for r in report] == [(2, 2), (1, 2)]
    assert [line.split(",")[0] for line in book.read_text().splitlines()[1:]] == ["alice", "bob"]


@pytest.mark.skipif(not (SOLUTIONS_DIR / "02_convolution.ipynb").exists(), reason="lesson 02 not written")
def test_real_lesson_02_graded_through_local_2(tmp_path):
    solution = tmp_path / "02_convolution.ipynb"
    solution.write_bytes((SOLUTIONS_DIR / "02_convolution.ipynb").read_bytes())
    result = CliRunner().invoke(app, ["grade", str(solution), str(LESSONS_DIR / "02_convolution.ipynb"),
                                      "--cluster", "local:2", "--json", "--timeout", "300"])
    assert result.exit_code == 0, result.output
    full, blank = json.loads(result.stdout)
    assert full["lesson"] == "02_convolution" and full["score"] == full["max_score"] > 0 and full["error"] is None
    assert blank["score"] == 0 and blank["max_score"] == full["max_score"]
