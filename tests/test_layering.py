"""How the package is put together: no module imports in a circle; engine and batch share public names only.

Both checks read the source (``ast``), so an import hidden inside a function
counts as much as one at the top of a module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workbook"


def modules() -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is a package ``__init__``)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = modules()


def imported(name: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """The workbook modules an import statement loads, with the name it takes from each (if any)."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names if alias.name.split(".")[0] == "workbook"]
    if node.level:
        base = name.split(".") if is_package else name.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target.split(".")[0] != "workbook":
        return []
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        out.append((sub, None) if sub in MODULES else (target, alias.name))
    return out


def owner(module: str) -> str:
    while module not in MODULES and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


def type_checking_only(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` blocks: read by type checkers, never run."""
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_nodes(tree: ast.AST, in_functions: bool):
    """The import statements of a module: those run when it is imported, and (``in_functions``) the rest."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif type_checking_only(node):
            yield from import_nodes(ast.Module(body=node.orelse, type_ignores=[]), in_functions)
        elif in_functions or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from import_nodes(node, in_functions)


def import_graph(in_functions: bool = True) -> dict[str, set[str]]:
    """Which workbook modules each one imports (``in_functions``: counting imports inside functions too)."""
    graph = {}
    for name, (path, is_package) in MODULES.items():
        deps = set()
        for node in import_nodes(ast.parse(path.read_text("utf-8")), in_functions):
            deps |= {owner(target) for target, _ in imported(name, is_package, node)}
        graph[name] = deps - {name}
    return graph


#: Circles closed only by an import inside a function (so importing either module works), each with the reason
#: and owner. Tracked here so the list can only shrink: the test fails when one is gone and still listed.
KNOWN_CIRCLES_THROUGH_FUNCTIONS: dict[tuple[str, ...], str] = {}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_in_a_circle():
    graph = import_graph(in_functions=False)
    assert graph["workbook.batch.runner"] >= {"workbook.batch.plan", "workbook.batch.pools"}  # the graph is real
    assert cycles(graph) == []


def test_imports_inside_functions_close_no_other_circle():
    found = {tuple(group) for group in cycles(import_graph())}
    assert found == set(KNOWN_CIRCLES_THROUGH_FUNCTIONS)
    assert not any(m.startswith(("workbook.engine", "workbook.batch")) for group in found for m in group)


#: The package read top-down: each layer may use the layers below it, never one above (imports inside
#: functions count). A module name stands for itself and the modules inside it.
LAYERS = [
    ["workbook.cli"],
    ["workbook.batch", "workbook.report"],
    ["workbook.notebook"],
    ["workbook.ui.start"],
    ["workbook.room"],
    ["workbook.frameworks", "workbook.store", "workbook.errors"],
]


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every workbook module ``start`` loads, directly or through others."""
    seen: set[str] = set()
    todo = [m for m in graph if m == start or m.startswith(start + ".")]
    while todo:
        for dep in graph.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_reachable_follows_imports_through_other_modules():
    assert reachable({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a"}}, "a") == {"b", "c"}


def test_layers_read_top_down():
    graph = import_graph()
    assert "workbook.ui.start" in reachable(graph, "workbook.notebook")  # the graph is real
    for i, layer in enumerate(LAYERS):
        above = [m for upper in LAYERS[:i] for m in upper]
        for module in layer:
            upward = sorted(d for d in reachable(graph, module)
                            if any(d == a or d.startswith(a + ".") for a in above))
            assert upward == [], (module, upward)


def test_engine_imports_one_way():
    graph = import_graph()
    layers = ["shell", "fork", "worker", "papermill_engines"]  # each may import only those before it
    for i, layer in enumerate(layers):
        inside = {d.rsplit(".", 1)[-1] for d in graph[f"workbook.engine.{layer}"] if d.startswith("workbook.engine.")}
        assert inside <= set(layers[:i]), (layer, inside)


def private_crossings(name: str, path: Path, is_package: bool) -> list[str]:
    """Private names (``_x``, not dunders) of another workbook module used by this one."""
    tree = ast.parse(path.read_text("utf-8"))
    private = lambda n: n.startswith("_") and not n.startswith("__")  # noqa: E731
    owned: set[str] = set()  # private names this module defines (functions, classes, attributes, variables)
    workbook_aliases: set[str] = set()  # names bound to workbook modules
    other_aliases: set[str] = set()  # names bound to other libraries' modules (their privates are not ours)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            owned.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            owned.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            owned.add(node.attr)
        elif isinstance(node, ast.arg):
            owned.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            targets = imported(name, is_package, node)
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                if any(t == alias.name or t.endswith("." + alias.name) or t == alias.name.split(".")[0]
                       for t, taken in targets if taken is None):
                    workbook_aliases.add(bound)
                elif not targets:
                    other_aliases.add(bound)
            for target, taken in targets:
                if taken and private(taken):
                    problems.append(f"{name}: from {target} import {taken}")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and private(node.attr)):
            continue
        base = node.value.id if isinstance(node.value, ast.Name) else None
        if base in ("self", "cls"):
            continue
        if base in workbook_aliases:
            problems.append(f"{name}: {base}.{node.attr}")
        elif base not in other_aliases and node.attr not in owned:
            problems.append(f"{name}: {ast.unparse(node)}")
    return problems


def test_private_crossing_is_caught(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from . import worker as w\nfrom .shell import _CAPTURE\nimport os\n"
                      "def f(pool):\n    os._exit(0)\n    return w._IN_WORKER, pool._threads\n")
    found = private_crossings("workbook.engine.sample", sample, False)
    assert found == ["workbook.engine.sample: from workbook.engine.shell import _CAPTURE",
                     "workbook.engine.sample: w._IN_WORKER", "workbook.engine.sample: pool._threads"]


@pytest.mark.parametrize("package", ["engine", "batch"])
def test_engine_and_batch_use_only_public_names_of_other_modules(package):
    problems = []
    for name, (path, is_package) in MODULES.items():
        if name.startswith(f"workbook.{package}"):
            problems += private_crossings(name, path, is_package)
    assert problems == []


#: Modules read in one sitting: no Python file in the package is longer than this (long text lives in a
#: room's ``*_content`` module, beside its logic).
MAX_MODULE_LINES = 450


def test_every_module_reads_in_one_sitting():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"modules over {MAX_MODULE_LINES} lines: {long}"
