"""The shared engine: the user store in a PostgreSQL database that many app processes use.

One connection pool per process and URL (psycopg 3's ``psycopg_pool``); each connection
is checked as it is taken, so a server that restarted is reconnected to without anyone
doing anything. The tables are brought up to date once, at the first use in a process,
under an advisory lock: replicas starting together wait for each other, and each
migration runs once (``schema``).

A write holds a transaction-scoped advisory lock on the store for its length, the
counterpart of SQLite's ``BEGIN IMMEDIATE``: a version checked at the start of the
write is still current when the change is written. Writes to the user store are a few
per minute per team, so one lock costs nothing worth a finer scheme.
"""

from __future__ import annotations

import atexit
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from frontier_atlas.data import schema
from frontier_atlas.data.database import StoreUnavailable

# advisory lock keys (any bigint, the same in every process)
MIGRATION_LOCK = 0x46410001
WRITE_LOCK = 0x46410002
POOL_SIZE = 8  # connections a process may hold; a page run uses one at a time
WAIT_SECONDS = 5.0  # for a connection, before a page says the database cannot be reached

_shared: dict[str, "PostgresDatabase"] = {}
_shared_lock = threading.Lock()


def describe(url: str) -> str:
    """The database, for messages: host, port and name, never the password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database (its URL could not be read)"
    where = parts.get("host") or "localhost"
    if parts.get("port"):
        where += f":{parts['port']}"
    return f"PostgreSQL database {parts.get('dbname') or '?'} on {where}"


class PostgresTransaction:
    """psycopg's connection with the store's SQL: ``?`` placeholders become ``%s``."""

    def __init__(self, con: psycopg.Connection) -> None:
        self.con = con

    def execute(self, sql: str, args: Iterable[Any] = ()) -> psycopg.Cursor:
        return self.con.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(args))


class PostgresDatabase:
    def __init__(self, url: str) -> None:
        self.url = url
        self.label = describe(url)
        self.notice: str | None = None
        self.pid = os.getpid()
        self._migrated = False
        self._migrating = threading.Lock()
        self.pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, timeout=WAIT_SECONDS, open=True,
                                   check=ConnectionPool.check_connection, name="frontier-atlas-store")

    @classmethod
    def shared(cls, url: str) -> "PostgresDatabase":
        """The process's one engine for ``url``, its tables brought up to date.

        Raises ``StoreUnavailable`` while the server cannot be reached; the next call
        tries again, so an app started before its database comes up by itself."""
        with _shared_lock:
            db = _shared.get(url)
            if db is None or db.pid != os.getpid():  # a forked child must not share its parent's sockets
                db = _shared[url] = cls(url)
        db.migrate()
        return db

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection, outside the store's write lock (an import's long COPY)."""
        try:
            with self.pool.connection() as con:
                yield con
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise StoreUnavailable(f"the {self.label} cannot be reached ({_first_line(exc)})") from exc

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks, in order; returns their numbers."""
        if self._migrated:
            return []
        with self._migrating, self.connection() as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            con.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = {row[0] for row in con.execute("SELECT version FROM schema_migrations")}
            applied = []
            for number, sql in schema.POSTGRES_MIGRATIONS:
                if number not in done:
                    con.execute(sql)
                    con.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (number,))
                    applied.append(number)
            self._migrated = True
            return applied

    @contextmanager
    def transaction(self) -> Iterator[PostgresTransaction]:
        with self.connection() as con, con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield PostgresTransaction(con)

    @contextmanager
    def read(self) -> Iterator[PostgresTransaction]:
        with self.connection() as con, con.transaction():
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")  # one snapshot
            yield PostgresTransaction(con)

    def revision(self) -> tuple:
        # every change to what the atlas shows is logged, so the log's last entry marks it
        with self.read() as tx:
            return (tx.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0],)

    def close(self) -> None:
        self.pool.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def close_all() -> None:
    """Close every pool of the process (at exit, and between tests that drop databases)."""
    with _shared_lock:
        for db in _shared.values():
            db.close()
        _shared.clear()


atexit.register(close_all)
