"""No import circles among helpers' modules: every import, at module level or inside a function, counts.

The graph is read from the source with ``ast`` (nothing is imported): an edge A → B for each
``import helpers.B`` / ``from helpers.B import x`` / ``from helpers import B`` in A, wherever it
stands. A function-level import still ties the two modules together, so it counts too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def module_name(path: Path, src: Path) -> str:
    """helpers/load/local.py → helpers.load.local; helpers/load/__init__.py → helpers.load."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(src: Path, package: str = "helpers") -> dict[str, set[str]]:
    """Module → the package's modules it imports (anywhere in its source)."""
    modules = {module_name(p, src): p for p in (src / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module if node.level == 0 else _relative(name, path, node)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        targets.add(full)
                    elif base in modules:
                        targets.add(base)
        graph[name] = targets - {name}
    return graph


def _relative(name: str, path: Path, node: ast.ImportFrom) -> str:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    package = package[:len(package) - node.level + 1]
    return ".".join([*package, node.module] if node.module else package)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (each one is at least one import circle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_helpers_has_no_import_circle():
    graph = import_graph(SRC)
    assert "helpers.load.catalogue" in graph and len(graph) > 40
    assert cycles(graph) == [], "modules that import each other, directly or round a circle"


def test_the_graph_sees_module_and_function_level_imports(tmp_path):
    package = tmp_path / "helpers"
    (package / "load").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "load" / "__init__.py").write_text("")
    (package / "load" / "a.py").write_text("from helpers.load import b\n")
    (package / "load" / "b.py").write_text("def f():\n    from helpers.load.c import x\n")
    (package / "load" / "c.py").write_text("import helpers.load.a\nx = 1\n")
    (package / "load" / "d.py").write_text("from . import a\n")
    graph = import_graph(tmp_path)
    assert graph["helpers.load.a"] == {"helpers.load.b"} and graph["helpers.load.b"] == {"helpers.load.c"}
    assert graph["helpers.load.d"] == {"helpers.load.a"}
    assert cycles(graph) == [["helpers.load.a", "helpers.load.b", "helpers.load.c"]]


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c", "a"}}, [["a", "b"], ["c", "d"]]),
])
def test_cycles_finds_every_circle_and_nothing_else(graph, expected):
    assert sorted(cycles(graph)) == expected
