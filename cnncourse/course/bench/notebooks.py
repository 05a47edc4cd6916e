"""Figure 3: how long every solution notebook takes to execute (nbclient), per lesson and in total.

The executed notebook is discarded: nothing is written back into solutions/.
"""
from __future__ import annotations

import time
from pathlib import Path

from cnncourse.course.bench.figure import ERROR, Figure

PER_NOTEBOOK_TARGET = 90.0   # seconds, every notebook
TOTAL_TARGET = 15 * 60.0     # seconds, all notebooks


def code_size(path: Path) -> int:
    """Characters of code in a notebook: a rough proxy for its run time (file size is mostly stored figures)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return sum(len(c.source) for c in nb.cells if c.cell_type == "code")


def smallest(paths: list[Path]) -> Path:
    """The notebook with the least code (ties: the first by name)."""
    return min(sorted(paths), key=code_size)


def select(paths: list[Path], which) -> tuple[list[Path], str]:
    """The notebooks to run and a sentence saying which: ``None`` = all, ``"smallest"`` = the one
    with the least code, else an iterable of lesson slugs or numbers ("01", "01_cnn_vs_dense")."""
    paths = sorted(paths)
    if which is None:
        return paths, f"all {len(paths)} solution notebooks"
    if which == "smallest" and len(paths) > 1:
        return [smallest(paths)], f"REDUCED: only the one with the least code, of {len(paths)} solution notebooks"
    if which == "smallest":
        return paths, f"all {len(paths)} solution notebook(s)"
    wanted = [str(w) for w in which]
    chosen = [p for p in paths if any(p.stem == w or p.stem.startswith(w + "_") for w in wanted)]
    unknown = [w for w in wanted if not any(p.stem == w or p.stem.startswith(w + "_") for p in paths)]
    if unknown:
        raise ValueError(f"no solution notebook for lesson(s) {', '.join(unknown)}")
    subset = len(chosen) < len(paths)
    return chosen, f"{'REDUCED: ' if subset else ''}{len(chosen)} of {len(paths)} solution notebooks"


def time_execution(path: Path, timeout: int = 600) -> float:
    """Seconds to execute ``path`` top to bottom with nbclient (kernel start included); result discarded."""
    from cnncourse.course.notebooks import execute

    start = time.perf_counter()
    execute(path, timeout=timeout)
    return time.perf_counter() - start


def measure(paths: list[Path], which=None, timeout: int = 600) -> tuple[list[Figure], dict[str, float]]:
    """Execute the selected notebooks one after the other.

    Returns the figures (one per lesson, the slowest, the total) and ``{slug: seconds}``
    of the notebooks that ran without error.
    """
    chosen, scope = select(paths, which)
    reduced = len(chosen) < len(paths)
    figures, seconds = [], {}
    for path in chosen:
        key, name = f"notebook:{path.stem}", f"execute {path.name}"
        try:
            seconds[path.stem] = time_execution(path, timeout)
        except Exception as exc:  # a failing cell, a timeout, a dead kernel: report and go on
            reason = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
            figures.append(Figure.failed(key, name, ERROR, reason[:300], "s", PER_NOTEBOOK_TARGET))
            continue
        figures.append(Figure(key, name, round(seconds[path.stem], 1), "s", PER_NOTEBOOK_TARGET, "<=",
                              detail="nbclient, kernel start included"))
    failed = len(chosen) - len(seconds)
    tail = f"; {failed} notebook(s) failed" if failed else ""
    if seconds:
        slowest = max(seconds, key=seconds.get)
        figures.append(Figure("notebooks_max_seconds", "slowest solution notebook", round(seconds[slowest], 1), "s",
                              PER_NOTEBOOK_TARGET, "<=", detail=f"{slowest}; {scope}{tail}", reduced=reduced))
        total = round(sum(seconds.values()), 1)
        figures.append(Figure("notebooks_total_seconds", "all solution notebooks, total", total, "s",
                              TOTAL_TARGET, "<=",
                              detail=f"{scope}{tail}; run one after the other", reduced=reduced or bool(failed)))
    else:
        reason = f"no notebook executed ({scope}{tail})"
        figures.append(Figure.failed("notebooks_max_seconds", "slowest solution notebook", ERROR, reason, "s",
                                     PER_NOTEBOOK_TARGET))
        figures.append(Figure.failed("notebooks_total_seconds", "all solution notebooks, total", ERROR, reason, "s",
                                     TOTAL_TARGET))
    return figures, seconds
