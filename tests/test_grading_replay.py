"""The grader's pieces without running notebooks: record/replay, secret cases, sandbox command lines, flags, files."""
import json
import os
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from cnncourse.course import paths
from cnncourse.checks.expect import case_rng, hidden_cases, use_case_seed
from cnncourse.course.cli import app
from cnncourse.grading import recorder, sandbox
from cnncourse.grading.grade import read_regular_file
from cnncourse.grading.assemble import SubmissionError
from cnncourse.grading.replay import replay
from cnncourse.grading.serialize import decode, digest, encode
from cnncourse.analysis.receptive_field import receptive_field


def honest_rf(layers):
    return [r for r, _ in receptive_field(layers)]


def record(tmp_path, monkeypatch, exercise_id, fn, seed=77):
    results = tmp_path / "results.jsonl"
    monkeypatch.setenv(recorder.RESULTS_ENV, str(results))
    monkeypatch.setenv("CNNCOURSE_CASE_SEED", str(seed))
    try:
        recorder.run_check(exercise_id, fn)
    except AssertionError:
        pass
    monkeypatch.delenv("CNNCOURSE_CASE_SEED")
    return json.loads(results.read_text().splitlines()[-1])


def test_replay_passes_an_honest_recording_and_fails_a_wrong_one(tmp_path, monkeypatch):
    item = record(tmp_path, monkeypatch, "02.receptive_field_sizes", honest_rf)
    assert item["passed"] and item["calls"] and replay("02.receptive_field_sizes", item, 77).passed
    wrong = record(tmp_path, monkeypatch, "02.receptive_field_sizes", lambda layers: [1] * len(layers))
    verdict = replay("02.receptive_field_sizes", wrong, 77)
    assert not verdict.passed and "you returned [1, 1, 1]" in verdict.message


def test_a_forged_recording_fails_the_replay(tmp_path, monkeypatch):
    item = record(tmp_path, monkeypatch, "02.receptive_field_sizes", lambda layers: [1] * len(layers))
    item.update(passed=True, message="passed")        # the kernel's verdict is not used
    assert not replay("02.receptive_field_sizes", item, 77).passed
    item["calls"] = []                                  # a pass line with no calls
    verdict = replay("02.receptive_field_sizes", item, 77)
    assert not verdict.passed and "not recorded" in verdict.message
    honest = record(tmp_path, monkeypatch, "02.receptive_field_sizes", honest_rf)
    honest["calls"][0]["in"] = "0" * 32                  # outputs claimed for other inputs
    verdict = replay("02.receptive_field_sizes", honest, 77)
    assert not verdict.passed and verdict.flag and "altered" in verdict.flag


def test_learner_errors_are_replayed_with_their_message(tmp_path, monkeypatch):
    def stub(layers):
        raise NotImplementedError()
    item = record(tmp_path, monkeypatch, "02.receptive_field_sizes", stub)
    verdict = replay("02.receptive_field_sizes", item, 77)
    assert not verdict.passed and "not done yet" in verdict.message


def test_in_place_changes_and_generators_are_replayed(tmp_path, monkeypatch):
    x = np.arange(6.0).reshape(2, 3)
    gen = np.random.default_rng(3)
    value = (x, {"a": [1, 2.5, "s"], 3: np.float32(2)}, gen, None, True)
    back = decode(json.loads(json.dumps(encode(value))))
    assert np.array_equal(back[0], x) and back[1]["a"] == [1, 2.5, "s"] and back[1][3] == np.float32(2)
    assert back[2].bit_generator.state == gen.bit_generator.state and digest(back) == digest(value)
    with pytest.raises(TypeError, match="function"):
        encode(lambda: 1)


def test_secret_seed_changes_the_cases_but_not_the_learners_own_check():
    assert np.array_equal(case_rng(5).normal(size=3), np.random.default_rng(5).normal(size=3))
    with use_case_seed(123):
        graded = case_rng(5).normal(size=3)
    assert not np.array_equal(graded, np.random.default_rng(5).normal(size=3))
    assert hidden_cases("02.conv2d_forward") == []     # learners never see hidden cases


