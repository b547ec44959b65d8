"""Records users add (from articles), kept apart from the curated files.

SQLite in the user data folder, in WAL mode; a save is one transaction, so it is
there whole or not at all. Each record keeps its provenance: the source fields
the user gave, a hash of the article text, who entered it and when. The curated
files in data/ are never written here.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from frontier_atlas.data.durable import check_database, open_or_set_aside
from frontier_atlas.domain.records import RECORD_MODELS, Record, Source

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, article_sha256 TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, source_id TEXT NOT NULL,
    entered_by TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
"""


class UserStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.notice: str | None = None
        _, why = open_or_set_aside(self.path, self._check)
        if why:
            self.notice = f"Your saved records could not be read ({why}); a new, empty store was started."

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def _check(self) -> None:
        """Raise sqlite3.DatabaseError if the file is damaged or not ours; else set it up."""
        with closing(self._connect()) as con:  # closed here: a dropped connection keeps its files open
            check_database(con, SCHEMA)
            con.execute("PRAGMA journal_mode=WAL")  # stored in the file: every later connection has it
            with con:
                con.executescript(SCHEMA)

    def save(self, records: list[Record], source: Source, article: str, entered_by: str | None = None) -> list[str]:
        """Store drafts confirmed by the user, with their source, in one transaction."""
        now = time.time()
        who = entered_by or getpass.getuser()
        digest = hashlib.sha256(article.encode("utf-8")).hexdigest()
        con = self._connect()
        try:
            with con:
                con.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)",
                            (source.id, source.model_dump_json(), digest, now))
                ids = []
                for rec in records:
                    con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (rec.id, rec.kind, rec.model_dump_json(), source.id, who, now, now))
                    ids.append(rec.id)
            return ids
        finally:
            con.close()

    def _execute(self, sql: str, params: tuple) -> None:
        """One statement in its own transaction."""
        con = self._connect()
        try:
            with con:
                con.execute(sql, params)
        finally:
            con.close()

    def update(self, record: Record) -> None:
        self._execute("UPDATE records SET data = ?, updated = ? WHERE id = ?",
                      (record.model_dump_json(), time.time(), record.id))

    def delete(self, record_id: str) -> None:
        self._execute("DELETE FROM records WHERE id = ?", (record_id,))

    def load(self) -> tuple[list[Record], list[Source], dict[str, dict]]:
        """Records, their sources, and each record's provenance."""
        con = self._connect()
        try:
            sources = [Source.model_validate_json(row[0]) for row in con.execute("SELECT data FROM sources")]
            digests = dict(con.execute("SELECT id, article_sha256 FROM sources").fetchall())
            records, provenance = [], {}
            for rid, kind, data, sid, who, created in con.execute(
                    "SELECT id, kind, data, source_id, entered_by, created FROM records ORDER BY created"):
                records.append(RECORD_MODELS[kind].model_validate_json(data))
                provenance[rid] = {"source_id": sid, "entered_by": who, "created": created,
                                   "article_sha256": digests.get(sid)}
            return records, sources, provenance
        finally:
            con.close()

    def used_ids(self) -> set[str]:
        con = self._connect()
        try:
            return {r[0] for r in con.execute("SELECT id FROM records UNION SELECT id FROM sources")}
        finally:
            con.close()


def new_id(name: str, taken: set[str], prefix: str = "user") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "record"
    candidate, n = f"{prefix}-{slug}", 2
    while candidate in taken:
        candidate, n = f"{prefix}-{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def merge_into(ds, store: "UserStore") -> None:
    """Add the user's records and their sources to a loaded dataset, marked as user-added."""
    records, sources, provenance = store.load()
    for src in sources:
        ds.sources.setdefault(src.id, src)
    for rec in records:
        if rec.id in ds.records:
            continue
        ds.records[rec.id] = rec
        ds.origin[rec.id] = ("user records", 0)
        ds.user[rec.id] = provenance[rec.id]


def draft_record(kind: str, fields: dict, record_id: str, source_id: str) -> Record:
    """A reviewed draft as a validated record; raises pydantic's ValidationError if it is not one."""
    clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
    return RECORD_MODELS[kind].model_validate({**clean, "id": record_id, "source_ids": [source_id]})
