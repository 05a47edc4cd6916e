"""Show the figures: a rich table for people, JSON (with targets and pass/fail) for machines."""
from __future__ import annotations

import json
from pathlib import Path

from cnncourse.course.bench.figure import ERROR, NOT_AVAILABLE, Figure

SCHEMA = 1


def fmt_value(value, unit: str) -> str:
    if value is None:
        return "-"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text}x" if unit == "x" else f"{text} {unit}".strip()


def fmt_target(fig: Figure) -> str:
    if fig.target is None:
        return "-"
    return f"{'≥' if fig.direction == '>=' else '≤'} {fmt_value(fig.target, fig.unit)}"


def fmt_met(fig: Figure) -> str:
    if fig.status == ERROR:
        return "[bold red]ERROR[/]"
    if fig.status == NOT_AVAILABLE:
        return "[yellow]not available[/]"
    if fig.target is None:
        return "-"
    if fig.reduced:
        return "[dim]n/a (reduced run)[/]"
    return "[green]yes[/]" if fig.met else "[bold red]no[/]"


def title(meta: dict) -> str:
    load = meta.get("load_average_start")
    load_text = f", load average {load[0]:.1f} at start" if load else ""
    return (f"cnncourse bench ({meta.get('mode')}) on {meta.get('cpu_cores')} CPU core(s){load_text}; "
            f"{meta.get('wall_seconds', 0):.0f} s in all")


def render(figures: list[Figure], meta: dict, console) -> None:
    """Print the table: figure, measured, target, met?, and how it was measured."""
    from rich.table import Table

    table = Table(title=title(meta), show_lines=True,
                  caption="Every figure comes from this run. Reduced (--quick) rows are not judged against "
                          "the full targets. Timings depend on how busy the machine is.")
    table.add_column("figure", overflow="fold")
    table.add_column("measured", justify="right", no_wrap=True)
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("met?", no_wrap=True)
    table.add_column("how / notes", overflow="fold", style="dim", ratio=1)
    for fig in figures:
        table.add_row(fig.name, fmt_value(fig.value, fig.unit), fmt_target(fig), fmt_met(fig), fig.detail)
    console.print(table)


def to_json(figures: list[Figure], meta: dict) -> dict:
    """Everything in the table, plus the run's context, as plain JSON-able data."""
    judged = [f.met for f in figures if f.met is not None]
    return {
        "schema": SCHEMA,
        **meta,
        "all_judged_targets_met": all(judged) if judged else None,
        "crashed": [f.key for f in figures if f.status == ERROR],
        "figures": [f.to_json() for f in figures],
    }


def write_json(path: Path, figures: list[Figure], meta: dict) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(figures, meta), indent=2, allow_nan=False) + "\n", encoding="utf-8")
