"""Imported event sets on disk: one folder per set in the user data folder.

``events.parquet`` holds the events (columnar, compressed, row groups of 64k so one
event's details are read without reading the file), ``meta.json`` what was imported
from where, ``issues.csv`` the rows that could not be read. A set is written to a
temporary folder and renamed into place, so it is there whole or not at all. The
curated data is never written here.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from frontier_atlas.data.csvsafe import frame_csv, write_csv
from frontier_atlas.data.durable import atomic_write_text, exclusive_lock
from frontier_atlas.domain.access import Action, Actor, check
from frontier_atlas.events.eventset import EventSet
from frontier_atlas.events.reader import EVENT_COLUMNS, ImportResult

ROW_GROUP = 65_536
GUARDED = "issues.guarded"  # present when issues.csv was written spreadsheet-safe


@dataclass
class SetInfo:
    id: str
    name: str
    file: str
    fmt: str
    sha256: str
    imported_at: float
    rows: int
    rejected: int
    date_min: str | None = None
    date_max: str | None = None
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # our field -> source column
    version: int = 1  # one more on each rename; a set stored before versions is version 1
    owner: str = ""  # who imported it (``Actor.id``); "" for a set stored before owners: nobody's own


class SetGone(KeyError):
    """The set was deleted (by another session) before this change reached it."""

    def __str__(self) -> str:
        return f"the set {self.args[0]} was deleted meanwhile"


class SetChanged(Exception):
    """The set changed since the page showed it: ``now`` is what it is now, for the user to see."""

    def __init__(self, now: SetInfo) -> None:
        super().__init__(f"the set was changed meanwhile: it is now {now.name!r} (version {now.version})")
        self.now = now


def _write_events(chunks: Iterable[pd.DataFrame], path: Path) -> tuple[int, pd.Timestamp, pd.Timestamp]:
    """Write the chunks to one Parquet file, each as it comes; (rows, first start, last end)."""
    writer, schema, rows = None, None, 0
    first = last = None
    try:
        for frame in chunks:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if writer is None:
                # one dictionary type for every chunk: each chunk's own categories (and their
                # count, which sets the index width) differ
                schema = pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), pa.large_string()))
                                    if pa.types.is_dictionary(f.type) else f for f in table.schema],
                                   metadata=table.schema.metadata)
                writer = pq.ParquetWriter(path, schema, compression="zstd")
            if not len(frame):
                continue
            writer.write_table(table.cast(schema), row_group_size=ROW_GROUP)
            rows += len(frame)
            lo, hi = frame["date_start"].min(), frame["date_end"].max()
            first = lo if first is None else min(first, lo)
            last = hi if last is None else max(last, hi)
        if writer is None:  # no chunk at all: an empty set of our columns
            pq.write_table(pa.Table.from_pandas(pd.DataFrame(columns=list(EVENT_COLUMNS)), preserve_index=False),
                           path)
    finally:
        if writer is not None:
            writer.close()
    return rows, first, last


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:16] or "set"


class ImportStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.location: Path | str = self.folder  # what ``open_import_store`` opens again (a job's process)

    def save(self, result: ImportResult, name: str, sha256: str, columns: dict[str, str], fmt: str, *,
             by: Actor) -> SetInfo:
        """Store a file read whole (``read_events``); returns its description."""
        return self.save_chunks([result.frame], result, name, sha256, columns, fmt, by=by)

    def save_chunks(self, chunks: Iterable[pd.DataFrame], result: ImportResult, name: str, sha256: str,
                    columns: dict[str, str], fmt: str, *, by: Actor) -> SetInfo:
        """Store an import once, writing each chunk as it comes (``reader.event_chunks``), so a large
        file is never held whole; ``result`` is complete once they are all taken. Returns its
        description; re-importing makes a new set. The set is ``by``'s (``NotAllowed`` below editor)."""
        check(by, Action.IMPORT_SET)
        self.folder.mkdir(parents=True, exist_ok=True)
        set_id = f"{_slug(name)}{sha256[:6]}{int(time.time() * 1000) % 100000:05d}"
        self._sweep()
        tmp = self.folder / f".tmp-{set_id}-{os.getpid()}"
        tmp.mkdir()
        try:
            rows, first, last = _write_events(chunks, tmp / "events.parquet")
            info = SetInfo(
                id=set_id, name=name, file=result.file, fmt=fmt, sha256=sha256, imported_at=time.time(),
                rows=rows, rejected=result.rejected, notes=result.notes, columns=columns, owner=by.id,
                date_min=str(first.date()) if rows else None, date_max=str(last.date()) if rows else None,
            )
            # spreadsheet-safe: rejected rows are raw cells from someone else's file
            (tmp / "issues.csv").write_text(frame_csv(result.issues_frame()), encoding="utf-8", newline="")
            (tmp / GUARDED).write_bytes(b"")
            (tmp / "meta.json").write_text(json.dumps(asdict(info), indent=1), encoding="utf-8")
            for part in tmp.iterdir():
                with part.open("rb") as f:
                    os.fsync(f.fileno())
            os.replace(tmp, self.folder / set_id)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return info

    def _sweep(self) -> None:
        """Remove what a stopped writer left: a half-written set whose process has gone (an
        import cancelled or killed at its limit) and a deleted set's folder not yet removed."""
        for part in self.folder.glob(".tmp-*"):
            pid = part.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(part, ignore_errors=True)
        for part in self.folder.glob(".del-*"):
            shutil.rmtree(part, ignore_errors=True)

    def sets(self) -> list[SetInfo]:
        """Every complete set, newest first; half-written folders are skipped."""
        out = []
        if not self.folder.is_dir():
            return out
        for meta in self.folder.glob("*/meta.json"):
            if meta.parent.name.startswith("."):
                continue
            try:
                out.append(SetInfo(**json.loads(meta.read_text(encoding="utf-8"))))
            except (ValueError, TypeError):
                continue  # unreadable description: not offered
        return sorted(out, key=lambda s: -s.imported_at)

    def path(self, set_id: str) -> Path:
        if not re.fullmatch(r"[a-z0-9]+", set_id):
            raise KeyError(set_id)
        return self.folder / set_id / "events.parquet"

    def cache_key(self, info: SetInfo) -> float:
        """The set's version for a cache: its folder's time, which changes when it is replaced."""
        return self.path(info.id).stat().st_mtime

    def open(self, set_id: str) -> EventSet:
        info = next((s for s in self.sets() if s.id == set_id), None)
        if info is None:
            raise KeyError(set_id)
        return EventSet.from_parquet(self.path(set_id), info.id, info.name)

    def issues_csv(self, set_id: str) -> bytes:
        """The rows not read, as spreadsheet-safe CSV.

        A listing stored before the guard existed is guarded on the way out (guarding is
        idempotent); one written guarded is read as is, so a big listing costs no CSV work
        on every page run.
        """
        path = self.path(set_id).with_name("issues.csv")
        if not path.exists():
            return b""
        if path.with_name(GUARDED).exists():
            return path.read_bytes()
        with path.open(encoding="utf-8", errors="replace", newline="") as f:  # a CR in a cell stays a CR
            rows = csv.reader(f)
            header = next(rows, None)
            return write_csv(header, rows).encode("utf-8") if header else b""

    def info(self, set_id: str) -> SetInfo:
        """The set as stored now; ``SetGone`` if it is not there."""
        try:
            return SetInfo(**json.loads((self.path(set_id).parent / "meta.json").read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise SetGone(set_id) from None

    def _checked(self, set_id: str, version: int | None) -> SetInfo:
        now = self.info(set_id)
        if version is not None and now.version != version:
            raise SetChanged(now)
        return now

    def rename(self, set_id: str, name: str, version: int, *, by: Actor) -> SetInfo:
        """Rename the set if it is still the ``version`` the user saw (``SetChanged``, ``SetGone`` if not)."""
        with exclusive_lock(self.folder / ".sets"):
            now = self._checked(set_id, version)
            check(by, Action.CHANGE_SET, now.owner)
            new = SetInfo(**{**asdict(now), "name": name, "version": now.version + 1})
            atomic_write_text(self.path(set_id).parent / "meta.json", json.dumps(asdict(new), indent=1))
        return new

    def delete(self, set_id: str, version: int | None = None, *, by: Actor) -> None:
        """Delete the set; with ``version``, only if it is still that version (``SetChanged``,
        ``SetGone`` if not), so nobody deletes a set changed after they last saw it."""
        with exclusive_lock(self.folder / ".sets"):
            now = self._checked(set_id, version)
            check(by, Action.CHANGE_SET, now.owner)
            folder = self.path(set_id).parent
            aside = folder.with_name(f".del-{set_id}")
            os.replace(folder, aside)  # gone from the list at once, then removed
        shutil.rmtree(aside, ignore_errors=True)

    def events(self, set_id: str, rows: list[int]) -> pd.DataFrame:
        """Full columns of the events at these positions, reading only their row groups."""
        pf = pq.ParquetFile(self.path(set_id))
        starts = np.cumsum([0] + [pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)])
        parts = []
        for pos in rows:
            group = int(np.searchsorted(starts, int(pos), side="right")) - 1  # groups differ in size by chunk
            parts.append(pf.read_row_group(group).slice(int(pos) - int(starts[group]), 1).to_pandas())
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

