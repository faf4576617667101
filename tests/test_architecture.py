"""The layers run one way: no module imports a layer above its own (not even inside a
function), the command line and the notebook layer are imported by nobody below them, and
there is no import cycle. ``docs/architecture.md`` draws the same layers."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "ome_events"

#: Each top-level module or package of ome_events, by layer, lowest first.
LAYERS: list[set[str]] = [
    {"_version", "_lazy", "errors", "text", "humanize", "position", "timeparse", "tables"},
    {"compressed"},
    {"summary", "snapshots"},
    {"model"},
    {"formats"},
    {"parse"},
    {"files"},
    {"seek"},
    {"reader", "filters", "follower"},
    {"export", "parquet", "analyze", "retention", "alerts", "metrics", "progress"},
    {"jupyter", "cli", "spark", "__main__", "__init__"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def component(module: str) -> str:
    """``ome_events.analyze.media`` -> ``analyze``; the package itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


MODULES = {module_name(p): p for p in SOURCE.rglob("*.py")}
MODULE_NAMES = set(MODULES)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    out: list[ast.AST] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        out.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and ast.unparse(child.test) == "TYPE_CHECKING":
                pending.extend(child.orelse)
            else:
                pending.append(child)
    return out


def imports_of(path: Path) -> set[str]:
    """Every ome_events module the file imports when it runs: at module level or inside
    functions (imports for type annotations only are left out)."""
    tree = ast.parse(path.read_text())
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("ome_events")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if base.startswith("ome_events"):
                for alias in node.names:  # "from ome_events.x import submodule" or a name
                    sub = f"{base}.{alias.name}"
                    found.add(sub if sub in MODULE_NAMES else base)
    return found


GRAPH = {name: imports_of(path) for name, path in MODULES.items()}


def test_every_module_has_a_layer() -> None:
    """A new top-level module must be placed in LAYERS (and in docs/architecture.md)."""
    assert {component(name) for name in MODULES} <= set(RANK)


@pytest.mark.parametrize("importer", sorted(MODULES))
def test_no_import_runs_upwards(importer: str) -> None:
    """A module imports only its own layer and the layers below."""
    if component(importer) == "__init__":
        return  # the facade re-exports everything
    for imported in GRAPH[importer]:
        assert RANK[component(imported)] <= RANK[component(importer)], (importer, imported)
        if component(imported) in ("cli", "jupyter"):
            assert component(importer) in ("cli", "jupyter", "__main__"), (importer, imported)
            assert not (component(imported) == "cli" and component(importer) == "jupyter")


def test_no_cycles() -> None:
    """The import graph between modules (package facades aside) has no cycle."""
    facades = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    edges: dict[str, set[str]] = defaultdict(set)
    for importer, imported in GRAPH.items():
        if importer in facades:
            continue
        edges[importer] |= {m for m in imported if m in MODULES and m not in facades}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])


def test_help_imports_no_analyzer_nor_heavy_library() -> None:
    """``ome-events --help`` builds every command's options: that must not import the
    analyzers, pandas, pyarrow, rich or prometheus_client (start-up stays fast)."""
    import subprocess
    import sys

    code = (
        "import sys; from ome_events.cli.main import build_parser; build_parser();"
        "print(','.join(m for m in ('ome_events.analyze', 'pandas', 'pyarrow', 'rich',"
        " 'prometheus_client', 'pyspark') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)  # fmt: skip
    assert result.stdout.strip() == ""
