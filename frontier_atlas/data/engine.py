"""Which engine a store's location names, opened: the one rule every caller uses."""

from __future__ import annotations

from pathlib import Path

from frontier_atlas.data.database import Database
from frontier_atlas.data.postgres_database import PostgresDatabase
from frontier_atlas.data.sqlite_database import SQLiteDatabase


def is_database_url(target: Path | str) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def open_database(target: Path | str, *, checked: bool = True) -> Database:
    """The engine for ``target``: a PostgreSQL URL, else the path of a SQLite file.

    ``checked=False`` skips the SQLite file's whole-file check, for the reads every page
    run makes (who is signed in); a PostgreSQL store is checked once per process.
    """
    if is_database_url(target):
        return PostgresDatabase.shared(str(target))
    return SQLiteDatabase(Path(target), checked=checked)
