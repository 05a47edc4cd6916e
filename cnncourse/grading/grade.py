"""Grade one submission: read it safely, run it in a sandbox, re-check every exercise in this process.

:func:`grade_notebook` grades ONE submission and returns its :class:`SubmissionResult`
(it never raises for anything the submission does); :func:`grade_many` runs it over a
batch in a process pool and always returns one row per file.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cnncourse.course import notebooks as nbs
from cnncourse.course import paths
from cnncourse.grading import sandbox as sb
from cnncourse.grading.assemble import SubmissionError, assemble, lesson_of, read_submission
from cnncourse.grading.recorder import PROGRESS_ENV, RESULTS_ENV, short

DEFAULT_TIMEOUT = 300       # seconds per cell
DEFAULT_WALL = 900          # seconds for a whole submission
DEFAULT_MEMORY_GB = 8.0     # address space of each process of the graded kernel
DEFAULT_MAX_MB = 20         # larger submission files are refused
MAX_RESULTS_BYTES = 64 * 1024 ** 2
MAX_REPLAYS = 3             # records of one exercise re-checked at most (the kernel writes one)


@dataclass
class ExerciseResult:
    id: str
    points: int
    passed: bool
    message: str


@dataclass
class SubmissionResult:
    notebook: str
    lesson: str | None = None
    score: int = 0
    max_score: int = 0
    error: str | None = None
    exercises: list = field(default_factory=list)
    flags: list = field(default_factory=list)   # reasons a human should look at this submission
    readable: bool = True   # False when the file itself could not be graded at all

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("readable")
        return out


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; never follows links or opens FIFOs."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise SubmissionError(f"{path}: cannot read ({exc.strerror})") from None
    kinds = [(stat.S_ISLNK, "a symbolic link" + (f" (to {os.readlink(path)})" if os.path.islink(path) else "")),
             (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]
    for test, what in kinds:
        if test(info.st_mode):
            raise SubmissionError(f"{path}: is {what}, not a regular file; submit the notebook file itself")
    if not stat.S_ISREG(info.st_mode):
        raise SubmissionError(f"{path}: not a regular file")
    if info.st_size > max_bytes:
        raise SubmissionError(f"{path}: {info.st_size / 1024 ** 2:.1f} MB, larger than the {max_bytes / 1024 ** 2:.0f} MB "
                              "limit (clear the outputs, or raise --max-size-mb)")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise SubmissionError(f"{path}: cannot read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):   # replaced between lstat and open
            raise SubmissionError(f"{path}: not a regular file")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SubmissionError(f"{path}: larger than the {max_bytes / 1024 ** 2:.0f} MB limit")
    return data


def _junit_cells(path: Path) -> dict[int, str | None]:
    """nbval's 'Cell N' -> None when it passed, else the failure text (empty when unreadable)."""
    out = {}
    try:
        if path.stat().st_size > MAX_RESULTS_BYTES:
            return {}
        for case in ET.parse(path).iter("testcase"):
            name = case.get("name", "")
            if not name.startswith("Cell ") or not name.split()[1].isdigit():
                continue
            problem = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
            out[int(name.split()[1])] = None if problem is None else (problem.get("message", "") + "\n" + (problem.text or ""))
    except Exception:  # missing or damaged (the sandbox was stopped, or the learner's code wrote it)
        return {}
    return out


def _recorded(path: Path) -> dict[str, list]:
    """Exercise id -> the check records the graded kernel wrote, in order (damaged lines are skipped)."""
    results = {}
    try:
        if path.stat().st_size > MAX_RESULTS_BYTES:
            return {}
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    for line in lines:
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            results.setdefault(item["id"], []).append(item)
    return results


