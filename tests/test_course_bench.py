"""`cnncourse bench`: every figure is reported with a number and a target, the JSON is well formed.

Nothing here asserts speed: the benchmark measures, and these tests only check that it
runs and reports. The end-to-end test runs `--quick` with its sizes shrunk further and a
one-cell lesson, so it stays well under a minute.
"""
import json
import math

import nbformat
import pytest
from typer.testing import CliRunner

from cnncourse.course import paths
from cnncourse.course.bench import config as presets
from cnncourse.course.bench import grading, notebooks, report
from cnncourse.course.bench.figure import ERROR, NOT_AVAILABLE, Figure
from cnncourse.course.cli import app

TARGETED = ["fashion_accuracy", "fashion_train_seconds", "conv_im2col_ratio", "notebooks_max_seconds",
            "notebooks_total_seconds", "grading_overhead_ratio"]


def tiny_lesson(folder, name="99_tiny.ipynb"):
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# 99 Tiny\n\n## Objectives\n- time me"),
                                v4.new_code_cell("x = 1 + 1\nprint(x)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, str(path))
    return path


# --------------------------------------------------------------------------- units (no TensorFlow)
@pytest.mark.parametrize("value,direction,reduced,status,met", [
    (93.0, ">=", False, "ok", True), (91.0, ">=", False, "ok", False), (2.0, "<=", False, "ok", True),
    (4.0, "<=", False, "ok", False), (50.0, ">=", True, "ok", None), (None, "<=", False, ERROR, None),
])
def test_a_figure_is_judged_only_when_measured_in_full(value, direction, reduced, status, met):
    fig = Figure("k", "name", value, "x", 3.0 if direction == "<=" else 92.0, direction, reduced=reduced, status=status)
    assert fig.met is met
    assert fig.to_json()["met"] is met


def test_table_cells_read_well():
    assert report.fmt_value(92.3456, "%") == "92.35 %"
    assert report.fmt_value(2.5, "x") == "2.5x"
    assert report.fmt_target(Figure("k", "n", 1.0, "s", 60.0, "<=")) == "≤ 60 s"
    assert "reduced" in report.fmt_met(Figure("k", "n", 1.0, "%", 92.0, ">=", reduced=True))
    assert "not available" in report.fmt_met(Figure.failed("k", "n", NOT_AVAILABLE, "why"))


def test_notebook_selection(tmp_path):
    small, big = tiny_lesson(tmp_path, "01_a.ipynb"), tiny_lesson(tmp_path, "02_b.ipynb")
    nb = nbformat.read(str(big), as_version=4)
    nb.cells[1].source += "\n" + "y = 2\n" * 50
    nbformat.write(nb, str(big))
    assert notebooks.select([small, big], None)[0] == [small, big]
    chosen, scope = notebooks.select([big, small], "smallest")
    assert chosen == [small] and "REDUCED" in scope
    assert notebooks.select([small, big], ["02"])[0] == [big]
    with pytest.raises(ValueError, match="03"):
        notebooks.select([small, big], ["03"])


def test_grading_row_says_why_when_the_grader_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(grading, "_grader", lambda: (None, "cnncourse.grading is not importable (demo)"))
    [fig] = grading.measure(tiny_lesson(tmp_path), execute_seconds=1.0)
    assert fig.status == NOT_AVAILABLE and "demo" in fig.detail and fig.target == grading.TARGET


def test_a_crashing_benchmark_is_reported_and_exits_non_zero(monkeypatch, tmp_path):
    from cnncourse.course.bench import conv

    def boom(*args, **kwargs):
        raise RuntimeError("demo crash")

    monkeypatch.setattr(conv, "measure", boom)
    monkeypatch.setattr("cnncourse.course.bench.cli.set_tf_threads", lambda threads: False)
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(app, ["bench", "--quick", "--only", "conv", "--json", str(out)])
    assert result.exit_code == 1, result.output
    data = json.loads(out.read_text())
    assert data["crashed"] == ["conv_im2col_ratio"]
    assert "demo crash" in data["figures"][0]["detail"]


# --------------------------------------------------------------------------- end to end
def test_quick_bench_reports_every_figure_with_a_number_and_a_target(monkeypatch, tmp_path):
    solutions = tmp_path / "solutions"
    tiny_lesson(solutions)
    monkeypatch.setattr(paths, "SOLUTIONS_DIR", solutions)
    monkeypatch.setattr(presets, "QUICK", presets.QUICK.with_(
        recipe={"epochs": 1, "train_size": 512}, test_size=500,
        conv_shape=(2, 8, 8, 4, 8, 3), naive_shape=(1, 6, 6, 2, 4, 3), conv_repeats=1, notebook_timeout=120))
    out = tmp_path / "out" / "bench.json"

    result = CliRunner().invoke(app, ["bench", "--quick", "--json", str(out)])

    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["mode"] == "quick" and data["crashed"] == []
    figures = {f["key"]: f for f in data["figures"]}
    assert set(TARGETED) | {"conv_naive_ratio", "notebook:99_tiny"} <= set(figures)
    for key, fig in figures.items():
        assert fig["status"] == "ok", (key, fig["detail"])
        assert isinstance(fig["value"], (int, float)) and math.isfinite(fig["value"]) and fig["value"] >= 0, key
        assert fig["unit"] and fig["detail"], key
    for key in TARGETED:
        assert isinstance(figures[key]["target"], (int, float)), key
        assert figures[key]["direction"] in ("<=", ">="), key
        assert figures[key]["met"] in (True, False, None), key
    # --quick trains less and runs fewer notebooks: said, and not judged against the full targets
    for key in ("fashion_accuracy", "fashion_train_seconds"):
        assert figures[key]["reduced"] and figures[key]["met"] is None and "REDUCED" in figures[key]["detail"]
    assert "threads" in figures["fashion_train_seconds"]["detail"]
    assert "threads" in figures["conv_im2col_ratio"]["detail"]
    assert figures["grading_overhead_ratio"]["met"] in (True, False)
    for name in ("Fashion-MNIST", "im2col", "naive", "99_tiny", "grading", "target", "met?"):
        assert name in result.output, name
