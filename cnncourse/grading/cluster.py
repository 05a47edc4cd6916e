"""Grade on a Dask distributed cluster: ``cnncourse grade --cluster tcp://HOST:8786`` or ``--cluster local:N``.

Each submission is one Dask task running the one-submission grader on a worker. The task
carries the notebook's bytes, so workers need no shared filesystem, only the course installed
(the same requirements.txt, or a container image built from it). If the worker grading a
submission dies (killed, out of memory, node lost) the scheduler runs it again on another
worker once (``distributed.scheduler.allowed-failures`` = 1); a second death makes it an error
row. Each submission is one task key (its path and content hash), so nothing is graded or
counted twice, and every submission given gets exactly one row.
"""
from __future__ import annotations

import hashlib
import logging
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

ALLOWED_FAILURES = 1   # worker deaths a submission survives: 1 = retried once on another worker
# A worker death counts against every task the scheduler had sent to that worker, so each
# (one-thread) worker must hold only the submission it is grading: saturation 1.0, not Dask's 1.1.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                    "distributed.scheduler.worker-saturation": 1.0}


def parse_cluster(spec: str) -> tuple[str, int | str]:
    """``local:N`` -> ("local", N); ``tcp://HOST:PORT`` (or tls://, ucx://) -> ("address", spec)."""
    match = re.fullmatch(r"local:(\d+)", spec)
    if match and int(match.group(1)) >= 1:
        return "local", int(match.group(1))
    if re.fullmatch(r"(tcp|tls|ucx|inproc)://[^\s/]+", spec):
        return "address", spec
    raise ValueError(f"--cluster {spec!r}: expected local:N (N >= 1 worker processes on this machine) "
                     "or the scheduler's address, e.g. tcp://HOST:8786")


@contextmanager
def dask_client(spec: str):
    """A ``distributed.Client`` for ``spec``; a LocalCluster (processes, 1 thread each) is closed afterwards."""
    import dask
    from distributed import Client, LocalCluster

    kind, value = parse_cluster(spec)
    if kind == "address":
        # SCHEDULER_CONFIG is the scheduler's own setting there: start it with
        # DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1 and ..._WORKER_SATURATION=1.0 (README).
        try:
            client = Client(value, timeout="20s")
        except OSError as exc:
            raise ConnectionError(f"--cluster {value}: cannot reach the Dask scheduler ({exc})") from None
        with client:
            yield client
        return
    with dask.config.set(SCHEDULER_CONFIG):
        cluster = LocalCluster(n_workers=value, threads_per_worker=1, processes=True, dashboard_address=":0",
                               memory_limit=0, silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        yield client


def submission_key(index_path: Path, data: bytes) -> str:
    """One Dask key per submission: the same file given twice is one task, a changed file a new one."""
    digest = hashlib.sha256(str(index_path.resolve()).encode() + b"\0" + data).hexdigest()[:20]
    return f"cnncourse-grade-{digest}"


def grade_bytes(name: str, data: bytes, original: str, grade, kwargs: dict):
    """Runs on the worker: write the submission under its own file name in a temporary folder and grade it."""
    with tempfile.TemporaryDirectory(prefix="cnncourse-cluster-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = grade(path, **kwargs)
    result.notebook = original
    if result.error:
        result.error = result.error.replace(str(path), original)
    return result


def error_result(path: Path, message: str):
    """A row for a submission the cluster could not grade, with its lesson if that can be told."""
    from cnncourse.grading.assemble import SubmissionError, lesson_of, read_submission
    from cnncourse.grading.grade import SubmissionResult

    result = SubmissionResult(notebook=str(path), error=message, readable=False)
    try:
        result.lesson = lesson_of(read_submission(path.read_bytes(), str(path)), path.name)
    except (OSError, SubmissionError):
        pass
    return result


def grade_on_cluster(paths, cluster: str, progress=None, grade=None, client=None, **kwargs) -> list:
    """Grade ``paths`` on the Dask cluster ``cluster``; results in the order given, one per path.

    ``grade`` is the one-submission grader (default ``grade_notebook``); ``kwargs`` go to it.
    ``client`` reuses an open Client instead of connecting to ``cluster``."""
    from distributed import as_completed

    if grade is None:
        from cnncourse.course import paths as course_paths
        from cnncourse.grading.grade import grade_notebook as grade  # i18: the one-submission grader

        if client is None and parse_cluster(cluster)[0] == "local":
            kwargs.setdefault("solutions_dir", course_paths.SOLUTIONS_DIR)  # this checkout's checks, not the workers' import
    paths = [Path(p) for p in paths]
    results: list = [None] * len(paths)
    positions: dict[str, list[int]] = {}
    unreadable = {}
    payload = {}
    for i, p in enumerate(paths):
        try:
            data = p.read_bytes()
        except OSError as exc:
            unreadable[i] = f"{p}: cannot read ({exc.strerror})"
            continue
        key = submission_key(p, data)
        positions.setdefault(key, []).append(i)
        payload.setdefault(key, (p.name, data, str(p)))
    for i, message in unreadable.items():
        results[i] = error_result(paths[i], message)
        if progress:
            progress()

    def run(client):
        futures = [client.submit(grade_bytes, *payload[key], grade, kwargs, key=key, pure=False) for key in positions]
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, or a bug on the worker: an error row
                from distributed import KilledWorker

                first = paths[positions[future.key][0]]
                if isinstance(exc, KilledWorker):
                    why = (f"{first}: not graded: the worker grading it died {ALLOWED_FAILURES + 1} times "
                           "(killed, out of memory, or its machine was lost)")
                else:
                    why = f"{first}: not graded: grading failed on the cluster ({type(exc).__name__}: {exc})"
                result = error_result(first, why)
            for i in positions[future.key]:
                results[i] = result
                if progress:
                    progress()
            future.release()

    if client is not None:
        run(client)
    else:
        with dask_client(cluster) as own:
            run(own)
    return results
