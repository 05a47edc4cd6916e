"""No import cycles inside cnncourse.

The graph has an edge A -> B when module A imports B anywhere in its source: at module level AND inside
functions. A function-level import does not fail at import time, but a cycle through one still means two
modules that each need the other (costs.layer_table imported flops, flops imported costs), so both count.
``from package import name`` points at ``package.name`` when that is a module, else at ``package``;
a submodule is not taken to depend on its parent package's ``__init__`` (Python loads parents first).
"""
import ast
import graphlib
from pathlib import Path

import pytest

import cnncourse

PACKAGE = Path(cnncourse.__file__).parent


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """``{"cnncourse.analysis.costs": path, "cnncourse.flashcards": .../__init__.py, ...}``."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_modules(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The cnncourse modules that ``module`` (source file ``path``) imports, at any depth of its code."""
    def owner(name: str) -> str | None:   # the longest known module that ``name`` is or lies in
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(owner(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative import
                anchor = module if path.name == "__init__.py" else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else owner(base))
    return {t for t in targets if t and t != module and t.startswith("cnncourse")}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_files(package)
    return {module: imported_modules(module, path, modules) for module, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        return err.args[1]
    return None


def test_cnncourse_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle inside cnncourse: " + " -> ".join(cycle)


def test_the_graph_sees_module_level_function_level_and_relative_imports(tmp_path):
    package = tmp_path / "cnncourse"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import leaf\n")
    (package / "sub" / "leaf.py").write_text("def f():\n    from cnncourse.top import g\n")
    (package / "top.py").write_text("import cnncourse.sub.leaf\nfrom cnncourse.sub import leaf as l2\n")
    graph = import_graph(package)
    assert graph == {"cnncourse": set(), "cnncourse.sub": {"cnncourse.sub.leaf"},
                     "cnncourse.sub.leaf": {"cnncourse.top"}, "cnncourse.top": {"cnncourse.sub.leaf"}}
    cycle = find_cycle(graph)
    assert cycle is not None and set(cycle) == {"cnncourse.sub.leaf", "cnncourse.top"}
    (package / "sub" / "leaf.py").write_text("def f():\n    import json\n")
    assert find_cycle(import_graph(package)) is None


@pytest.mark.parametrize("name", ["conv_macs", "conv_output_size", "cost_table", "layer_macs", "model_macs",
                                  "param_count", "separable_macs", "separable_params"])
def test_flops_only_re_exports_the_one_cost_module(name):
    from cnncourse.analysis import costs, flops

    assert getattr(flops, name) is getattr(costs, name)
    assert flops.conv_params is costs.conv2d_params
    assert flops.layer_table.func is costs.layer_table and flops.layer_table.keywords == {"nested": True}
