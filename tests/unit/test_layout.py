"""The package's shape: thin UI files, layers that import only downward, no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "frontier_atlas"
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((PACKAGE / "app").glob("*.py"))]
# each layer may import the ones before it (and itself), never one after it
LAYERS = ["settings", "domain", "data", "geocode", "places", "events", "ingest", "present", "map", "basemap",
          "jobs", "app"]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, top_level_only: bool) -> set[str]:
    """The frontier_atlas modules a file imports (at import time only, if ``top_level_only``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("frontier_atlas"):
            for alias in node.names:  # `from frontier_atlas.app import state` imports a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if _exists(sub) else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("frontier_atlas")}
    return found


def _exists(module: str) -> bool:
    base = ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _graph(top_level_only: bool) -> dict[str, set[str]]:
    return {_module(p): _imports(p, top_level_only) for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle met by a depth-first walk (a path that comes back to itself)."""
    circles: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, path + [nxt])
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    return circles


def test_no_import_circles():
    assert _circles(_graph(top_level_only=False)) == []  # lazy imports too: a circle held off is still one


def test_the_circle_finder_finds_one():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _circles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_layers_import_only_downward():
    wrong = []
    for module, imported in _graph(top_level_only=False).items():
        mine = _layer(module)
        for other in imported:
            theirs = _layer(other)
            if mine and theirs and LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append(f"{module} -> {other}")
    assert wrong == []


def test_only_the_app_layer_uses_streamlit_and_only_map_and_app_use_folium():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        layer = _layer(_module(path))
        text = path.read_text(encoding="utf-8")
        if ("import streamlit" in text or "from streamlit" in text) and layer != "app":
            wrong.append(f"{_module(path)} imports streamlit")
        if ("import folium" in text or "from folium" in text) and layer not in ("map", "app"):
            wrong.append(f"{_module(path)} imports folium")
    assert wrong == []


def test_ui_files_are_thin():
    long = []
    for path in UI_FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 60:
                long.append(f"{path.relative_to(ROOT)}:{node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert long == []
    assert len((ROOT / "app.py").read_text(encoding="utf-8").splitlines()) < 80
