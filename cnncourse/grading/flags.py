"""Static analysis of what a learner wrote: flags, with reasons, for code a grader should look at.

Only the code cells the learner wrote or changed are analysed (cells identical to the
course's own learner notebook are not). A flag does not change the score; it says why a
human should look. The replay (:mod:`cnncourse.grading.replay`) already makes a forged
pass fail; these flags catch what a replay cannot: copying the course's reference, and
attempts at tampering that happen to fail.
"""
from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from cnncourse.course import notebooks as nbs
from cnncourse.course import paths

COURSE_INTERNALS = ("cnncourse.checks", "cnncourse.grading", "cnncourse.course.paths", "cnncourse.course.notebooks")
HOOK_MODULES = ("builtins", "importlib", "imp", "IPython", "ipykernel", "inspect", "ctypes", "gc")
PATCHED_LIBRARIES = ("numpy", "keras", "tensorflow", "cnncourse", "builtins", "sys", "os", "IPython")
DYNAMIC_CALLS = {"exec", "eval", "compile", "__import__", "breakpoint"}
SECRET_PATHS = re.compile(r"solutions|\.git\b|/grade\b|results\.jsonl|CNNCOURSE_GRADE|CNNCOURSE_CASE_SEED")
PATH_NAMES = {"SOLUTIONS_DIR", "LESSONS_DIR", "REPO_DIR", "PACKAGE_DIR"}
NOT_REFERENCES = ("cnncourse.checks", "cnncourse.data", "cnncourse.models", "cnncourse.analysis.plots")
# attributes that reach the checker's frame, a function's globals or a module's namespace: from there the
# course's reference (e.g. the checker module's own helper) is one lookup away, with no import to see
INTERNAL_ATTRIBUTES = {"f_globals", "f_locals", "f_back", "f_builtins", "f_code", "gi_frame", "cr_frame", "ag_frame",
                       "tb_frame", "tb_next", "__globals__", "__closure__", "__code__", "__dict__", "__subclasses__",
                       "__bases__", "__base__", "__mro__", "__wrapped__", "__self__", "__func__", "__getattribute__",
                       "_getframe", "__import__", "__builtins__", "__loader__", "__spec__", "func_globals"}
CHECK_SUBMODULES = ("lesson", "expect", "registry", "hidden")


@functools.lru_cache(maxsize=None)
def _package_functions() -> dict[str, list[str]]:
    """Top-level function names defined in the course package -> the modules defining them."""
    found: dict[str, list[str]] = {}
    for file in sorted(paths.PACKAGE_DIR.rglob("*.py")):
        module = ".".join(("cnncourse",) + file.relative_to(paths.PACKAGE_DIR).with_suffix("").parts).removesuffix(".__init__")
        if module.startswith(NOT_REFERENCES) or module.startswith("cnncourse.grading"):
            continue
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                parts = module.split(".")   # also reachable through the packages re-exporting it
                found.setdefault(node.name, []).extend(".".join(parts[:i]) for i in range(len(parts), 1, -1))
    return found


@functools.lru_cache(maxsize=None)
def _checker_imports(lesson_number: str) -> frozenset:
    """``module.name`` the lesson's checker module imports from the course package (its references)."""
    file = paths.PACKAGE_DIR / "checks" / f"lesson{lesson_number}.py"
    if not file.exists():
        return frozenset()
    out = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cnncourse") \
                and not (node.module or "").startswith(NOT_REFERENCES) and node.module != "cnncourse":
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return frozenset(out)


