"""The audit log as a reviewer reads it: one row a change, with what it changed."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from frontier_atlas.data.userstore import AuditEntry

_SHOWN = 60  # characters of a value before it is cut
_LINE = 240  # and of a whole row's changes


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """"name: "a" → "b"; start: …": the fields a change set, dropped or changed, cut at
    ``_LINE`` characters (the full entry is below the table)."""
    before, after = before or {}, after or {}
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    parts = [f"{k}: {_short(before[k]) if k in before else '∅'} → {_short(after[k]) if k in after else '∅'}"
             for k in keys]
    text = "; ".join(parts) or "no change"
    return text if len(text) <= _LINE else text[:_LINE - 1] + "…"


def audit_frame(entries: list[AuditEntry]) -> pd.DataFrame:
    """Newest first: a reviewer looks for what just happened."""
    rows = [{"when": pd.Timestamp(e.at, unit="s", tz="UTC"), "who": e.actor_name, "user id": e.actor_id,
             "action": e.action, "record": e.record_id, "changes": changed_fields(e.before, e.after)}
            for e in reversed(entries)]
    return pd.DataFrame(rows, columns=["when", "who", "user id", "action", "record", "changes"])
