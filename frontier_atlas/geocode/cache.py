"""A persistent geocoding cache: SQLite in the user data folder.

Keyed on the normalised query and its country hint. Each entry remembers which
provider answered and against which version of our curated gazetteer, so an
offline answer is recomputed when the gazetteer changes while an online answer is
kept: Nominatim is never asked the same thing twice.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from frontier_atlas.data.durable import check_database, open_or_set_aside
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.names import iso2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS geocode (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    data_version TEXT NOT NULL,
    position TEXT,            -- JSON of Position, NULL for "no such place"
    created REAL NOT NULL
)
"""


def cache_key(query: str, country: str | None) -> str:
    return f"{normalise(query)}|{iso2(country) or ''}"


class CacheEntry:
    __slots__ = ("provider", "data_version", "position")

    def __init__(self, provider: str, data_version: str, position: Position | None):
        self.provider = provider
        self.data_version = data_version
        self.position = position


class GeocodeCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.notice: str | None = None
        # A damaged cache is moved aside and rebuilt; it only ever held derived data.
        self._con, why = open_or_set_aside(self.path, self._open)
        if why:
            self.notice = f"The geocoding cache was unreadable ({why}); it was rebuilt."

    def _open(self) -> sqlite3.Connection:
        """The connection, tables created; raises sqlite3.DatabaseError if the file is damaged."""
        con = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        try:
            check_database(con, _SCHEMA)
            con.execute("PRAGMA journal_mode=WAL")
            with con:
                con.execute(_SCHEMA)
        except BaseException:
            con.close()
            raise
        return con

    def get(self, query: str, country: str | None) -> CacheEntry | None:
        with self._lock:
            row = self._con.execute(
                "SELECT provider, data_version, position FROM geocode WHERE key = ?",
                (cache_key(query, country),),
            ).fetchone()
        if row is None:
            return None
        provider, version, blob = row
        return CacheEntry(provider, version, Position.from_dict(json.loads(blob)) if blob else None)

    def put(self, query: str, country: str | None, provider: str, data_version: str,
            position: Position | None) -> None:
        blob = json.dumps(position.to_dict(), ensure_ascii=False) if position else None
        with self._lock, self._con:
            self._con.execute(
                "INSERT OR REPLACE INTO geocode VALUES (?, ?, ?, ?, ?)",
                (cache_key(query, country), provider, data_version, blob, time.time()),
            )

    def forget(self, query: str) -> None:
        """Drop every entry for a name (all country hints), e.g. after a user pins it."""
        prefix = normalise(query) + "|"
        with self._lock, self._con:
            self._con.execute("DELETE FROM geocode WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))

    def __len__(self) -> int:
        with self._lock:
            return self._con.execute("SELECT count(*) FROM geocode").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._con.close()
