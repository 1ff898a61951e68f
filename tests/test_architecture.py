"""The import graph of the product's own code: no circles, and dependencies run one way.

Floors, lowest first: core → library → claims → reviews (with clients and webhooks beside
reviews), then config on top, and the offline lab beside it all. A module may import from its
own app and from the floors below it, never upwards. Read from the source with `ast` (nothing
is imported), so the test is cheap and sees imports inside functions too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "library", "claims", "reviews", "clients", "webhooks", "config", "lab")

# app → the apps it must never import.
FORBIDDEN = {
    "core": set(PACKAGES) - {"core"},
    "library": {"claims", "reviews", "clients", "webhooks", "config", "lab"},
    "claims": {"reviews", "clients", "webhooks", "config", "lab"},
    "clients": {"reviews", "claims", "library", "webhooks", "config", "lab"},
    "webhooks": {"reviews", "claims", "library", "config", "lab"},
    "reviews": {"config", "lab"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue  # historical snapshots, never imported by the code
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The first-party modules `name` imports, most specific first (`from a import b` is the
    module a.b when it exists, else a)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = [s for s in subs if s in modules] or [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imports(name, path, modules)) for name, path in modules.items()}


def _app(module: str) -> str:
    return module.partition(".")[0]


def test_no_import_runs_up_a_floor(graph):
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        for target in targets
        if _app(target) in FORBIDDEN.get(_app(source), set())
    )
    assert wrong == []


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module: every circle lies
    inside one of them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_the_import_graph_has_no_circles(graph):
    assert _circles(graph) == []


def test_the_checker_sees_a_forbidden_edge_and_a_circle(tmp_path):
    """The rules above are only worth something if the walk finds real edges."""
    modules = {"core.a": tmp_path / "a.py", "claims.b": tmp_path / "b.py"}
    modules["core.a"].write_text("def f():\n    from claims.b import thing\n")
    modules["claims.b"].write_text("from core import a\n")
    edges = {name: set(_imports(name, path, modules)) for name, path in modules.items()}
    assert edges == {"core.a": {"claims.b"}, "claims.b": {"core.a"}}
    assert _circles(edges) == [["claims.b", "core.a"]]
    assert _circles({"core.a": set(), "claims.b": {"core.a"}}) == []
    assert "claims" in FORBIDDEN["core"]
