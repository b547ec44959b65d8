"""Bring-your-own event sets: ACLED, UCDP GED, or any CSV/GeoJSON through a column mapping.

``import_events`` reads a file (``reader``) and stores it once: as Parquet in the user
data folder (``store``), whose ``open`` gives the in-memory ``EventSet``, or in the shared
PostgreSQL/PostGIS database (``postgis_store``), whose sets are asked in SQL
(``postgis_query``). Either way the map filters and draws a view of each set
(``view``, ``grid``, ``frontier_atlas.map.events``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from frontier_atlas.data.engine import is_database_url
from frontier_atlas.domain.access import Action, Actor, check
from frontier_atlas.events.eventset import EventSet
from frontier_atlas.events.formats import FIELDS, ColumnMapping, guess_mapping
from frontier_atlas.events.postgis_store import PostgisImportStore
from frontier_atlas.events.reader import ImportResult, UnreadableFile, event_chunks, read_events, read_header
from frontier_atlas.events.store import ImportStore, SetChanged, SetGone, SetInfo

__all__ = ["FIELDS", "ColumnMapping", "EventSet", "ImportResult", "ImportStore", "PostgisImportStore", "SetChanged",
           "SetGone", "SetInfo", "UnreadableFile", "guess_mapping", "import_events", "open_import_store", "read_events",
           "read_header"]


def open_import_store(location: Path | str) -> ImportStore | PostgisImportStore:
    """The sets at ``location``: a PostgreSQL URL, else a folder of Parquet sets."""
    if is_database_url(location):
        return PostgisImportStore(str(location))
    return ImportStore(Path(location))


def _sha256(data: bytes | BinaryIO | Path) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    if isinstance(data, Path):
        with data.open("rb") as f:
            return _sha256(f)
    digest = hashlib.sha256()
    data.seek(0)
    for block in iter(lambda: data.read(1 << 20), b""):
        digest.update(block)
    data.seek(0)
    return digest.hexdigest()


def import_events(
    data: bytes | BinaryIO | Path, file_name: str, mapping: ColumnMapping, store: ImportStore | PostgisImportStore,
    set_name: str | None = None, progress: Callable[[float, str], None] | None = None, *, by: Actor,
) -> tuple[SetInfo, ImportResult]:
    """Read, check and store a file as ``by``'s; rows that cannot be read are in the result's issues.
    ``NotAllowed`` before the file is read if ``by`` may not import."""
    check(by, Action.IMPORT_SET)
    missing = mapping.missing()
    if missing:
        raise ValueError("choose a column for: " + ", ".join(missing))
    sha = _sha256(data)
    result = ImportResult(file=file_name, frame=pd.DataFrame())  # its frame stays empty: stored as read
    chunks = event_chunks(data, file_name, mapping, result, progress)
    info = store.save_chunks(chunks, result, set_name or Path(file_name).stem, sha, mapping.columns, mapping.fmt, by=by)
    return info, result
