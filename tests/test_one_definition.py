"""One place per concept: grep cnncourse/ for the definitions that must exist once.

Each concept is a regular expression matched line by line over cnncourse/**/*.py; the test lists every
``path:line`` it matches.
"""
import re
from pathlib import Path

import pytest

import cnncourse

PACKAGE = Path(cnncourse.__file__).parent


def definitions(pattern: str) -> list[str]:
    """``["analysis/costs.py:148", ...]``: the lines of cnncourse/**/*.py matching ``pattern``."""
    regex = re.compile(pattern)
    return [f"{path.relative_to(PACKAGE).as_posix()}:{number}"
            for path in sorted(PACKAGE.rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if regex.search(line)]


UNIFIED = {
    "TF thread setup (repro.set_tf_threads)": r"set_intra_op_parallelism_threads\(",
    "parameter counter over weight shapes (costs.count_params)": r"prod\(\w+\.shape\) for \w+ in",
    "Dense parameter formula (costs.dense_params)": r"n_in \* n_out \+",
    "MACs of a Keras layer (costs.layer_macs)": r"def layer_macs\(",
    "MACs of a model (costs.model_macs)": r"def model_macs\(",
    "conv output size, Keras padding (costs.conv_output_size)": r"def conv_output_size\(",
    "FLOPs = 2 MACs (costs.macs_to_flops)": r"2 \* macs\b",
    "one-cycle learning-rate schedule (schedules.OneCycle)": r"def (make_)?one_cycle|class OneCycle\b",
    "image shift with zero fill (shifts.shift)": r"def (shift|shift_image)\(",
    "small CNN builder (models.fashion.small_cnn; lessons' presets are partials of it)": r"def small_cnn\(",
    "layer cost table (costs.layer_table; flops.layer_table is it with nested=True)": r"def (nested_)?layer_table\(",
    "optimizer state built before the first step (tracing.build_optimizer_state)":
        r"optimizer\.build\(model\.trainable_variables\)",
}

@pytest.mark.parametrize("concept", list(UNIFIED))
def test_concept_is_defined_once(concept):
    found = definitions(UNIFIED[concept])
    assert len(found) == 1, f"{concept}: defined at {found}"


@pytest.mark.parametrize("name", ["dense_params", "conv2d_params", "separable_params", "dense_macs", "conv2d_macs",
                                  "conv_macs", "separable_macs", "count_params", "param_count", "cost_table"])
def test_each_cost_function_is_defined_once_in_costs(name):
    found = [where for where in definitions(rf"def {name}\(")
             if not where.startswith("checks/")                       # checkers are named after their exercise
             and not (name == "dense_params" and where.startswith("deploy/compression.py:"))]  # low-rank, uses costs'
    assert len(found) == 1 and found[0].startswith("analysis/costs.py:"), found


def test_the_grep_finds_what_it_should(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text("def small_cnn():\n    pass\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("x = 1\ndef small_cnn(x):\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path)
    assert definitions(r"def small_cnn\(") == ["a.py:1", "sub/b.py:2"]


def test_the_small_cnn_presets_are_the_one_builder():
    from cnncourse.models import fashion
    from cnncourse.training import regularization
    from cnncourse.vision import transfer

    for preset in (regularization.small_cnn, transfer.small_cnn):
        assert preset.func is fashion.small_cnn