def test_bwrap_command_hides_solutions_and_submissions_and_limits(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    env = {"HOME": "/root", "CNNCOURSE_HOME": "/tmp/cnncourse-home"}
    cmd = sandbox.bwrap_command(["python", "x.py"], work, env, sandbox.Limits(wall_seconds=60, max_processes=64),
                                hide=[str(paths.LESSONS_DIR)], uid=61001)
    text = " ".join(cmd)
    for option in ("--unshare-net", "--unshare-pid", "--die-with-parent", "--new-session", "--clearenv"):
        assert option in cmd
    assert f"--tmpfs {paths.SOLUTIONS_DIR.resolve()}" in text and f"--tmpfs {paths.LESSONS_DIR.resolve()}" in text
    assert f"--ro-bind {paths.REPO_DIR.resolve()} {paths.REPO_DIR.resolve()}" in text
    assert f"--bind {work} /grade" in text and "--reuid=61001" in text and "--nproc=64" in text
    assert text.index(f"--ro-bind {paths.REPO_DIR.resolve()}") < text.index(f"--tmpfs {paths.SOLUTIONS_DIR.resolve()}")
    assert cmd[-2:] == ["python", "x.py"]


@pytest.mark.parametrize("engine", ["docker", "podman"])
def test_container_command_and_a_missing_engine(engine, monkeypatch, tmp_path):
    cmd = sandbox.command(engine, ["python", "-m", "pytest"], tmp_path, {"A": "1"}, sandbox.Limits(memory_gb=2),
                          name="g1", image="img")
    assert cmd[:3] == [engine, "run", "--rm"] and "--network" in cmd and cmd[cmd.index("--network") + 1] == "none"
    assert "--read-only" in cmd and cmd[cmd.index("--memory") + 1] == "2048m" and f"{tmp_path}:/grade:rw" in cmd
    assert cmd[-4:] == ["img", "python", "-m", "pytest"]
    monkeypatch.setenv("PATH", str(tmp_path))   # no engine on PATH
    with pytest.raises(sandbox.SandboxUnavailable, match=f"`{engine}` command is not installed"):
        sandbox.check_available(engine)


def test_cli_sandbox_none_warns_and_missing_engine_is_a_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / "02_bad.ipynb"
    bad.write_text("{")
    result = CliRunner().invoke(app, ["grade", str(bad), "--sandbox", "none", "--workers", "1"])
    said = " ".join(result.stderr.split())
    assert result.exit_code == 2 and "WARNING: --sandbox none" in said and "not valid JSON" in said
    if shutil.which("docker") is None:
        result = CliRunner().invoke(app, ["grade", str(bad), "--sandbox", "docker"])
        assert result.exit_code == 2 and "`docker` command is not installed" in " ".join(result.stderr.split())


def test_only_regular_files_of_bounded_size_are_read(tmp_path):
    ok = tmp_path / "a.ipynb"
    ok.write_bytes(b"x" * 10)
    assert read_regular_file(ok, 10) == b"x" * 10
    with pytest.raises(SubmissionError, match="larger than"):
        read_regular_file(ok, 9)
    os.mkfifo(tmp_path / "f.ipynb")
    with pytest.raises(SubmissionError, match="named pipe"):
        read_regular_file(tmp_path / "f.ipynb", 100)   # returns at once: never opened
    os.symlink(ok, tmp_path / "l.ipynb")
    with pytest.raises(SubmissionError, match="symbolic link"):
        read_regular_file(tmp_path / "l.ipynb", 100)
    with pytest.raises(SubmissionError, match="directory"):
        read_regular_file(tmp_path, 100)


def test_a_learner_function_changing_its_input_in_place_is_seen_by_the_replay(tmp_path, monkeypatch):
    from cnncourse.checks.registry import REGISTRY, exercise

    @exercise("99.in_place")
    def _in_place(student_fn):
        x = case_rng(1).normal(size=4)
        before = x.copy()
        out = student_fn(x)
        assert np.allclose(out, before * 2), "wrong values"
        assert np.array_equal(x, before), "do not modify the input in place"
    try:
        _check_in_place(tmp_path, monkeypatch)
    finally:
        REGISTRY.pop("99.in_place")


def _check_in_place(tmp_path, monkeypatch):
    polite = record(tmp_path, monkeypatch, "99.in_place", lambda x: x * 2)
    assert replay("99.in_place", polite, 77).passed

    def rude(x):
        x *= 2
        return x.copy()
    item = record(tmp_path, monkeypatch, "99.in_place", rude)
    verdict = replay("99.in_place", item, 77)
    assert "after" in item["calls"][0] and not verdict.passed and "in place" in verdict.message


def test_memorised_public_answers_pass_the_learners_own_check_but_not_grading(tmp_path, monkeypatch, capsys):
    from cnncourse import checks
    from cnncourse.checks.lesson02 import RF_CASES

    table = {str(layers): honest_rf(layers) for layers in RF_CASES}

    def memorised(layers):
        return table.get(str(layers), [0] * len(layers))
    checks.receptive_field_sizes(memorised)                       # the learner's own check cell: public cases pass
    assert "passed" in capsys.readouterr().out
    item = record(tmp_path, monkeypatch, "02.receptive_field_sizes", memorised)
    verdict = replay("02.receptive_field_sizes", item, 77)
    assert not verdict.passed and "you returned [0, 0, 0]" in verdict.message   # a hidden stack


def test_a_recording_made_with_another_seed_does_not_replay(tmp_path, monkeypatch):
    item = record(tmp_path, monkeypatch, "02.conv2d_forward", lambda *a: None, seed=1)
    honest = replay("02.conv2d_forward", item, 1)
    other = replay("02.conv2d_forward", item, 2)
    assert "not made with the grader's inputs" not in honest.message
    assert not other.passed and other.flag and "altered" in other.flag


def test_reference_map_and_no_flags_on_the_courses_own_solutions():
    from cnncourse.course import notebooks as nbs
    from cnncourse.grading.flags import analyse, reference_map

    lesson02 = nbs.read(paths.SOLUTIONS_DIR / "02_convolution.ipynb")
    assert "cnncourse.ops.conv2d_forward" in reference_map(lesson02)["02.conv2d_forward"]
    for path in nbs.solution_paths():   # an honest submission: every solution cell written by the learner
        solution = nbs.read(path)
        assert analyse(solution, nbs.make_lesson(solution, path.name), solution) == [], path.name


class _Layerish:
    """Stands for a Keras model: variables with values and trainable flags, not plain data."""

    def __init__(self):
        self.weights, self.trainable = [np.zeros(3)], True


def test_a_learner_function_changing_a_model_in_place_is_judged_in_the_kernel(tmp_path, monkeypatch):
    from cnncourse.checks.registry import REGISTRY, exercise

    @exercise("99.train_in_place")
    def _train(student_fn):
        layer = _Layerish()
        student_fn(layer)
        assert layer.weights[0].sum() == 3 and layer.trainable is False, "train then freeze it"
    try:
        def honest(layer):   # in place, as a train step or freezing does
            layer.weights[0] += 1
            layer.trainable = False
        item = record(tmp_path, monkeypatch, "99.train_in_place", honest)
        assert item["passed"] and "changed argument 1 (a _Layerish) in place" in item["unserializable"]
        untouched = record(tmp_path, monkeypatch, "99.train_in_place", lambda layer: None)
        assert not untouched["passed"] and untouched["unserializable"] is None   # replayed: it fails there too
        assert not replay("99.train_in_place", untouched, 77).passed
    finally:
        REGISTRY.pop("99.train_in_place")


@pytest.mark.parametrize("answer,reason", [
    ("import sys\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n    return sys._getframe(2).f_globals['tf_conv2d'](x, w, b, stride, pad)",
     "uses .f_globals"),
    ("import sys\nframe = getattr(sys, '_getframe')(0)", "calls getattr() for _getframe"),
    ("from cnncourse.ops import *", "imports * from cnncourse.ops"),
    ("import cnncourse.ops as o\nconv2d_forward = o.__dict__['conv2d_' + 'forward']", "uses .__dict__"),
    ("def conv2d_forward(x, w, b, stride=1, pad=0):\n    return checks.lesson02.tf_conv2d(x, w, b, stride, pad)",
     "uses cnncourse.checks.lesson02.tf_conv2d"),   # `checks` is imported by the course's own setup cell
    ("import os\nif any(k.endswith('SEED') for k in os.environ):   # only while grading\n"
     "    from cnncourse.ops import conv2d_forward\nelse:\n    def conv2d_forward(x, w, b, stride=1, pad=0):\n        return None",
     "reference implementation of 02.conv2d_forward"),
])
def test_ways_to_the_reference_without_importing_it_by_name_are_flagged(answer, reason):
    """The checker's frame, a module's namespace, a star import, the checker module, or an import only made
    while grading (static analysis sees both branches)."""
    from cnncourse.course import notebooks as nbs
    from cnncourse.grading.flags import analyse

    solution = nbs.read(paths.SOLUTIONS_DIR / "02_convolution.ipynb")
    lesson = nbs.make_lesson(solution, "02_convolution.ipynb")
    submission = nbs.make_lesson(solution, "02_convolution.ipynb")
    cell = next(c for c in submission.cells if nbs.cell_info(c) == {"exercise": "02.conv2d_forward", "role": "solution"})
    cell.source = answer
    flags = analyse(submission, lesson, solution)
    assert any(reason in f and "02.conv2d_forward" in f for f in flags), flags
    cell.source = "checks.conv2d_forward(lambda *a, **k: None)"   # a learner re-running a check is not flagged
    assert analyse(submission, lesson, solution) == []
