"""Bring-your-own event sets: ACLED, UCDP GED, or any CSV/GeoJSON through a column mapping.

``import_events`` reads a file (``reader``), stores it once as Parquet in the user data
folder (``store``), and ``ImportStore.open`` gives the in-memory ``EventSet`` that the
map filters and draws (``frontier_atlas.events.grid``, ``frontier_atlas.map.events``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from frontier_atlas.events.eventset import EventSet
from frontier_atlas.events.formats import FIELDS, ColumnMapping, guess_mapping
from frontier_atlas.events.reader import ImportResult, UnreadableFile, read_events, read_header
from frontier_atlas.events.store import ImportStore, SetInfo

__all__ = ["FIELDS", "ColumnMapping", "EventSet", "ImportResult", "ImportStore", "SetInfo",
           "UnreadableFile", "guess_mapping", "import_events", "read_events", "read_header"]


def _sha256(data: bytes | Path) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with Path(data).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_events(
    data: bytes | Path, file_name: str, mapping: ColumnMapping, store: ImportStore, set_name: str | None = None,
) -> tuple[SetInfo, ImportResult]:
    """Read, check and store a file; rows that cannot be read are in the result's issues."""
    missing = mapping.missing()
    if missing:
        raise ValueError("choose a column for: " + ", ".join(missing))
    result = read_events(data, file_name, mapping)
    info = store.save(result, set_name or Path(file_name).stem, _sha256(data), mapping.columns, mapping.fmt)
    return info, result
