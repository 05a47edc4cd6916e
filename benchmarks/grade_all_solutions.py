"""Grade every stored solution notebook as a student submission: each must get full marks and no flags.

Each ``solutions/NN_*.ipynb`` is copied into a scratch folder (as a student would hand it in) and
graded by :func:`cnncourse.grading.grade.grade_many` in the given sandbox (bubblewrap by default),
one lesson after the other; prints score, time, error and flags per lesson and exits 1 if any lesson
is short of full marks, has an error or is flagged. Each lesson takes about as long as executing it
(40-140 s on 2 cores), so run a few lessons at a time on a shared machine:

    python benchmarks/grade_all_solutions.py 01 02 03
    python benchmarks/grade_all_solutions.py            # all 18 (about 25 minutes)
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cnncourse.course import notebooks as nbs
from cnncourse.grading.grade import DEFAULT_TIMEOUT, DEFAULT_WALL, grade_many

IN_KERNEL = "verdict taken from the learner's kernel"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers (01 ... 18); default: all")
    parser.add_argument("--sandbox", default=None, help="bwrap (default on Linux), docker, podman or none")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, help="seconds per cell")
    parser.add_argument("--wall", type=int, default=DEFAULT_WALL, help="seconds per submission")
    args = parser.parse_args()
    solutions = [p for p in nbs.solution_paths() if not args.lessons or p.name[:2] in args.lessons]
    unknown = sorted(set(args.lessons) - {p.name[:2] for p in solutions})
    if unknown:
        parser.error(f"no solution notebook for lesson(s) {', '.join(unknown)}")
    print(f"{len(solutions)} solution notebook(s), sandbox {args.sandbox or 'default'}, {os.cpu_count()} cores, "
          f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="cnncourse-grade-solutions-") as tmp:
        for source in solutions:
            submission = Path(tmp) / source.stem / source.name
            submission.parent.mkdir()
            shutil.copyfile(source, submission)
            start = time.perf_counter()
            [result] = grade_many([submission], workers=1, sandbox=args.sandbox, timeout=args.timeout,
                                  wall_seconds=args.wall)
            seconds = time.perf_counter() - start
            # exercises whose values cannot leave the kernel (Keras models) are flagged by design, also when honest
            in_kernel = [f for f in result.flags if IN_KERNEL in f]
            other = [f for f in result.flags if IN_KERNEL not in f]
            full = result.score == result.max_score and result.max_score > 0 and not result.error and not other
            bad += not full
            print(f"{source.stem:<40} {result.score:>3}/{result.max_score:<3} {seconds:6.1f} s  "
                  f"{'ok' if full else 'NOT FULL MARKS OR FLAGGED'}", flush=True)
            for problem in [result.error] * bool(result.error) + other:
                print(f"    {problem}", flush=True)
            for flag in in_kernel:
                print(f"    (judged in the kernel, flagged by design) {flag.split(':')[0]}", flush=True)
            for ex in result.exercises:
                if not ex.passed:
                    print(f"    {ex.id}: {ex.message}", flush=True)
    print(f"{len(solutions) - bad}/{len(solutions)} lessons at full marks without flags; "
          f"load average at end {os.getloadavg()[0]:.2f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
