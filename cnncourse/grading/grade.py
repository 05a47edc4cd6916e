"""Grade one submission: assemble, run under nbval in a limited subprocess, collect per-exercise results."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cnncourse import notebooks as nbs
from cnncourse.grading.assemble import SubmissionError, assemble, lesson_of, read_submission
from cnncourse.grading.recorder import RESULTS_ENV
from cnncourse import paths

DEFAULT_TIMEOUT = 300       # seconds per cell
DEFAULT_MEMORY_GB = 8.0     # address-space limit of the graded kernel


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
    readable: bool = True   # False when the file itself could not be graded at all

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("readable")
        return out


def _limit_memory(gigabytes: float):
    def apply():
        import resource

        limit = int(gigabytes * 1024 ** 3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        os.setsid()  # own process group, so a runaway kernel can be killed with the runner
    return apply


def _junit_cells(path: Path) -> dict[int, str | None]:
    """nbval's 'Cell N' -> None when it passed, else the failure text."""
    if not path.exists():
        return {}
    out = {}
    for case in ET.parse(path).iter("testcase"):
        name = case.get("name", "")
        if not name.startswith("Cell "):
            continue
        problem = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
        out[int(name.split()[1])] = None if problem is None else (problem.get("message", "") + "\n" + (problem.text or ""))
    return out


def _recorded(path: Path) -> dict[str, dict]:
    results = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
                results[item["id"]] = item
            except (ValueError, KeyError):
                continue
    return results


def _run_nbval(notebook_path: Path, workdir: Path, timeout: int, memory_gb: float, n_cells: int):
    """Run pytest --nbval-lax on the assembled notebook; returns (junit path, results path, note)."""
    junit, results = workdir / "junit.xml", workdir / "results.jsonl"
    (workdir / "pytest.ini").write_text("[pytest]\n")  # keep the course repo's config out of it
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no", "--nbval-lax", "--nbval-current-env",
           "--nbval-cell-timeout", str(timeout), f"--junitxml={junit}", "--rootdir", str(workdir), str(notebook_path)]
    env = dict(os.environ, **{RESULTS_ENV: str(results), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"})
    overall = timeout * (n_cells + 2) + 120
    note = None
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=_limit_memory(memory_gb))
    try:
        proc.wait(timeout=overall)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        note = f"grading stopped after {overall} s in total"
    return junit, results, note


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _message_for(failure: str) -> str:
    """The most useful line of an nbval failure: the CheckFailed or exception line, else the first."""
    lines = [line.strip() for line in ANSI.sub("", failure).splitlines() if line.strip()]
    for marker in ("CheckFailed:", "Timeout of", "Kernel dead", "Error:", "Exception:"):
        for line in lines:
            if marker in line:
                return line.split("CheckFailed:", 1)[-1].strip() if marker == "CheckFailed:" else line
    return lines[0] if lines else "failed"


def grade_notebook(path: str | Path, timeout: int = DEFAULT_TIMEOUT, memory_gb: float = DEFAULT_MEMORY_GB,
                   lesson: str | None = None, solutions_dir: Path | None = None) -> SubmissionResult:
    """Grade one submission; never raises for a bad submission, never writes to it."""
    from cnncourse.checks import REGISTRY

    path, solutions_dir = Path(path), Path(solutions_dir or paths.SOLUTIONS_DIR)
    result = SubmissionResult(notebook=str(path))
    try:
        try:
            data = path.read_bytes()  # the only access to the submission: it stays byte-identical
        except OSError as exc:
            raise SubmissionError(f"{path}: cannot read ({exc.strerror})") from None
        submission = read_submission(data, str(path))
        result.lesson = lesson_of(submission, path.name, solutions_dir)
        if lesson and result.lesson != lesson:
            raise SubmissionError(f"{path}: this is lesson {result.lesson}, not {lesson}")
    except SubmissionError as exc:
        result.error, result.readable = str(exc), False
        return result

    solution = nbs.read(Path(solutions_dir) / f"{result.lesson}.ipynb")
    plan = assemble(submission, solution)
    ids = nbs.exercises(solution)
    points = {ex: REGISTRY[ex].points if ex in REGISTRY else 1 for ex in ids}
    result.max_score = sum(points.values())
    with tempfile.TemporaryDirectory(prefix="cnncourse-grade-") as tmp:
        workdir = Path(tmp)
        graded = workdir / f"{result.lesson}.ipynb"
        graded.write_text(nbs.dumps(plan.notebook), encoding="utf-8")
        n_code = sum(c.cell_type == "code" for c in plan.notebook.cells)
        junit, results_file, note = _run_nbval(graded, workdir, timeout, memory_gb, n_code)
        cells, recorded = _junit_cells(junit), _recorded(results_file)
        finished = Path(str(results_file) + ".done").exists()
    timeouts = sorted(n for n, failure in cells.items() if failure and "Timeout of" in failure)
    notes = [note] if note else []
    if not finished and not note:
        failing = timeouts or sorted(n for n, failure in cells.items() if failure)
        where = f" while running cell {failing[0]}" if failing else ""
        note = f"the kernel died or stopped responding{where} (out of memory, or a crash); later exercises could not run"
        notes.append(note)
    elif timeouts:
        notes.append(f"cell(s) {', '.join(map(str, timeouts))} exceeded the {timeout} s limit and were interrupted")
    for ex in ids:
        if ex in plan.missing:
            passed, message = False, "missing: the exercise's solution cell was deleted or lost its metadata"
        elif plan.check_cells[ex] not in cells:
            passed, message = False, "not run: " + (note or "nbval did not reach this check")
        else:
            failure = cells[plan.check_cells[ex]]
            mark = recorded.get(ex)
            passed = failure is None and bool(mark and mark["passed"])
            message = "passed" if passed else (mark["message"] if mark and not mark["passed"] else _message_for(failure or "failed"))
        result.exercises.append(ExerciseResult(ex, points[ex], passed, message))
    result.score = sum(e.points for e in result.exercises if e.passed)
    result.error = "; ".join(notes) or None
    return result


def grade_many(paths, workers: int | None = None, progress=None, **kwargs) -> list[SubmissionResult]:
    """Grade several submissions in a process pool; results in the order given."""
    paths = [Path(p) for p in paths]
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths)))
    if workers == 1:
        results = []
        for p in paths:
            results.append(grade_notebook(p, **kwargs))
            if progress:
                progress()
        return results
    results = [None] * len(paths)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(grade_notebook, p, **kwargs): i for i, p in enumerate(paths)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress()
    return results
