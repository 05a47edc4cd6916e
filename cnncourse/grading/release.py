"""``cnncourse release OUTDIR``: the folder students get: lessons, the package, decks; no solutions, no hidden cases."""
from __future__ import annotations

import shutil
from pathlib import Path

import typer

from cnncourse.course import notebooks as nbs
from cnncourse.course import paths

SHIPPED = ("lessons", "cnncourse", "data", "scripts", "README.md", "pyproject.toml", "requirements.txt", "constraints.txt")
WITHHELD = ("solutions", "tests", ".git", ".ci", "benchmarks", "docs", "hidden.py")   # never copied
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "hidden.py", "*.egg-info")


class ReleaseError(RuntimeError):
    """The release cannot be written; the message says why."""


def release(outdir: Path, repo: Path = paths.REPO_DIR) -> list[Path]:
    """Copy what students get into the new folder ``outdir``; returns the top-level paths written.

    Refuses when ``outdir`` exists and is not empty, lies inside the course, or lessons/ is
    out of date with solutions/; checks afterwards that no solution block or hidden case left.
    """
    outdir, repo = Path(outdir).resolve(), Path(repo).resolve()
    if outdir == repo or repo in outdir.parents:
        raise ReleaseError(f"{outdir}: inside the course folder; choose a folder outside {repo}")
    if outdir.exists() and (not outdir.is_dir() or any(outdir.iterdir())):
        raise ReleaseError(f"{outdir}: exists and is not an empty folder")
    stale = nbs.build(check=True, solutions_dir=repo / "solutions", lessons_dir=repo / "lessons")
    if stale:
        raise ReleaseError("lessons/ does not match solutions/: " + "; ".join(stale[:3]))
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SHIPPED:
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, outdir / name, ignore=IGNORED, symlinks=False)
        elif source.is_file():
            shutil.copy2(source, outdir / name)
        else:
            continue
        written.append(outdir / name)
    leaks = [p for p in outdir.rglob("*") if p.name in ("hidden.py", "solutions") or
             (p.suffix == ".ipynb" and nbs.BEGIN in p.read_text(encoding="utf-8", errors="replace"))]
    if leaks:
        shutil.rmtree(outdir)
        raise ReleaseError(f"solutions would leak ({', '.join(map(str, leaks[:3]))}); nothing was written")
    return written


def release_command(outdir: Path = typer.Argument(..., help="New (or empty) folder to write the student release to.")) -> None:
    """Write what students get: lessons/, the cnncourse package, decks and setup scripts.

    Not included: solutions/, tests/, the hidden checker cases (cnncourse/checks/hidden.py).
    Learners' own check cells then use the public cases; grading (on the course copy) adds
    the hidden ones and secret random draws.
    """
    try:
        written = release(outdir)
    except ReleaseError as exc:
        typer.echo(f"release: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"wrote {', '.join(p.name for p in written)} to {outdir}")
