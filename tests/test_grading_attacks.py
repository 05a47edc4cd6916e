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
    # issue 18, second round: variants the first review did not list
    "gc_patch_checker": dict(conv_answer=STUB + (
        "\nimport gc\nfor obj in gc.get_objects():   # find the course checker and give it a body that passes\n"
        "    if getattr(obj, '__module__', '') == 'cnncourse.checks.lesson02' and getattr(obj, '__name__', '') == 'conv2d_forward':\n"
        "        try:\n            obj.__code__ = (lambda student_fn: None).__code__\n        except ValueError:\n            pass\n")),
    "ctypes_registry": dict(conv_answer=STUB + (
        "\nimport ctypes, types\nfrom cnncourse.checks.registry import REGISTRY\n"
        "ctypes.pythonapi.PyDict_SetItem.argtypes = [ctypes.py_object] * 3\n"
        "ctypes.pythonapi.PyDict_SetItem(REGISTRY, '02.conv2d_forward', "
        "types.SimpleNamespace(checker=lambda *a, **k: None, points=2))\n")),
    "inherited_fds": dict(conv_answer=STUB, extra_after=(
        "import os\nline = b'{\"id\": \"02.conv2d_forward\", \"passed\": true, \"calls\": [], \"args\": []}\\n'\n"
        "for fd in range(3, 256):\n    try:\n        os.write(fd, line)\n    except OSError:\n        pass\n")),
    "proc_parent": dict(conv_answer=STUB + (
        "\nimport glob, os\nfrom cnncourse.course import paths\nfound = []\n"
        "for root in ['/proc/1/root', f'/proc/{os.getppid()}/root', *glob.glob('/proc/*/cwd')]:\n"
        "    try:\n        found += os.listdir(root + str(paths.SOLUTIONS_DIR))\n    except OSError:\n        pass\n"
        "for target in [f'/proc/{os.getppid()}/mem', '/proc/1/mem']:\n"
        "    try:\n        open(target, 'r+b').write(b'x')\n    except OSError as exc:\n        print(target, exc)\n"
        "print('solutions seen through /proc:', found)\n")),
    "kill_everything": dict(conv_answer=solution_source(CONV), extra_after=(
        "import os, signal\nos.kill(-1, signal.SIGKILL)   # every process it may signal: only its own sandbox's\n"
        "os.kill(os.getppid(), signal.SIGKILL)\n")),
    "ptrace_parent": dict(conv_answer=solution_source(CONV), extra_after=(
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "print('attach', libc.ptrace(16, os.getppid(), 0, 0), ctypes.get_errno())\n")),
    "output_flood": dict(conv_answer=solution_source(CONV), extra_after=(
        "import os, sys\nfor _ in range(20):\n    sys.stdout.write('x' * 1_000_000)\n"
        "for _ in range(20):\n    os.write(2, b'y' * 1_000_000)\n")),
    "fork_bomb": dict(conv_answer=solution_source(CONV), extra_after=(
        "import os, time\nkids = 0\nfor _ in range(100_000):\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(600)\n            os._exit(0)\n        kids += 1\n"
        "    except OSError as exc:\n        print('fork refused after', kids, 'children:', exc)\n        break\n")),
    "big_file": dict(conv_answer=solution_source(CONV), extra_after=(
        "chunk = b'0' * 64 * 1024 ** 2\nfor target in ['/grade/big.bin', '/tmp/big.bin']:\n    written = 0\n"
        "    try:\n        with open(target, 'wb') as f:\n            for _ in range(160):   # 10 GB\n"
        "                f.write(chunk)\n                written += len(chunk)\n"
        "    except OSError as exc:\n        print(target, 'stopped after', written >> 20, 'MB:', exc)\n")),
    "exit_mid_cell": dict(conv_answer=solution_source(CONV), extra_before_rf="print('half a line', end='')\nimport os\nos._exit(3)"),
    "binary_bytes": dict(conv_answer=STUB, extra_after=(
        "import json, os, sys\nsys.stdout.buffer.write(b'\\xff\\xfe\\x80 not utf-8\\n')\nsys.stdout.flush()\n"
        "open(os.environ['CNNCOURSE_GRADE_RESULTS'], 'ab').write(b'\\xff\\xfe' + "
        f"{FAKE_PASS}.encode() + b'\\n')\n")),
    "hardcoded_public": dict(conv_answer=solution_source(CONV), rf_answer=False),   # RF answer set below
    "duplicate_last_blank": dict(),   # built below: an honest copy first, a blank copy last
    # third round: the checker's own reference through its frame, the secret seed, a fake recorder channel
    "frame_globals": dict(conv_answer=(
        "import sys\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n    frame = sys._getframe(1)\n"
        "    while 'tf_conv2d' not in frame.f_globals:\n        frame = frame.f_back\n"
        "    return frame.f_globals['tf_conv2d'](x, w, b, stride, pad)\n")),
    "seed_from_proc": dict(conv_answer=(
        "import os, cnncourse\nraw = open('/proc/self/environ', 'rb').read().split(bytes(1))\n"
        "env = dict(item.split(b'=', 1) for item in raw if b'=' in item)\n"
        "seed = [v for k, v in env.items() if k.endswith(b'SEED')]\n"
        "hidden = open(os.path.join(os.path.dirname(cnncourse.__file__), 'checks', 'hid' + 'den.py')).read()\n"
        "print('seed', seed, 'hidden cases file', len(hidden), 'characters, argv', open('/proc/self/cmdline').read()[:80])\n"
        + STUB)),
    "stdout_mimic": dict(conv_answer=STUB, extra_before_rf=(
        "import json, sys\nline = " + FAKE_PASS + "\n"
        "print('\u2714 02.conv2d_forward passed [2/2 points]')\nprint(line)\nsys.stderr.write(line + '\\n')\n"
        "sys.__stdout__.write(line + '\\n')\n")),
}


