"""The embedded engine: the user store as one SQLite file in the user folder.

WAL mode, so readers never wait for a writer. A write starts with ``BEGIN IMMEDIATE``,
which takes the file's write lock before the first read. A file found damaged when
opened is moved aside whole, for recovery, and a new one started (``durable``).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

from frontier_atlas.data import schema
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.data.durable import check_database, open_or_set_aside

_UNVERSIONED = ["id", "kind", "data", "source_id", "entered_by", "created", "updated"]  # records before versions


class SQLiteDatabase:
    def __init__(self, path: Path, *, checked: bool = True) -> None:
        self.path = Path(path)
        self.label = self.path.name
        self.notice: str | None = None
        if checked:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _, why = open_or_set_aside(self.path, self._set_up)
            if why:
                self.notice = f"Your saved records could not be read ({why}); a new, empty store was started."

    def _set_up(self) -> None:
        """Raise sqlite3.DatabaseError if the file is damaged or not ours; else bring its tables up to date."""
        with closing(sqlite3.connect(self.path, timeout=30)) as con:  # closed here: a dropped one keeps files open
            old = [c[1] for c in con.execute("PRAGMA table_info(records)")] == _UNVERSIONED
            check_database(con, schema.SQLITE.replace(schema.SQLITE_VERSION_COLUMN, "") if old else schema.SQLITE)
            con.execute("PRAGMA journal_mode=WAL")  # stored in the file: every later connection has it
            with con:
                if old:  # a store from before versions: every record starts at 1
                    con.execute("ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
                con.executescript(schema.SQLITE)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                con.execute("BEGIN IMMEDIATE")
                yield con
                con.execute("COMMIT")
            finally:
                con.close()  # a transaction still open is rolled back
        except sqlite3.OperationalError as exc:  # read-only folder or disk, a lock held past the timeout
            raise StoreUnavailable(f"{self.label} could not be written ({exc})") from exc

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        try:
            con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                con.execute("BEGIN")  # one snapshot for every query of the block
                yield con
            finally:
                con.close()
        except sqlite3.OperationalError as exc:  # no file yet, or one from before a table existed
            raise StoreUnavailable(f"{self.label} could not be read ({exc})") from exc

    def revision(self) -> tuple:
        # the file and its WAL: a commit changes one of them, and reading them costs no query.
        # An empty WAL is no change: opening the store makes one.
        out = []
        for p in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                st = p.stat()
            except OSError:
                out.append(0)
                continue
            out.append(st.st_mtime_ns if st.st_size or p == self.path else 0)
        return tuple(out)