def _read_small(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            return " ".join(f.read(120).decode("utf-8", errors="replace").split())
    except OSError:
        return ""


def _message_for(failure: str) -> str:
    """The most useful line of an nbval failure, shortened: the CheckFailed or exception line, else the first."""
    import re

    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", failure).splitlines() if line.strip()]
    for marker in ("CheckFailed:", "Timeout of", "Kernel dead", "Error:", "Exception:"):
        for line in lines:
            if marker in line:
                return short(line.split("CheckFailed:", 1)[-1].strip() if marker == "CheckFailed:" else line)
    return short(lines[0]) if lines else "failed"


def _environment(kind: str, workdir: Path, inside: Path, seed: int) -> dict:
    env = {RESULTS_ENV: str(inside / "results.jsonl"), PROGRESS_ENV: str(inside / "progress"),
           "CNNCOURSE_CASE_SEED": str(seed), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "CUDA_VISIBLE_DEVICES": "", "LANG": "C.UTF-8"}
    if kind in ("bwrap", "none"):
        # The kernel must import the very package this grader runs (its folder, not the venv's editable install).
        course = str(paths.PACKAGE_DIR.parent)
        rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != course]
        env["PYTHONPATH"] = os.pathsep.join([course, *rest])
    if kind == "none":
        return dict(os.environ, **env)
    env.update(HOME=str(Path.home()), CNNCOURSE_HOME="/tmp/cnncourse-home", JUPYTER_RUNTIME_DIR="/tmp/jupyter-runtime",
               IPYTHONDIR="/tmp/ipython", MPLCONFIGDIR="/tmp/matplotlib",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]))
    return env


def _run_sandboxed(workdir: Path, notebook_name: str, kind: str, limits: sb.Limits, seed: int, hide=(), image=sb.DEFAULT_IMAGE):
    """Run nbval on the assembled notebook inside the sandbox; returns (stopped_at_wall_limit, sandbox stderr)."""
    inside = sb.INSIDE if kind != "none" else workdir
    python = sys.executable if kind in ("bwrap", "none") else "python"
    inner = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no", "--nbval-lax", "--nbval-current-env",
             "--nbval-cell-timeout", str(limits.cell_timeout), f"--junitxml={inside / 'junit.xml'}",
             "--rootdir", str(inside), str(inside / notebook_name)]
    uid = None
    if kind == "bwrap" and os.geteuid() == 0:
        uid = 61000 + secrets.randbelow(4000)   # a dedicated uid: the process limit is this sandbox's alone
        for item in [workdir, *workdir.iterdir()]:
            os.chown(item, uid, uid)
    elif kind in ("docker", "podman"):
        workdir.chmod(0o777)   # the container's uid 65534 writes its results there
    name = f"cnncourse-grade-{secrets.token_hex(6)}"
    env = _environment(kind, workdir, inside, seed)
    cmd = sb.command(kind, inner, workdir, env, limits, hide=hide, uid=uid, name=name, image=image)
    log = workdir.parent / "sandbox.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True, env=env if kind == "none" else None)  # sandboxes set their own
        stopped = False
        try:
            proc.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            stopped = True
        finally:
            if kind in ("docker", "podman"):
                subprocess.run([kind, "kill", name], capture_output=True)
            try:
                os.killpg(proc.pid, signal.SIGKILL)   # the sandbox's PID namespace dies with it
            except ProcessLookupError:
                pass
            proc.wait()
    with open(log, "rb") as f:
        tail = f.read()[-2000:].decode("utf-8", errors="replace")
    return stopped, proc.returncode, tail


