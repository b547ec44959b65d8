"""The user store's content, to show that a refused write left it exactly as it was.

For a SQLite store that is its file's bytes; for a PostgreSQL store, every table's rows
and every sequence's position (a database's files change under vacuum and hint bits
with no write at all, so its bytes prove nothing either way; its rows and sequences do:
an insert rolled back still moves its sequence)."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg

STORE_FILE = "user-records.sqlite3"


def store_digest(folder: Path) -> str:
    """SHA-256 of the user store in ``folder`` (the app's user folder)."""
    return target_digest(Path(folder) / STORE_FILE)


def target_digest(target: Path | str) -> str:
    """SHA-256 of a store: a SQLite file's path, or a PostgreSQL URL.

    In WAL mode a change is written to the ``-wal`` file first, and any connection's close
    may copy it into the main file (a checkpoint): the bytes move though nothing changed.
    Checkpointing first puts every committed page in the main file and empties the log,
    so equal digests mean equal pages, and a refused write that had touched one would show.
    """
    if isinstance(target, str):
        return hashlib.sha256(repr(_database_content(target)).encode()).hexdigest()
    path = Path(target)
    if path.exists():
        with closing(sqlite3.connect(path, timeout=30)) as con:
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0, "the store stayed busy: no full checkpoint"
    h = hashlib.sha256()
    for p in sorted(path.parent.glob(path.name + "*")):
        if p.name.endswith(("-shm", ".lock")):  # readers' shared index, the openers' lock file: no content
            continue
        if p.name.endswith("-wal") and not p.stat().st_size:
            continue  # an empty log is there while a connection is open, gone when the last closes
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def _database_content(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as con:
        tables = [r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        content = {t: sorted(map(tuple, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        content["(sequences)"] = list(con.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"))
        return content


def store_rows(folder: Path) -> dict[str, list[tuple]]:
    """Every table's rows: what a digest that moved is read against, to say what changed."""
    with closing(sqlite3.connect(Path(folder) / STORE_FILE, timeout=30)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(tuple, con.execute(f"SELECT * FROM {t}"))) for t in tables}
