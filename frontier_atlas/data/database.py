"""Where the user store keeps its tables: one interface, two engines.

``SQLiteDatabase`` (``sqlite_database``) is a file in the user folder, nothing to run:
the laptop default. ``PostgresDatabase`` (``postgres_database``) is a server many app
processes share, chosen by ``FRONTIER_ATLAS_DATABASE_URL``. The user store's logic
(``userstore``) is written once, in SQL both engines speak: ``?`` placeholders and
``INSERT … ON CONFLICT … DO UPDATE``.

A write is ``with db.transaction() as tx``: the store's write lock is held from the
first statement, so a version read there is still current when the change is written,
and the change is committed whole on leaving the block or not at all.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Iterable, Protocol, Sequence


class StoreUnavailable(Exception):
    """The store cannot be read or written just now: a database server down or out of
    reach, a read-only file, a lock held too long. Nothing was changed; trying again later
    may work. The message is for the user (no password: URLs are shown without it)."""


class Rows(Protocol):
    """What a statement gives back: sqlite3's and psycopg's cursors both are this."""

    def fetchone(self) -> Sequence[Any] | None: ...
    def fetchall(self) -> list[Sequence[Any]]: ...
    def __iter__(self) -> Any: ...


class Transaction(Protocol):
    def execute(self, sql: str, args: Iterable[Any] = ()) -> Rows: ...


class Database(Protocol):
    """An engine the user store runs on."""

    label: str  # where the store is, for messages: a file name, or a server and database
    notice: str | None  # said once to the user, e.g. a damaged file that was moved aside

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A write: the store's write lock, then commit on success, roll back on error."""

    def read(self) -> AbstractContextManager[Transaction]:
        """Reads that see one moment of the store."""

    def revision(self) -> tuple:
        """Changes whenever anything was written: what cached loads are keyed on."""