def grade_notebook(path: str | Path, timeout: int = DEFAULT_TIMEOUT, memory_gb: float = DEFAULT_MEMORY_GB,
                   lesson: str | None = None, solutions_dir: Path | None = None, sandbox: str | None = None,
                   wall_seconds: int = DEFAULT_WALL, max_mb: float = DEFAULT_MAX_MB, hide=(),
                   image: str = sb.DEFAULT_IMAGE) -> SubmissionResult:
    """Grade ONE submission and return its result row; never raises, never writes to the submission.

    The notebook runs in ``sandbox`` (see :mod:`cnncourse.grading.sandbox`; default bubblewrap
    on Linux) under ``timeout`` seconds per cell and ``wall_seconds`` for the whole submission;
    each exercise is then re-checked here from what the learner's functions returned
    (:mod:`cnncourse.grading.replay`). ``hide`` lists folders (e.g. the other submissions')
    the sandbox must not show. Anything unexpected becomes this row's ``error``.
    """
    result = SubmissionResult(notebook=str(path))
    try:
        return _grade(Path(path), result, timeout, memory_gb, lesson, solutions_dir, sandbox or sb.default_kind(),
                      wall_seconds, max_mb, hide, image)
    except SubmissionError as exc:
        result.error, result.readable = str(exc), False
    except BaseException as exc:  # noqa: BLE001 - one file must never stop the batch
        if isinstance(exc, KeyboardInterrupt):
            raise
        result.error, result.readable = short(f"{path}: could not be graded ({type(exc).__name__}: {exc})"), False
    return result


def _grade(path, result, timeout, memory_gb, lesson, solutions_dir, kind, wall_seconds, max_mb, hide, image):
    from cnncourse.checks import REGISTRY
    from cnncourse.grading.flags import analyse
    from cnncourse.grading.replay import Verdict, replay

    solutions_dir = Path(solutions_dir or paths.SOLUTIONS_DIR)
    data = read_regular_file(path, int(max_mb * 1024 ** 2))   # the only access to the submission
    submission = read_submission(data, str(path))
    result.lesson = lesson_of(submission, path.name, solutions_dir)
    if lesson and result.lesson != lesson:
        raise SubmissionError(f"{path}: this is lesson {result.lesson}, not {lesson}")

    solution = nbs.read(solutions_dir / f"{result.lesson}.ipynb")
    plan = assemble(submission, solution)
    result.flags = analyse(submission, nbs.make_lesson(solution, f"{result.lesson}.ipynb"), solution)
    result.flags += [f"{ex}: {n} solution cells with this exercise id; the last one was graded"
                     for ex, n in plan.duplicates.items()]
    ids = nbs.exercises(solution)
    points = {ex: REGISTRY[ex].points if ex in REGISTRY else 1 for ex in ids}
    result.max_score = sum(points.values())
    limits = sb.Limits(cell_timeout=timeout, wall_seconds=wall_seconds, memory_gb=memory_gb)
    seed = secrets.randbits(62)   # secret: cases differ from the learner's own checks and between submissions

    with tempfile.TemporaryDirectory(prefix="cnncourse-grade-", ignore_cleanup_errors=True) as tmp:
        workdir = Path(tmp) / "work"
        workdir.mkdir()
        (workdir / f"{result.lesson}.ipynb").write_text(nbs.dumps(plan.notebook), encoding="utf-8")
        (workdir / "pytest.ini").write_text("[pytest]\n")  # keep the course repo's config out of it
        stopped, returncode, log = _run_sandboxed(workdir, f"{result.lesson}.ipynb", kind, limits, seed, hide, image)
        cells, recorded = _junit_cells(workdir / "junit.xml"), _recorded(workdir / "results.jsonl")
        finished = (workdir / "results.jsonl.done").exists()
        at_cell = _read_small(workdir / "progress")
        started = (workdir / "progress").exists() or bool(recorded)

    notes = []
    where = f" while running {at_cell}" if at_cell else ""
    if stopped:
        notes.append(f"stopped at the {wall_seconds} s limit for the whole submission{where} (a cell that ignores "
                     "interrupts, or too slow); exercises checked before were kept")
    elif not started:
        notes.append(f"the sandbox did not start (exit {returncode}): {short(log.strip().splitlines()[-1] if log.strip() else 'no message', 200)}")
    elif not finished:
        notes.append(f"the kernel exited{where} (out of memory, os._exit(), or a crash); later exercises could not run")
    timeouts = sorted(n for n, failure in cells.items() if failure and "Timeout of" in failure)
    if timeouts and not stopped:
        notes.append(f"cell(s) {', '.join(map(str, timeouts))} exceeded the {timeout} s limit and were interrupted")
    not_run = "not run: " + (notes[0] if notes else "the notebook did not reach this check")

    for ex in ids:
        items = recorded.get(ex, [])
        replayable = [it for it in items if isinstance(it.get("calls"), list) and not it.get("unserializable")]
        in_kernel = [it for it in items if it.get("unserializable")]
        if ex in plan.missing:
            passed, message = False, "missing: the exercise's solution cell was deleted or lost its metadata"
        elif not items:
            passed, message = False, not_run
        elif ex in REGISTRY and replayable:
            # Every record is re-checked here (the last few): a pass needs right outputs for the secret cases,
            # so lines the learner's code added can neither forge a pass nor erase the real one.
            passed, message = False, "failed"
            for item in replayable[-MAX_REPLAYS:]:
                try:
                    verdict = replay(ex, item, seed)
                except Exception as exc:  # noqa: BLE001 - a damaged record costs this exercise only
                    verdict = Verdict(False, short(f"could not re-check the record ({type(exc).__name__}: {exc})"),
                                      f"{ex}: its check record could not be re-checked")
                if verdict.flag:
                    result.flags.append(verdict.flag)
                if verdict.passed:
                    passed, message = True, "passed"
                    break
                message = verdict.message
                if not verdict.flag and item.get("passed") is False and isinstance(item.get("message"), str):
                    message = short(item["message"])   # the kernel's own account of why the check did not finish
        elif ex in REGISTRY and not in_kernel:
            passed, message = False, "the check's record was damaged (by the notebook's own code?)"
            result.flags.append(f"{ex}: its check record in the results file was not written by the course's recorder")
        else:   # a check whose values cannot leave the kernel: its verdict is the kernel's, so flag it
            item = (in_kernel or items)[-1]
            failure = cells.get(plan.check_cells.get(ex, -1), "not run")
            passed = failure is None and item.get("passed") is True
            message = "passed" if passed else short(str(item.get("message") or _message_for(failure or "failed")))
            if ex in REGISTRY:
                result.flags.append(f"{ex}: verdict taken from the learner's kernel, which its code could forge "
                                    f"({short(str(item.get('unserializable')), 120)})")
        result.exercises.append(ExerciseResult(ex, points[ex], bool(passed), message))
    result.score = sum(e.points for e in result.exercises if e.passed)
    result.error = "; ".join(notes) or None
    return result


