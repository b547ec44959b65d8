"""What a click on the map was on: a record, an imported event or a counted grid cell.

streamlit-folium reports a click as the clicked shape's tooltip text. Each shape's
tooltip carries a hidden token (``⟦…⟧``) naming what it stands for; the layers write
tokens with the functions here and the page reads them back with ``read_click``, so
the two sides cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frontier_atlas.domain.viewport import MAX_ZOOM

OPEN, CLOSE = "\u27e6", "\u27e7"
_DIGITS = 12
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


def _number(text: str) -> int | None:
    # a row or cell index has at most a dozen digits; int() of thousands raises
    return int(text) if text.isdigit() and len(text) <= _DIGITS else None


def read_click(tooltip: object) -> Click | None:
    """The thing a clicked tooltip names; None for a shape without a token.

    The tooltip text comes back from the browser, so it may be anything a visitor sends
    (not text at all, a token for a cell at zoom 1e6): what names nothing is None. A
    well-formed token can still name a cell or row that does not exist; the panels check."""
    match = _TOKEN.search(tooltip) if isinstance(tooltip, str) else None
    if not match:
        return None
    token = match.group(1)
    kind, _, rest = token.partition("-")
    if kind == "x":  # a malformed event or cell token names nothing (record ids never start so)
        set_id, _, row = rest.rpartition("-")
        index = _number(row)
        return Click(event=(set_id, index)) if set_id and index is not None else None
    if kind == "g":
        parts = [_number(p) for p in rest.split("-")]
        ok = len(parts) == 3 and None not in parts and parts[0] <= MAX_ZOOM
        return Click(cell=(parts[0], parts[1], parts[2])) if ok else None
    return Click(record=token)