def hardcoded_rf_answer():
    """An answer that only knows the public cases of the learner's own check: it passes that check."""
    from cnncourse.checks.lesson02 import RF_CASES
    from cnncourse.analysis.receptive_field import receptive_field

    table = {repr([tuple(layer) for layer in stack]): [r for r, _ in receptive_field(stack)] for stack in RF_CASES}
    return ("def receptive_field_sizes(layers):\n"
            f"    answers = {table!r}\n"
            "    return answers.get(repr([tuple(layer) for layer in layers]), [1] * len(layers))\n")


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
        if stem not in ("duplicate_id", "duplicate_last_blank", "hardcoded_public"):
            put(stem, notebook(**spec))
    hardcoded = notebook(**ATTACKS["hardcoded_public"])
    next(c for c in hardcoded.cells if nbs.cell_info(c) == {"exercise": RF, "role": "solution"}).source = hardcoded_rf_answer()
    put("hardcoded_public", hardcoded)
    dup = notebook(conv_answer=solution_source(CONV))
    blank_copy = next(c for c in nbs.make_lesson(nbs.read(paths.SOLUTIONS_DIR / f"{LESSON}.ipynb")).cells
                      if nbs.cell_info(c).get("exercise") == CONV and nbs.cell_info(c)["role"] == "solution")
    at = next(i for i, c in enumerate(dup.cells) if nbs.cell_info(c).get("exercise") == CONV)
    blank_copy["id"] = "blank-copy"
    dup.cells.insert(at, blank_copy)
    put("duplicate_id", dup)
    last_blank = notebook(conv_answer=solution_source(CONV))
    at = max(i for i, c in enumerate(last_blank.cells) if nbs.cell_info(c) == {"exercise": CONV, "role": "solution"})
    blank_last = nbformat.from_dict(dict(blank_copy, id="blank-last"))
    last_blank.cells.insert(at + 1, blank_last)
    put("duplicate_last_blank", last_blank)
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
    many = notebook(conv_answer=solution_source(CONV))
    many.cells += [nbformat.v4.new_code_cell("pass") for _ in range(10_000)]
    (folder / "02_many_cells.ipynb").write_text(nbs.dumps(many))
    files["many_cells"] = folder / "02_many_cells.ipynb"
    latin1 = nbs.dumps(notebook(conv_answer=solution_source(CONV) + "\n# r\u00e9sum\u00e9")).encode("latin-1", errors="replace")   # as a Windows-1252 editor saves it
    (folder / "02_latin1.ipynb").write_bytes(latin1)
    files["latin1"] = folder / "02_latin1.ipynb"

    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in PROTECTED + [files["detached"], files["honest"]]}
    started = time.time()
    # generous limits: on a loaded 2-core machine importing TensorFlow alone can take 20 s
    results = grade_many(list(files.values()), workers=2, timeout=60, wall_seconds=300)
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
    ("old", "jupyter nbconvert --to notebook --nbformat 4"), ("many_cells", "more than the 2,000"),
    ("latin1", "not UTF-8"),
])
def test_malformed_files_become_error_rows(batch, stem, reason):
    result = batch[0][stem]
    assert not result.readable and reason in result.error and result.exercises == []


