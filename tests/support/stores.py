"""The user store as bytes, to show that a refused write left it exactly as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path


def store_digest(folder: Path) -> str:
    """SHA-256 of the user store's file after a full checkpoint.

    In WAL mode a change is written to the ``-wal`` file first, and any connection's close
    may copy it into the main file (a checkpoint): the bytes move though nothing changed.
    Checkpointing first puts every committed page in the main file and empties the log,
    so equal digests mean equal pages, and a refused write that had touched one would show.
    """
    path = Path(folder) / "user-records.sqlite3"
    if path.exists():
        with closing(sqlite3.connect(path, timeout=30)) as con:
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            assert busy == 0, "the store stayed busy: no full checkpoint"
    h = hashlib.sha256()
    for p in sorted(Path(folder).glob("user-records.sqlite3*")):
        if p.name.endswith("-shm"):  # shared memory index: rebuilt by readers, not content
            continue
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def store_rows(folder: Path) -> dict[str, list[tuple]]:
    """Every table's rows: what a digest that moved is read against, to say what changed."""
    with closing(sqlite3.connect(Path(folder) / "user-records.sqlite3", timeout=30)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(tuple, con.execute(f"SELECT * FROM {t}"))) for t in tables}
