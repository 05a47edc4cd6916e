"""Attacks on `cnncourse grade`, one hand-made lesson-02 notebook each, graded in ONE sandboxed batch.

Each attack cheats on 02.conv2d_forward (2 points) and answers 02.receptive_field_sizes
honestly (1 point): it must score zero on the cheated exercise or be flagged with its reason,
and the honest neighbours in the same batch must keep their scores. Malformed files (deeply
nested JSON, a FIFO, a symlink to solutions/, nbformat v3) must become error rows.
"""
import hashlib
import json
import os
import time
import uuid

import nbformat
import pytest

from cnncourse.course import notebooks as nbs
from cnncourse.course import paths
from cnncourse.grading import grade_many

pytestmark = pytest.mark.skipif(not (paths.SOLUTIONS_DIR / "02_convolution.ipynb").exists(), reason="lesson 02 missing")

LESSON = "02_convolution"
CONV, RF = "02.conv2d_forward", "02.receptive_field_sizes"
MARKER = f"i18-detached-attack-{uuid.uuid4().hex[:8]}"
PROTECTED = [paths.SOLUTIONS_DIR / f"{LESSON}.ipynb", paths.PACKAGE_DIR / "checks" / "lesson02.py",
             paths.PACKAGE_DIR / "grading" / "replay.py"]


def solution_source(ex):
    solution = nbs.read(paths.SOLUTIONS_DIR / f"{LESSON}.ipynb")
    return next(c.source for c in solution.cells if nbs.cell_info(c) == {"exercise": ex, "role": "solution"})


def notebook(conv_answer=None, extra_after=None, rf_answer=True, extra_before_rf=None):
    """The learner copy of lesson 02 with the given conv2d answer, an honest RF answer, and extra cells."""
    nb = nbs.make_lesson(nbs.read(paths.SOLUTIONS_DIR / f"{LESSON}.ipynb"), f"{LESSON}.ipynb")
    for cell in nb.cells:
        info = nbs.cell_info(cell)
        if info == {"exercise": CONV, "role": "solution"} and conv_answer is not None:
            cell.source = conv_answer
        if info == {"exercise": RF, "role": "solution"} and rf_answer:
            cell.source = solution_source(RF)
    if extra_before_rf:
        at = next(i for i, c in enumerate(nb.cells) if nbs.cell_info(c).get("exercise") == RF)
        nb.cells.insert(at, nbformat.v4.new_code_cell(extra_before_rf))
    if extra_after:
        nb.cells.append(nbformat.v4.new_code_cell(extra_after))
    return nb


FAKE_PASS = ('json.dumps({"id": "02.conv2d_forward", "passed": True, "message": "passed", "calls": [], '
             '"args": [{"kind": "function"}], "unserializable": None})')
STUB = "def conv2d_forward(x, w, b, stride=1, pad=0):\n    return None"

ATTACKS = {
    "replace_checker": dict(conv_answer="from cnncourse import checks\nchecks.conv2d_forward = lambda *a, **k: None\n" + STUB),
    "wrap_recorder": dict(conv_answer=(
        "import json, os\nimport cnncourse.grading.recorder as recorder\n"
        "def fake_run_check(exercise_id, *args):\n"
        f"    open(os.environ['CNNCOURSE_GRADE_RESULTS'], 'a').write({FAKE_PASS.replace('02.conv2d_forward', '{exercise_id}')} + '\\n')\n"
        "recorder.run_check = fake_run_check\n" + STUB).replace('"{exercise_id}"', "exercise_id")),
    "silence_and_append": dict(conv_answer=STUB, extra_after=(
        "import json, os\nget_ipython()._showtraceback = lambda *a, **k: None\n"
        f"open(os.environ['CNNCOURSE_GRADE_RESULTS'], 'a').write({FAKE_PASS} + '\\n')")),
    "import_hook": dict(conv_answer=(
        "import builtins, json, os, types\n_real_import = builtins.__import__\n"
        "forge = lambda ex, *a: open(os.environ['CNNCOURSE_GRADE_RESULTS'], 'a').write("
        f"{FAKE_PASS} + '\\n')\n"
        "fake = types.SimpleNamespace(run_check=forge, run_check_lazy=forge)\n"
        "def hooked(name, *args, **kwargs):\n"
        "    return fake if name == 'cnncourse.grading.recorder' else _real_import(name, *args, **kwargs)\n"
        "builtins.__import__ = hooked\n" + STUB)),
    "copy_from_solutions": dict(conv_answer=(
        "import json\nfrom cnncourse.course import paths\n"
        "try:\n    nb = json.load(open(paths.SOLUTIONS_DIR / '02_convolution.ipynb'))\n"
        "    exec(next(''.join(c['source']) for c in nb['cells'] if c['metadata'].get('cnncourse', {}).get('role') == 'solution'))\n"
        "except OSError as exc:\n    print('no solutions here:', exc)\n")),
    "import_reference": dict(conv_answer="from cnncourse.ops import conv2d_forward"),
    "write_solutions": dict(conv_answer=STUB, extra_after=(
        "from cnncourse.course import paths\nfor target in [paths.SOLUTIONS_DIR / '02_convolution.ipynb', "
        "paths.PACKAGE_DIR / 'checks' / 'lesson02.py', paths.PACKAGE_DIR / 'grading' / 'replay.py']:\n"
        "    try:\n        open(target, 'a').write('# pwned')\n    except OSError as exc:\n        print(exc)\n")),
    "duplicate_id": dict(),   # built below: a blank copy first, an honest copy last
}


