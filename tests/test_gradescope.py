"""The Gradescope bundle: its run_autograder, run with the /autograder paths moved to a temporary folder,
writes a results.json that the documented schema accepts, with each exercise's score."""
import json
import os
import subprocess
import sys
import zipfile

import jsonschema
import pytest
from typer.testing import CliRunner

import grading_demo as demo
from cnncourse.course import paths
from cnncourse.course.cli import app
from cnncourse.grading.gradescope import RESULTS_SCHEMA, results_json, validate_results, write_bundle


@pytest.fixture
def bundle(tmp_path):
    solutions = demo.write_solutions(tmp_path / "course")
    out = tmp_path / "autograder"
    archive = write_bundle("98", out, timeout=30, solutions_dir=solutions)
    return out, archive


def run_autograder(bundle_dir, tmp_path):
    results = tmp_path / "results" / "results.json"
    env = dict(os.environ, CNNCOURSE_AUTOGRADER_PYTHON=sys.executable,
               CNNCOURSE_AUTOGRADER_SUBMISSION=str(tmp_path / "submission"), CNNCOURSE_AUTOGRADER_RESULTS=str(results))
    env.pop("PYTHONPATH", None)  # the bundle must bring the course itself
    proc = subprocess.run([str(bundle_dir / "run_autograder")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(results.read_text())
    validate_results(data)
    return data, proc.stdout


def test_bundle_has_the_gradescope_layout(bundle):
    out, archive = bundle
    for name in ("setup.sh", "run_autograder"):
        assert os.access(out / name, os.X_OK), name
    assert (out / "solutions" / "98_demo.ipynb").exists() and (out / "cnncourse" / "checks").is_dir()
    assert (out / "scripts" / "setup.sh").exists() and (out / "requirements.txt").exists()
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "solutions/98_demo.ipynb", "cnncourse/grading/gradescope.py"} <= names
        assert zf.getinfo("run_autograder").external_attr >> 16 & 0o111  # still executable once unzipped
    assert not any("__pycache__" in n for n in names)


def test_run_autograder_grades_the_submission_and_writes_valid_results(bundle, tmp_path):
    out, _ = bundle
    demo.submission(tmp_path / "submission" / "my_work.ipynb", double="return 2 * v", add_base="return v - base")
    data, stdout = run_autograder(out, tmp_path)
    tests = {t["name"]: t for t in data["tests"]}
    assert (tests["exercise 98.double"]["score"], tests["exercise 98.double"]["max_score"]) == (1, 1)
    assert tests["exercise 98.double"]["status"] == "passed"
    assert tests["exercise 98.add_base"]["score"] == 0 and "add_base(1) should be 11" in tests["exercise 98.add_base"]["output"]
    assert data["score"] == 1 and data["execution_time"] > 0
    assert data["extra_data"]["cnncourse"]["lesson"] == "98_demo"
    assert "98_demo: 1/2" in stdout


def test_no_notebook_submitted_scores_zero_with_a_reason(bundle, tmp_path):
    out, _ = bundle
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("oops")
    data, _ = run_autograder(out, tmp_path)
    assert data["score"] == 0 and "no .ipynb file was submitted" in data["output"]
    assert [t["max_score"] for t in data["tests"]] == [1, 1]


def test_bundle_refuses_to_overwrite_and_unknown_lessons(bundle, tmp_path):
    out, _ = bundle
    with pytest.raises(FileExistsError, match="already exists"):
        write_bundle("98", out, solutions_dir=tmp_path / "course" / "solutions")
    with pytest.raises(ValueError, match="unknown lesson '42'"):
        write_bundle("42", tmp_path / "other", solutions_dir=tmp_path / "course" / "solutions")
    assert not (tmp_path / "other").exists()


def test_cli_writes_a_bundle_for_a_real_lesson(tmp_path):
    result = CliRunner().invoke(app, ["autograder", "02", str(tmp_path / "ag")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ag" / "solutions" / "02_convolution.ipynb").exists() and (tmp_path / "ag.zip").exists()
    assert "--lesson 02_convolution" in (tmp_path / "ag" / "run_autograder").read_text()
    bad = CliRunner().invoke(app, ["autograder", "02", str(tmp_path / "ag")])
    assert bad.exit_code == 2 and "already exists" in bad.output


@pytest.mark.parametrize("broken", [
    lambda d: d["tests"][0].pop("max_score"),
    lambda d: d["tests"][0].update(visibility="students"),
    lambda d: d.update(score="1"),
    lambda d: d.update(scores=1),
])
def test_schema_rejects_what_gradescope_would_not_accept(broken, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "SOLUTIONS_DIR", demo.write_solutions(tmp_path))
    row = {"notebook": "x.ipynb", "lesson": "98_demo", "score": 1, "max_score": 2, "error": None, "flags": ["imports socket"],
           "exercises": [{"id": "98.double", "points": 1, "passed": True, "message": "passed"}]}
    data = results_json(row, "98_demo", 3.2)
    validate_results(data)
    assert "flag: imports socket" in data["output"] and data["tests"][1]["output"].startswith("not graded")
    broken(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, RESULTS_SCHEMA)
