"""What a click on the map was on: a record, an imported event or a counted grid cell.

streamlit-folium reports a click as the clicked shape's tooltip text. Each shape's
tooltip carries a hidden token (``⟦…⟧``) naming what it stands for; the layers write
tokens with the functions here and the page reads them back with ``read_click``, so
the two sides cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSE = "\u27e6", "\u27e7"
_TOKEN = re.compile(OPEN + r"([a-z0-9-]+)" + CLOSE)


@dataclass(frozen=True)
class Click:
    record: str | None = None
    event: tuple[str, int] | None = None  # (imported set id, row)
    cell: tuple[int, int, int] | None = None  # (zoom, ix, iy)


def record_token(record_id: str) -> str:
    return f"{OPEN}{record_id}{CLOSE}"


def event_token(set_id: str, row: int | str) -> str:
    return f"{OPEN}x-{set_id}-{row}{CLOSE}"


def cell_token(zoom: int, ix: int, iy: int) -> str:
    return f"{OPEN}g-{zoom}-{ix}-{iy}{CLOSE}"


def read_click(tooltip: str | None) -> Click | None:
    """The thing a clicked tooltip names; None for a shape without a token."""
    match = _TOKEN.search(tooltip or "")
    if not match:
        return None
    token = match.group(1)
    kind, _, rest = token.partition("-")
    if kind == "x":  # a malformed event or cell token names nothing (record ids never start so)
        set_id, _, row = rest.rpartition("-")
        return Click(event=(set_id, int(row))) if set_id and row.isdigit() else None
    if kind == "g":
        parts = rest.split("-")
        ok = len(parts) == 3 and all(p.isdigit() for p in parts)
        return Click(cell=(int(parts[0]), int(parts[1]), int(parts[2]))) if ok else None
    return Click(record=token)
