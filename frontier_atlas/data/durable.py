"""Files that survive crashes, concurrent writers and damage.

A crash leaves either the old file or the new one, never half (``atomic_write_text``);
processes that read, change and write back a file take turns (``exclusive_lock``); and
a damaged SQLite file is moved aside intact, for recovery, so a new one can be started
(``open_or_set_aside``). POSIX only (``fcntl``), like the app's deployment.

A write keeps the mode (and, where allowed, owner) of the file it replaces; a new file
gets the mode the umask gives. A file or folder made read-only is left alone: writing
to it raises ``NotWritable``, which names the path, so pages can say so instead of
showing a traceback.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import sqlite3
import stat
import tempfile
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")


class NotWritable(PermissionError):
    """A file or folder the app may not change: read-only, or on a read-only disk.

    A ``PermissionError``, so callers that caught the plain one still do.
    """

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(errno.EACCES, f"{path} {why}", str(path))
        self.path = Path(path)
        self.why = why

    def __str__(self) -> str:
        return f"cannot save {self.path}: it {self.why}"


_REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


def _read_only(path: Path) -> bool:
    """Made read-only by someone: no write bit at all, or not writable by us.

    The mode bits are checked as well as ``os.access`` because root may write anything,
    and a read-only mark still means "do not change this".
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    return not mode & 0o222 or not os.access(path, os.W_OK)


def _check_writable(path: Path) -> None:
    """Raise ``NotWritable`` unless ``path`` may be replaced; its folder is made if missing."""
    existing = next(p for p in path.parents if p.exists())
    if existing != path.parent and _read_only(existing):  # no folders made in a read-only one
        raise NotWritable(path, f"is in a read-only folder ({existing})")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in _REFUSED:
            raise NotWritable(path, f"needs a folder that cannot be made ({os.strerror(exc.errno)})") from exc
        raise
    if _read_only(path.parent):
        raise NotWritable(path, "is in a read-only folder")
    if _read_only(path):
        raise NotWritable(path, "is read-only")


def _umask() -> int:
    """The process umask, read without changing it (``os.umask`` sets it, racing other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _match_replaced(fd: int, path: Path) -> None:
    """Give the temp file the mode of the file it will replace, or a new file's normal mode.

    ``mkstemp`` makes it 0600, which would hide a shared file from the team's other users.
    """
    try:
        old = os.stat(path)
    except FileNotFoundError:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except PermissionError:
            pass  # only root may give a file away; the mode is kept all the same


def _remove_dead_temps(path: Path) -> None:
    """Delete temp files of ``path`` left by writers that died (killed, power cut).

    A live writer holds a lock on its temp file until it has renamed it, and the
    kernel drops the lock when a process dies, so a temp file we can lock is garbage.
    """
    for tmp in glob.glob(os.path.join(glob.escape(str(path.parent)), f".{glob.escape(path.name)}.*.tmp")):
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            Path(tmp).unlink(missing_ok=True)
        except BlockingIOError:
            pass  # its writer is alive
        finally:
            os.close(fd)


def _locked_temp(path: Path) -> tuple[int, str]:
    """A new temp file beside ``path``, locked as ours (see ``_remove_dead_temps``)."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            return fd, tmp
        os.close(fd)  # another writer's cleanup took it before we locked it: take another


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename over it.

    Temp files of writers that died are removed first, so kills do not pile them up.
    Raises ``NotWritable`` for a read-only file or folder, or a read-only disk.
    """
    path = Path(path)
    _check_writable(path)
    _remove_dead_temps(path)
    try:
        fd, tmp = _locked_temp(path)
    except OSError as exc:
        if exc.errno in _REFUSED:
            raise NotWritable(path, f"cannot be written ({os.strerror(exc.errno)})") from exc
        raise
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            _match_replaced(f.fileno(), path)
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, path)  # still locked: no cleanup can remove it before the rename
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in _REFUSED:
            raise NotWritable(path, f"cannot be written ({os.strerror(exc.errno)})") from exc
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` while changing ``path``.

    For read-modify-write cycles by several processes (two users pinning at once):
    without it, the second writer's rename drops the first one's change. The lock
    is on a sibling file because the atomic rename replaces ``path`` itself.
    """
    path = Path(path)
    lock = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if exc.errno not in _REFUSED:
            raise
        try:  # a read-only lock file still locks; without one, nothing here can be written
            fd = os.open(lock, os.O_RDONLY)
        except OSError:
            raise NotWritable(path, f"cannot be locked for writing ({os.strerror(exc.errno)})") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


class DamagedDatabase(sqlite3.DatabaseError):
    """A readable SQLite file that is not ours: our tables with other columns."""


def check_database(con: sqlite3.Connection, schema: str) -> None:
    """Raise unless every page of the file reads back and the tables of ``schema`` it
    has (a new file has none yet) have the columns ``schema`` gives them.

    Run before changing anything, so a file set aside is as it was found.
    ``quick_check`` reads the whole file (a truncated one fails here rather than on
    some later query); the columns catch a valid database of another shape, which
    would otherwise fail on the first insert.
    """
    problems = [row[0] for row in con.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise DamagedDatabase("; ".join(problems[:3]))
    with closing(sqlite3.connect(":memory:")) as ref:
        ref.executescript(schema)
        tables = [row[0] for row in ref.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:  # names only: a type or constraint of ours changing is no damage
            want = [c[1] for c in ref.execute(f"PRAGMA table_info({table})")]
            got = [c[1] for c in con.execute(f"PRAGMA table_info({table})")]
            if got and got != want:
                raise DamagedDatabase(f"table {table} has columns {got}, expected {want}")


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Damage, not a passing condition: a busy or locked database must never be moved aside."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # primary code of an extended one
    return isinstance(exc, DamagedDatabase) or code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def move_aside(path: Path) -> Path:
    """Rename a damaged database, with its -wal and -shm, to ``<stem>.corrupt-<time>``.

    The -wal goes along because it may hold the newest pages (SQLite finds it by name,
    so the copy opens with it), and because a new database must not replay it. A name
    already taken gets a counter: an earlier damaged file is never overwritten.
    """
    path = Path(path)
    stamp = int(time.time())
    aside, n = path.with_suffix(f".corrupt-{stamp}"), 2
    while aside.exists():
        aside, n = path.with_suffix(f".corrupt-{stamp}-{n}"), n + 1
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(aside.with_name(aside.name + suffix))
    path.rename(aside)
    return aside


def open_or_set_aside(path: Path, open_db: Callable[[], T]) -> tuple[T, str | None]:
    """``open_db()``; if the file is damaged, move it aside and open a new one.

    One process at a time (``exclusive_lock``): several creating the file at once
    race to switch it to WAL, and one could move aside the new file another just made.
    Returns what ``open_db`` returned and, when the file was moved, a sentence part
    saying why and where to, for the user.
    """
    with exclusive_lock(path):
        try:
            return open_db(), None
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            aside = move_aside(path)
            return open_db(), f"{exc}; the file was moved to {aside.name}"