def grade_many(paths, workers: int | None = None, progress=None, sandbox: str | None = None, **kwargs) -> list[SubmissionResult]:
    """Grade several submissions in a process pool; one result per path, in the order given.

    Raises :class:`~cnncourse.grading.sandbox.SandboxUnavailable` before grading anything when
    the sandbox cannot run here; after that, every problem is one file's error row.
    """
    paths = [Path(p) for p in paths]
    sandbox = sandbox or sb.default_kind()
    sb.check_available(sandbox, kwargs.get("image", sb.DEFAULT_IMAGE))
    hide = sorted({os.path.realpath(p.parent) for p in paths} | {os.path.realpath(p) for p in paths})
    kwargs = dict(kwargs, sandbox=sandbox, hide=tuple(hide) + tuple(kwargs.get("hide", ())))
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))
    results: list = [None] * len(paths)
    if workers == 1:
        for i, p in enumerate(paths):
            results[i] = grade_notebook(p, **kwargs)
            if progress:
                progress()
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(grade_notebook, p, **kwargs): i for i, p in enumerate(paths)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except BaseException as exc:  # noqa: BLE001 - a worker that died still leaves a row
                results[i] = SubmissionResult(notebook=str(paths[i]), readable=False,
                                              error=short(f"{paths[i]}: could not be graded ({type(exc).__name__}: {exc})"))
            if progress:
                progress()
    return results
