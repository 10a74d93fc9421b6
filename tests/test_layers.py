"""The shape of the code: dependencies run one way, and there are no import circles.

Layers, bottom to top: the engine (``passport_vc``, with the data package ``schemas``), the
web and database helpers the services share (``passport_web``), the three services, and the
command line with the demo (``passport_cli``), the only place that may import all three
services. Every import counts, including ones inside functions: a lazy import is still a
dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("issuer", "wallet", "verifier")
PACKAGES = ("passport_vc", "schemas", "passport_web", *SERVICES, "passport_cli")
WEB_AND_DATABASE = ("flask", "flask_wtf", "werkzeug", "jinja2", "sqlalchemy", "alembic",
                    "psycopg", "gunicorn", "webauthn", "flask_babel")

# What each top-level package may import from the project (besides itself).
ALLOWED = {
    "passport_vc": {"passport_vc", "schemas"},
    "schemas": {"passport_vc", "schemas"},
    "passport_web": {"passport_vc", "schemas", "passport_web"},
    **{service: {"passport_vc", "schemas", "passport_web", service} for service in SERVICES},
    "passport_cli": set(PACKAGES),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            modules[module_name(path)] = path
    return modules


MODULES = project_modules()


def imported_names(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports (absolute names, relative imports resolved)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # ``from pkg import module`` names a module
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found


def project_target(imported: str) -> str | None:
    """The project module an import lands in (its longest known prefix), if any."""
    while imported:
        if imported in MODULES:
            return imported
        imported = imported.rpartition(".")[0]
    return None


def dependency_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        targets = {project_target(imported) for imported in imported_names(name, path)}
        graph[name] = {target for target in targets if target and target != name}
    return graph


GRAPH = dependency_graph()


def test_the_layout_is_what_the_test_expects():
    assert {"passport_vc.verify", "passport_web.flask", "passport_cli.main", "issuer",
            "verifier.service", "wallet.service"} <= set(MODULES)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_layer_imports_upward_or_sideways(package):
    wrong = sorted(f"{name} imports {target}"
                   for name, targets in GRAPH.items() if name.split(".")[0] == package
                   for target in targets if target.split(".")[0] not in ALLOWED[package])
    assert wrong == []


@pytest.mark.parametrize("package", ["passport_vc", "schemas"])
def test_the_engine_imports_no_web_or_database_library(package):
    wrong = sorted(f"{name} imports {imported}"
                   for name, path in MODULES.items() if name.split(".")[0] == package
                   for imported in imported_names(name, path)
                   if imported.split(".")[0] in WEB_AND_DATABASE)
    assert wrong == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_there_are_no_import_circles():
    assert strongly_connected(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]]
