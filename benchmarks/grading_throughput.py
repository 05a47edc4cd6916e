"""Grading throughput on a Dask LocalCluster: submissions/min with 1 and with 2 worker processes.

Grades the same few real lesson submissions (copies of the lesson's solution and of the
untouched learner notebook, alternating) with ``local:1`` then ``local:2``, timing from the first
task sent to the last result (cluster start-up is timed apart), and prints the throughput,
the speed-up and what it implies for a class. Run it on a quiet machine:

    python benchmarks/grading_throughput.py --submissions 4
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from cnncourse.grading.cluster import dask_client, grade_on_cluster
from cnncourse.course.paths import LESSONS_DIR, SOLUTIONS_DIR


def make_submissions(lesson: str, n: int, folder: Path) -> list[Path]:
    """``n`` copies under distinct names, alternating the solution and the untouched lesson."""
    sources = [SOLUTIONS_DIR / f"{lesson}.ipynb", LESSONS_DIR / f"{lesson}.ipynb"]
    out = []
    for i in range(n):
        path = folder / f"student{i:02d}" / f"{lesson}.ipynb"
        path.parent.mkdir(parents=True)
        shutil.copy(sources[i % 2], path)
        out.append(path)
    return out


def measure(workers: int, submissions: list[Path], timeout: int, sandbox: str | None = None) -> dict:
    start = time.perf_counter()
    with dask_client(f"local:{workers}") as client:
        ready = time.perf_counter()
        results = grade_on_cluster(submissions, f"local:{workers}", client=client, timeout=timeout,
                                   solutions_dir=SOLUTIONS_DIR, sandbox=sandbox)
        done = time.perf_counter()
    failed = [r.notebook for r in results if r.error]
    if failed:
        raise SystemExit(f"grading errors with {workers} worker(s): {failed}")
    seconds = done - ready
    return {"workers": workers, "startup_s": ready - start, "seconds": seconds,
            "per_min": 60 * len(submissions) / seconds, "scores": [r.score for r in results]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="02_convolution")
    parser.add_argument("--submissions", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--sandbox", default=None, help="bwrap (default on Linux) or none: the cost of the sandbox")
    parser.add_argument("--class-gradings", type=int, default=5400, help="gradings of a class, for the implied time")
    args = parser.parse_args()
    print(f"lesson {args.lesson}, {args.submissions} submissions, {os.cpu_count()} cores, "
          f"sandbox {args.sandbox or 'default'}, load average at start {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="cnncourse-bench-") as tmp:
        subs = make_submissions(args.lesson, args.submissions, Path(tmp))
        rows = [measure(w, subs, args.timeout, args.sandbox) for w in (1, 2)]
    assert rows[0]["scores"] == rows[1]["scores"], "1 and 2 workers must grade alike"
    base = rows[0]["per_min"]
    print(f"{'workers':>7} {'start-up s':>10} {'grading s':>9} {'subm./min':>9} {'speed-up':>8}")
    for r in rows:
        print(f"{r['workers']:>7} {r['startup_s']:>10.1f} {r['seconds']:>9.1f} {r['per_min']:>9.2f} {r['per_min'] / base:>8.2f}")
    efficiency = rows[1]["per_min"] / (2 * base)
    print(f"parallel efficiency with 2 workers on {os.cpu_count()} cores: {100 * efficiency:.0f}%")
    print(f"implied: {args.class_gradings} gradings of this lesson take {args.class_gradings / base / 60:.1f} h on 1 worker, "
          f"{args.class_gradings / rows[1]['per_min'] / 60:.1f} h on 2; at this efficiency N one-core workers take about "
          f"{args.class_gradings / base / 60:.1f} h / ({efficiency:.2f} N)")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
