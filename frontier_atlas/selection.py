"""What the details column shows: one record, one imported event or one grid cell, never two.

One object in the session holds the choice, and every way of choosing (a marker, a
linked record, the unplaced list, the Sources and Timeline pages, a link) goes through
its methods, so choosing one thing always lets go of the others.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

KEY = "selection"  # the one session key of the selection


@dataclass
class Selection:
    record: str | None = None
    event: tuple[str, int] | None = None  # (imported set id, row)
    cell: tuple[int, int, int] | None = None  # (zoom, ix, iy) of a grid bubble

    def select_record(self, record_id: str | None) -> None:
        self.record, self.event, self.cell = record_id, None, None

    def select_event(self, set_id: str, row: int) -> None:
        self.record, self.event, self.cell = None, (set_id, int(row)), None

    def select_cell(self, zoom: int, ix: int, iy: int) -> None:
        self.record, self.event, self.cell = None, None, (int(zoom), int(ix), int(iy))

    def clear(self) -> None:
        self.record = self.event = self.cell = None


def selection_of(state: MutableMapping) -> Selection:
    """The session's selection (made empty on first use)."""
    sel = state.get(KEY)
    if not isinstance(sel, Selection):
        sel = state[KEY] = Selection()
    return sel
