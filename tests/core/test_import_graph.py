"""The import graph of app/: no cycles, and (almost) no imports hidden inside functions.

Layers and independence are import-linter's contracts (pyproject.toml, ``make lint``); this
test proves the graph has no circle at all, counting imports inside functions too, and keeps
function-local imports from creeping back as a way to dodge one.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"

# Function-local imports allowed apart from the packages' ``init_app`` (which defers importing
# routes and services on purpose, so importing a package has no side effects). Each one
# carries a comment saying why.
LOCAL_IMPORT_BOUND = 3


def _graph() -> grimp.ImportGraph:
    if str(ROOT) not in sys.path:  # pragma: no cover - pytest's pythonpath has it
        sys.path.insert(0, str(ROOT))
    return grimp.build_graph("app", include_external_packages=False)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _local_imports() -> list[str]:
    """``path:line`` of every import inside a function, except in a package's ``init_app``."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "__init__.py" and node.name == "init_app":
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    return sorted(set(found))


def test_no_import_cycles():
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles in app/: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_cycle_finder_sees_a_circle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y"]]


def test_few_function_local_imports():
    found = _local_imports()
    assert len(found) <= LOCAL_IMPORT_BOUND, "imports inside functions: " + ", ".join(found)


def test_function_local_imports_say_why():
    lines = {}
    for entry in _local_imports():
        path, line = entry.rsplit(":", 1)
        text = lines.setdefault(path, (ROOT / path).read_text(encoding="utf-8").splitlines())
        here, above = text[int(line) - 1], text[int(line) - 2].strip()
        assert "#" in here or above.startswith("#"), f"{entry}: say why it is inside a function"