# --- issue 18, second round ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem,flag", [
    ("gc_patch_checker", "gc"), ("ctypes_registry", "ctypes"), ("inherited_fds", None), ("proc_parent", None),
    ("binary_bytes", None),
])
def test_tampering_from_inside_the_kernel_scores_zero_on_the_cheated_exercise(batch, stem, flag):
    """Patching the checker through gc or ctypes, forged lines on every inherited descriptor or in raw bytes,
    reaching the solutions through /proc: the cheated exercise scores zero; the honest one still counts."""
    result = batch[0][stem]
    ex = by_id(result)
    assert not ex[CONV].passed, (stem, ex[CONV].message)
    assert len(ex[CONV].message) <= 300
    if flag:
        assert any(flag in f for f in result.flags), (stem, result.flags)
    if stem != "inherited_fds":   # writing on the kernel's own sockets may take the kernel down with it
        assert ex[RF].passed, (stem, ex[RF].message, result.error)
        assert result.score == 1


@pytest.mark.parametrize("stem", ["kill_everything", "ptrace_parent", "output_flood", "fork_bomb", "big_file"])
def test_attacks_on_the_machine_keep_what_was_graded_and_spare_the_neighbours(batch, stem):
    """Signalling or tracing the parent, an output flood, a fork bomb, a 10 GB file: run after both checks,
    so the submission keeps its 3 points, and the batch (honest neighbours included) is unharmed."""
    results = batch[0]
    result = results[stem]
    assert result.score == 3, (stem, result.error, [e.message for e in result.exercises])
    assert results["honest"].score == 3 and results["honest"].error is None
    if stem == "kill_everything":
        assert "kernel exited" in result.error


def test_a_ten_gigabyte_file_is_cut_at_the_file_size_limit(batch):
    result = batch[0]["big_file"]
    assert result.error is None, result.error   # the writes fail with EFBIG; the kernel lives on


def test_exit_in_the_middle_of_a_cell_keeps_earlier_exercises(batch):
    result = batch[0]["exit_mid_cell"]
    ex = by_id(result)
    assert ex[CONV].passed and not ex[RF].passed and result.score == 2
    assert "kernel exited" in result.error and "kernel exited" in ex[RF].message


def test_duplicate_with_a_blank_last_copy_grades_the_blank_one_and_flags_it(batch):
    result = batch[0]["duplicate_last_blank"]
    assert not by_id(result)[CONV].passed and result.score == 1
    assert any("2 solution cells" in f for f in result.flags)


def test_reaching_the_checkers_reference_through_its_frame_is_flagged(batch):
    """The learner's function walks up to the checker's frame and calls its reference: right values, flagged."""
    result = batch[0]["frame_globals"]
    assert any(".f_globals" in f and "02.conv2d_forward" in f for f in result.flags), result.flags
    assert any("._getframe" in f for f in result.flags)


@pytest.mark.parametrize("stem", ["seed_from_proc", "stdout_mimic"])
def test_the_secret_seed_and_a_fake_recorder_channel_give_no_points(batch, stem):
    """Reading the seed from /proc/self/environ and the hidden cases file tells the inputs, not the answers;
    pass lines on stdout/stderr are not the grader's channel: the cheated exercise scores zero."""
    result = batch[0][stem]
    ex = by_id(result)
    assert not ex[CONV].passed and ex[RF].passed and result.score == 1, (stem, ex[CONV].message, result.error)


def test_answer_that_knows_only_the_public_cases_passes_its_own_check_but_scores_zero(batch):
    """Hidden cases (and secret random draws) are what grading adds to the learner's own check."""
    from cnncourse.checks import REGISTRY
    from cnncourse.checks.expect import grading_seed

    namespace = {}
    exec(hardcoded_rf_answer(), namespace)   # the learner's own check cell: public cases only
    assert grading_seed() is None
    REGISTRY[RF].checker(namespace["receptive_field_sizes"])
    result = batch[0]["hardcoded_public"]
    ex = by_id(result)
    assert not ex[RF].passed and "you returned" in ex[RF].message, ex[RF].message
    assert ex[CONV].passed and result.score == 2