def detached_child_cell(own_path, witness):
    """A cell leaving a detached process that, later, rewrites its own file and other results files."""
    code = (f"import glob, time  # {MARKER}\n"
            "for _ in range(60):\n"
            "    time.sleep(0.5)\n"
            "    for target in glob.glob('/tmp/cnncourse-grade-*/work/results.jsonl') + glob.glob('/grade/results.jsonl'):\n"
            "        try: open(target, 'a').write('{\"id\": \"02.receptive_field_sizes\", \"passed\": false, \"message\": \"x\"}\\n')\n"
            "        except OSError: pass\n"
            f"    for target in [{str(own_path)!r}, {str(witness)!r}]:\n"
            "        try: open(target, 'w').write('rewritten after grading')\n"
            "        except OSError: pass\n")
    return ("import subprocess, sys\n"
            f"subprocess.Popen([sys.executable, '-c', {code!r}], start_new_session=True,\n"
            "                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade every attack with two honest neighbours, once; returns (results by file stem, paths, hashes)."""
    folder = tmp_path_factory.mktemp("submissions")
    witness = tmp_path_factory.mktemp("outside") / "witness.txt"
    files = {}

    def put(stem, nb):
        path = folder / f"02_{stem}.ipynb"
        path.write_text(nbs.dumps(nb))
        files[stem] = path

    put("honest", notebook(conv_answer=solution_source(CONV)))
    put("blank", notebook(rf_answer=False))
    for stem, spec in ATTACKS.items():
        if stem != "duplicate_id":
            put(stem, notebook(**spec))
    dup = notebook(conv_answer=solution_source(CONV))
    blank_copy = next(c for c in nbs.make_lesson(nbs.read(paths.SOLUTIONS_DIR / f"{LESSON}.ipynb")).cells
                      if nbs.cell_info(c).get("exercise") == CONV and nbs.cell_info(c)["role"] == "solution")
    at = next(i for i, c in enumerate(dup.cells) if nbs.cell_info(c).get("exercise") == CONV)
    blank_copy["id"] = "blank-copy"
    dup.cells.insert(at, blank_copy)
    put("duplicate_id", dup)
    put("detached", notebook(conv_answer=solution_source(CONV),
                             extra_after=detached_child_cell(folder / "02_detached.ipynb", witness)))
    put("ignores_sigint", notebook(conv_answer=solution_source(CONV), extra_after=(
        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.2)")))
    # malformed files: each must become an error row
    (folder / "02_nested.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    files["nested"] = folder / "02_nested.ipynb"
    os.mkfifo(folder / "02_fifo.ipynb")
    files["fifo"] = folder / "02_fifo.ipynb"
    os.symlink(paths.SOLUTIONS_DIR / f"{LESSON}.ipynb", folder / "02_link.ipynb")
    files["link"] = folder / "02_link.ipynb"
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    (folder / "02_old.ipynb").write_text(json.dumps(v3))
    files["old"] = folder / "02_old.ipynb"

    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in PROTECTED + [files["detached"], files["honest"]]}
    started = time.time()
    results = grade_many(list(files.values()), workers=2, timeout=20, wall_seconds=150)
    return {stem: r for stem, r in zip(files, results)}, files, hashes, witness, time.time() - started


def by_id(result):
    return {e.id: e for e in result.exercises}


def test_honest_neighbours_keep_their_scores(batch):
    results, *_ = batch
    assert (results["honest"].score, results["honest"].max_score, results["honest"].error) == (3, 3, None)
    assert results["honest"].flags == []
    assert results["blank"].score == 0 and all("not done yet" in e.message for e in results["blank"].exercises)
    assert len(results) == len(batch[1])   # one row per file, whatever happened


@pytest.mark.parametrize("stem", ["replace_checker", "wrap_recorder", "silence_and_append", "import_hook",
                                  "copy_from_solutions", "write_solutions"])
def test_forged_pass_scores_zero_on_the_cheated_exercise_and_is_flagged(batch, stem):
    result = batch[0][stem]
    ex = by_id(result)
    assert not ex[CONV].passed, (stem, ex[CONV].message)
    assert result.flags, stem
    assert len(ex[CONV].message) <= 300
    if stem in ("wrap_recorder", "import_hook"):
        # the fake recorder stays in place for the later check too: that exercise is lost as well
        assert result.score == 0
    else:
        assert ex[RF].passed, (stem, ex[RF].message)   # the honest exercise of the same notebook still counts
        assert result.score == 1


def test_flags_name_the_reason(batch):
    results = batch[0]
    joined = {stem: " ".join(r.flags) for stem, r in results.items()}
    assert "monkeypatching" in joined["replace_checker"] and "cnncourse.checks" in joined["replace_checker"]
    assert "cnncourse.grading.recorder" in joined["wrap_recorder"]
    assert "IPython internals" in joined["silence_and_append"]
    assert "builtins.__import__" in joined["import_hook"]
    assert "SOLUTIONS_DIR" in joined["copy_from_solutions"] and "exec()" in joined["copy_from_solutions"]
    assert "reference implementation of 02.conv2d_forward" in joined["import_reference"]


def test_importing_the_reference_is_flagged(batch):
    result = batch[0]["import_reference"]
    assert any("cnncourse.ops.conv2d_forward" in f for f in result.flags)


def test_course_is_read_only_and_invisible(batch):
    results, files, hashes, *_ = batch
    for path in PROTECTED:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashes[path]
    # solutions/ is an empty folder inside the sandbox: copying from it fails
    assert not by_id(results["copy_from_solutions"])[CONV].passed


def test_detached_process_dies_with_its_sandbox(batch):
    results, files, hashes, witness, _ = batch
    time.sleep(3)   # the child would write every 0.5 s
    assert hashlib.sha256(files["detached"].read_bytes()).hexdigest() == hashes[files["detached"]]
    assert not witness.exists()
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
        except OSError:
            continue
        if MARKER in cmdline:
            survivors.append(pid)
    assert survivors == []
    assert results["detached"].score == 3   # lines it added to its own results cannot erase a real pass
    assert results["honest"].score == 3     # other results files were out of the child's reach


def test_duplicated_exercise_grades_the_last_copy_and_flags_it(batch):
    result = batch[0]["duplicate_id"]
    assert by_id(result)[CONV].passed and result.score == 3
    assert any("2 solution cells" in f for f in result.flags)


def test_cell_ignoring_interrupts_is_stopped_and_earlier_exercises_kept(batch):
    result = batch[0]["ignores_sigint"]
    assert result.score == 3, [e.message for e in result.exercises]
    assert "limit" in result.error


@pytest.mark.parametrize("stem,reason", [
    ("nested", "nested too deeply"), ("fifo", "named pipe"), ("link", "symbolic link"),
    ("old", "jupyter nbconvert --to notebook --nbformat 4"),
])
def test_malformed_files_become_error_rows(batch, stem, reason):
    result = batch[0][stem]
    assert not result.readable and reason in result.error and result.exercises == []
