"""The session's keys: declared once in frontier_atlas/app/state.py, typed, used nowhere else by name."""

from __future__ import annotations

import ast
from pathlib import Path

from frontier_atlas.app import state as keys
from frontier_atlas.app.state import Key, Selection

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
            *sorted(p for p in (ROOT / "frontier_atlas" / "app").glob("*.py") if p.name != "state.py")]


def _string_keys(path: Path, root: Path = ROOT) -> list[str]:
    """Each place the file reads or writes the session state with a literal key."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        target = None
        if isinstance(node, ast.Subscript):
            target, key = node.value, node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr in ("get", "pop", "setdefault"):
                target, key = node.func.value, node.args[0]
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], (ast.In, ast.NotIn)):
            target, key = node.comparators[0], node.left
        if target is None or not isinstance(key, ast.Constant) or not isinstance(key.value, str):
            continue
        text = ast.unparse(target)
        if "session_state" in text or text == "state":
            found.append(f"{path.relative_to(root)}:{node.lineno} {key.value!r}")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and ast.unparse(node.value).endswith("session_state") \
                and node.attr not in ("get", "pop", "setdefault"):
            found.append(f"{path.relative_to(root)}:{node.lineno} .{node.attr}")
    return found


def test_no_session_key_is_named_outside_the_state_module():
    assert UI_FILES and all(p.exists() for p in UI_FILES)
    used = [hit for path in UI_FILES for hit in _string_keys(path)]
    assert used == []


def test_the_finder_sees_each_way_of_naming_a_key(tmp_path):
    sample = tmp_path / "page.py"
    sample.write_text("import streamlit as st\nstate = st.session_state\n"
                      "st.session_state['a'] = 1\nstate.get('b')\nif 'c' in state: pass\n"
                      "st.session_state.d = 2\nst.session_state.pop('e', None)\n")
    assert [h.split()[1] for h in _string_keys(sample, tmp_path)] == ["'a'", "'b'", "'c'", "'e'", ".d"]


def test_every_key_is_declared_once():
    names = [v.name for v in vars(keys).values() if isinstance(v, Key)]
    assert len(names) == len(set(names)), sorted(names)


def test_a_key_reads_its_default_without_storing_it_and_typed_objects_survive_reruns():
    state: dict = {}
    assert keys.DATES.get(state) is None and state == {}
    keys.QUERY.set(state, "aras")
    assert keys.QUERY.get(state) == "aras" and state == {"query": "aras"}
    assert keys.QUERY.pop(state) == "aras" and not keys.QUERY.is_set(state)
    assert not keys.has_selection(state)
    keys.selection_of(state).select_event("set1", 4)
    assert keys.has_selection(state) and keys.selection_of(state) == Selection(event=("set1", 4))
    state["selection"] = "left by an older version"
    assert keys.selection_of(state) == Selection()


def test_a_link_view_holds_until_the_records_shown_change():
    sync = keys.MapSync(link_view=(None, ((40.0, 46.0), 7)))
    assert sync.hold_link("abc") == ((40.0, 46.0), 7)  # bound to the first records shown
    assert sync.hold_link("abc") == ((40.0, 46.0), 7)
    assert sync.hold_link("def") is None and sync.link_view is None  # the filters changed
    assert sync.hold_link("abc") is None