def reference_map(solution) -> dict[str, list[str]]:
    """Exercise id -> the course's reference implementations of it (``module.name``).

    A reference is a function the lesson's checker imports from the package, or a package
    function with the same name as a function the exercise's solution cell defines.
    """
    out = {}
    for cell in solution.cells:
        info = nbs.cell_info(cell)
        if info.get("role") != "solution":
            continue
        ex = info["exercise"]
        refs = set(_checker_imports(ex.split(".")[0]))
        try:
            defined = [n.name for n in ast.parse(_python(cell.source)).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        except SyntaxError:
            defined = []
        for name in defined:
            refs |= {f"{module}.{name}" for module in _package_functions().get(name, [])}
        out[ex] = sorted(refs)
    return out


def _python(source: str) -> str:
    """Cell source without IPython magics/shell lines (they are not Python)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


class _Finder(ast.NodeVisitor):
    def __init__(self, references: dict[str, list[str]], modules: dict[str, str] | None = None):
        self.reasons: list[tuple] = []   # (line, reason, exercise whose reference it uses)
        self.modules: dict[str, str] = dict(modules or {})     # local alias -> module it names (all cells' imports)
        self.references = {ref: ex for ex, refs in references.items() for ref in refs}

    def add(self, node, text, about: str | None = None):
        """Note a reason; ``about`` is the exercise whose reference it uses (allowed in later exercises' cells)."""
        self.reasons.append((getattr(node, "lineno", 0), text, about))

    def _module_import(self, node, module: str, alias: str, name: str | None = None):
        full = f"{module}.{name}" if name else module
        self.modules[alias] = full
        if full.startswith(COURSE_INTERNALS) or module.startswith(COURSE_INTERNALS) or full in COURSE_INTERNALS:
            self.add(node, f"imports {full} (the course's checking/grading code)")
        elif module.split(".")[0] in HOOK_MODULES or (name or "").split(".")[0] in HOOK_MODULES and module == "":
            self.add(node, f"imports {full} (import hooks / interpreter internals)")
        if full in self.references:
            self.add(node, f"imports {full}, the course's reference implementation of {self.references[full]}",
                     self.references[full])
        elif not name and any(ref.startswith(full + ".") for ref in self.references):
            self.modules[alias] = full

    def visit_Import(self, node):
        for a in node.names:
            self._module_import(node, a.name, (a.asname or a.name).split(".")[0] if not a.asname else a.asname)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        for a in node.names:
            if a.name == "*" and module.split(".")[0] == "cnncourse":
                self.add(node, f"imports * from {module} (the course's code: which names it takes cannot be checked)")
                continue
            if module.split(".")[0] in HOOK_MODULES or module == "sys" and a.name in ("modules", "meta_path", "path_hooks"):
                self.add(node, f"imports {a.name} from {module} (import hooks / interpreter internals)")
                self.modules[a.asname or a.name] = f"{module}.{a.name}"
                continue
            self._module_import(node, module, a.asname or a.name, a.name)
        self.generic_visit(node)

    def _dotted(self, node) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.modules.get(node.id, node.id)
        return ".".join([base] + parts[::-1])

    def visit_Attribute(self, node):
        dotted = self._dotted(node) or ""
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root_name(node)
            target = self.modules.get(root, root or "")
            if root in self.modules or target.split(".")[0] in PATCHED_LIBRARIES or root in ("checks", "np", "tf", "keras"):
                self.add(node, f"assigns {dotted or node.attr} (monkeypatching a module)")
        if dotted.startswith(("sys.modules", "sys.meta_path", "sys.path_hooks", "builtins.", "__builtins__")):
            self.add(node, f"uses {dotted} (import hooks / builtins)")
        if dotted.split(".")[-1] in PATH_NAMES:
            self.add(node, f"uses {dotted} (the course's folders)")
        if dotted in self.references:
            self.add(node, f"uses {dotted}, the course's reference implementation of {self.references[dotted]}",
                     self.references[dotted])
        if node.attr in INTERNAL_ATTRIBUTES:
            self.add(node, f"uses .{node.attr} (frames, code objects or module namespaces: interpreter internals)")
        parts = dotted.split(".")
        if dotted.startswith("cnncourse.grading.") or dotted.startswith("cnncourse.checks.") and (
                len(parts) > 3 or parts[2].startswith(CHECK_SUBMODULES)):
            self.add(node, f"uses {dotted} (the course's checking/grading code)")
        if isinstance(node.value, ast.Call) and _root_name(node.value.func) == "get_ipython" \
                and (node.attr.startswith("_") or node.attr in ("events", "set_custom_exc", "showtraceback", "user_ns_hidden",
                                                                 "kernel", "ast_transformers", "input_transformers_post")):
            self.add(node, f"uses get_ipython().{node.attr} (IPython internals)")
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in ("__builtins__", "__loader__", "__spec__"):
            self.add(node, f"uses {node.id} (interpreter internals)")
        if node.id in PATH_NAMES:
            self.add(node, f"uses {node.id} (the course's folders)")
        self.generic_visit(node)

    def visit_Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in DYNAMIC_CALLS:
            self.add(node, f"calls {name}() (runs code the grader cannot read)")
        if name in ("getattr", "setattr", "delattr") and len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant):
            self.add(node, f"calls {name}() with a computed name")
        elif name in ("getattr", "hasattr") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                and node.args[1].value in INTERNAL_ATTRIBUTES:
            self.add(node, f"calls {name}() for {node.args[1].value} (interpreter internals)")
        if name in ("setattr", "delattr") and node.args:
            root = _root_name(node.args[0])
            if root in self.modules or root in ("checks", "np", "tf", "keras"):
                self.add(node, f"calls {name}() on module {self.modules.get(root, root)} (monkeypatching)")
        if name in ("globals", "vars", "locals") and isinstance(getattr(node, "parent", None), ast.Subscript):
            self.add(node, f"calls {name}() to change names (hidden assignment)")
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and SECRET_PATHS.search(node.value):
            self.add(node, f"mentions {node.value[:40]!r} (the course's solutions or the grader's files)")


def analyse(submission, lesson_notebook, solution) -> list[str]:
    """Flags (reasons) for the learner-written code cells of ``submission``."""
    course_sources = {c.source.strip() for c in lesson_notebook.cells if c.cell_type == "code"}
    course_sources |= {c.source.strip() for c in solution.cells if c.cell_type == "code" and nbs.cell_info(c).get("role") != "solution"}
    course_lines = {line.strip() for source in course_sources for line in source.split("\n") if line.strip()}
    references = reference_map(solution)
    aliases = _Finder(references)   # names every cell imports (the course's setup cell imports `checks`, say)
    for cell in submission.cells:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(_python(cell.source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    aliases.visit(node)
    order = nbs.exercises(solution)
    flags, number = [], 0
    for cell in submission.cells:
        if cell.cell_type != "code":
            continue
        number += 1
        if nbs.cell_info(cell).get("role") == "check" or cell.source.strip() in course_sources:
            continue
        if re.search(r"^\s*[%!]", cell.source, re.M):
            flags.append(f"code cell {number}: runs shell commands or magics (% or !)")
        try:
            tree = ast.parse(_python(cell.source))
        except SyntaxError:
            continue   # it fails when run, and scores accordingly
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                child.parent = parent
        finder = _Finder(references, aliases.modules)
        finder.visit(tree)
        ex = nbs.cell_info(cell).get("exercise")
        where = f"code cell {number}" + (f" ({ex})" if ex else "")
        lines = cell.source.split("\n")
        for line_no, reason, about in dict.fromkeys(finder.reasons):
            if 0 < line_no <= len(lines) and lines[line_no - 1].strip() in course_lines:
                continue   # an unchanged line of the course's own code
            if about in order and ex in order and order.index(ex) > order.index(about):
                continue   # a later exercise may use the course's version of one already graded (nms uses iou)
            flags.append(f"{where}, line {line_no}: {reason}")
    return flags
