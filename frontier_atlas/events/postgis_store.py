"""Imported event sets in PostgreSQL/PostGIS: the shared-database mode's ``ImportStore``.

The same methods as ``store.ImportStore`` (the Parquet folders of the embedded mode), so
the Import page and the map take either. An import streams the file's chunks into the
``events`` table with ``COPY`` as they are read (the file is never held whole), in one
transaction with the set's row: other sessions see the whole set or none of it. A set
stays in the database; replicas hold none of it in memory (``postgis_query`` asks).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict

import numpy as np
import pandas as pd

from frontier_atlas.data.csvsafe import frame_csv
from frontier_atlas.data.postgres_database import PostgresDatabase, PostgresTransaction
from frontier_atlas.domain.access import Action, Actor, check
from frontier_atlas.domain.viewport import mercator
from frontier_atlas.events.postgis_cube import build_cube
from frontier_atlas.events.postgis_query import DatabaseSet
from frontier_atlas.events.reader import ImportResult
from frontier_atlas.events.store import SetChanged, SetGone, SetInfo, _slug

TEXT = ("event_id", "date_precision", "geo_precision", "event_type", "sub_type", "actor1", "actor2", "country",
        "admin1", "location", "source", "notes")
# the table's columns in the order COPY sends them (``geom`` is computed by the database)
COPIED = ("pos", "event_id", "date_start", "date_end", "date_precision", "latitude", "longitude",
          "geo_precision", "event_type", "sub_type", "actor1", "actor2", "country", "admin1", "location",
          "fatalities", "source", "notes", "source_row", "mx", "my")
DETAIL_COLUMNS = ("event_id", "date_start", "date_end", "date_precision", "latitude", "longitude",
                  "geo_precision", "event_type", "sub_type", "actor1", "actor2", "country", "admin1",
                  "location", "fatalities", "source", "notes", "source_row")


def _text(series: pd.Series) -> pd.Series:
    """A text column in COPY's text format: blanks as "", its four special characters escaped."""
    s = series.astype("string").fillna("")
    for raw, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        s = s.str.replace(raw, escaped, regex=False)
    return s


def copy_block(frame: pd.DataFrame, set_id: str, first_pos: int) -> str:
    """One chunk of events (``reader.EVENT_COLUMNS``) as COPY text lines of set ``set_id``,
    from position ``first_pos``.

    Numbers are written in their shortest exact form (float32 ones as float32), so the
    database holds the very values the in-memory path computes with."""
    lat = frame["latitude"].to_numpy(np.float64)
    lon = frame["longitude"].to_numpy(np.float64)
    mx, my = mercator(lat, lon)
    fat = frame["fatalities"].astype("Int64")
    cols = {
        "set_id": pd.Series([set_id] * len(frame), dtype="string"),
        "pos": pd.Series(np.arange(first_pos, first_pos + len(frame)).astype(str)),
        "date_start": pd.Series(np.datetime_as_string(frame["date_start"].to_numpy("datetime64[D]"))),
        "date_end": pd.Series(np.datetime_as_string(frame["date_end"].to_numpy("datetime64[D]"))),
        "latitude": pd.Series([repr(v) for v in lat.tolist()]),
        "longitude": pd.Series([repr(v) for v in lon.tolist()]),
        "fatalities": pd.Series(fat.astype("string").fillna("\\N").to_numpy()),
        "source_row": pd.Series(frame["row"].astype(np.int64).astype(str).to_numpy()),
        "mx": pd.Series(mx.astype(str)), "my": pd.Series(my.astype(str)),
    }
    for name in TEXT:
        cols[name] = _text(frame[name].reset_index(drop=True))
    parts = [cols[name].reset_index(drop=True) for name in ("set_id", *COPIED)]
    return parts[0].str.cat(parts[1:], sep="\t").str.cat(sep="\n") + "\n" if len(frame) else ""


class PostgisImportStore:
    """Event sets in the database at ``url`` (the user store's), one row each plus their events."""

    def __init__(self, url: str, cube_levels: int | None = None) -> None:
        """``cube_levels``: zooms counted ahead at import whatever they gain (``build_cube``)."""
        self.location = url
        self.db = PostgresDatabase.shared(url)
        self.cube_levels = cube_levels

    def save(self, result: ImportResult, name: str, sha256: str, columns: dict[str, str], fmt: str, *,
             by: Actor) -> SetInfo:
        return self.save_chunks([result.frame], result, name, sha256, columns, fmt, by=by)

    def save_chunks(self, chunks: Iterable[pd.DataFrame], result: ImportResult, name: str, sha256: str,
                    columns: dict[str, str], fmt: str, *, by: Actor) -> SetInfo:
        """Store an import, each chunk sent with COPY as it comes; ``by``'s (``NotAllowed`` below editor)."""
        check(by, Action.IMPORT_SET)
        set_id = f"{_slug(name)}{sha256[:6]}{int(time.time() * 1000) % 100000:05d}"
        columns_sql = ", ".join(COPIED)
        with self.db.connection() as con, con.transaction():  # no write lock: nobody else writes this set
            con.execute("INSERT INTO event_sets (id, info) VALUES (%s, '{}')", (set_id,))
            rows = 0
            with con.cursor().copy(f"COPY events (set_id, {columns_sql}) FROM STDIN") as copy:
                for frame in chunks:
                    if not len(frame):
                        continue
                    copy.write(copy_block(frame, set_id, rows))
                    rows += len(frame)
            first, last, n = con.execute("SELECT min(date_start), max(date_end), count(*) FROM events "
                                         "WHERE set_id = %s", (set_id,)).fetchone()
            info = SetInfo(id=set_id, name=name, file=result.file, fmt=fmt, sha256=sha256, imported_at=time.time(),
                           rows=rows, rejected=result.rejected, notes=result.notes, columns=columns, owner=by.id,
                           date_min=first.isoformat() if rows else None, date_max=last.isoformat() if rows else None)
            cube_zoom = build_cube(PostgresTransaction(con), set_id, n, self.cube_levels)
            con.execute(
                "UPDATE event_sets SET info = %s, issues_csv = %s, n = %s, first_day = %s, last_day = %s, "
                "cube_zoom = %s, "
                "countries = ARRAY(SELECT DISTINCT country COLLATE \"C\" FROM events WHERE set_id = %s ORDER BY 1), "
                "event_types = ARRAY(SELECT DISTINCT event_type COLLATE \"C\" FROM events WHERE set_id = %s "
                "ORDER BY 1) WHERE id = %s",
                (json.dumps(asdict(info)), frame_csv(result.issues_frame()), n, first, last, cube_zoom, set_id, set_id,
                 set_id))
        return info

    def sets(self) -> list[SetInfo]:
        """Every set, newest first (a set being imported is not there until it is whole)."""
        with self.db.read() as tx:
            rows = tx.execute("SELECT info FROM event_sets").fetchall()
        return sorted((SetInfo(**json.loads(r[0])) for r in rows), key=lambda s: -s.imported_at)

    def info(self, set_id: str) -> SetInfo:
        with self.db.read() as tx:
            row = tx.execute("SELECT info FROM event_sets WHERE id = ?", (set_id,)).fetchone()
        if row is None:
            raise SetGone(set_id)
        return SetInfo(**json.loads(row[0]))

    def cache_key(self, info: SetInfo) -> float:
        """The set's version for a cache, from its listing: no query (its row holds it)."""
        return float(info.version)

    def open(self, set_id: str) -> DatabaseSet:
        with self.db.read() as tx:
            row = tx.execute("SELECT info, n, countries, event_types, first_day, last_day, cube_zoom FROM event_sets "
                             "WHERE id = ?", (set_id,)).fetchone()
        if row is None:
            raise KeyError(set_id)
        info = SetInfo(**json.loads(row[0]))
        return DatabaseSet(self.db, info.id, info.name, int(row[1]), list(row[2]), list(row[3]),
                           (row[4], row[5]) if row[4] else None, int(row[6]))

    def issues_csv(self, set_id: str) -> bytes:
        with self.db.read() as tx:
            row = tx.execute("SELECT issues_csv FROM event_sets WHERE id = ?", (set_id,)).fetchone()
        return row[0].encode("utf-8") if row else b""

    def _locked(self, tx, set_id: str, version: int | None) -> SetInfo:
        row = tx.execute("SELECT info FROM event_sets WHERE id = ? FOR UPDATE", (set_id,)).fetchone()
        if row is None:
            raise SetGone(set_id)
        now = SetInfo(**json.loads(row[0]))
        if version is not None and now.version != version:
            raise SetChanged(now)
        return now

    def rename(self, set_id: str, name: str, version: int, *, by: Actor) -> SetInfo:
        """Rename the set if it is still the ``version`` the user saw (``SetChanged``, ``SetGone`` if not)."""
        with self.db.transaction() as tx:
            now = self._locked(tx, set_id, version)
            check(by, Action.CHANGE_SET, now.owner)
            new = SetInfo(**{**asdict(now), "name": name, "version": now.version + 1})
            tx.execute("UPDATE event_sets SET info = ? WHERE id = ?", (json.dumps(asdict(new)), set_id))
        return new

    def delete(self, set_id: str, version: int | None = None, *, by: Actor) -> None:
        """Delete the set and its events, if it is still that version."""
        with self.db.transaction() as tx:
            now = self._locked(tx, set_id, version)
            check(by, Action.CHANGE_SET, now.owner)
            tx.execute("DELETE FROM event_sets WHERE id = ?", (set_id,))  # its events go with it

    def events(self, set_id: str, rows: list[int]) -> pd.DataFrame:
        """Full columns of the events at these positions."""
        with self.db.read() as tx:
            found = tx.execute(f"SELECT pos, {', '.join(DETAIL_COLUMNS)} FROM events WHERE set_id = ? "
                               "AND pos = ANY(?)", (set_id, [int(r) for r in rows])).fetchall()
        if not found and rows:
            raise FileNotFoundError(set_id)  # as the Parquet store says of a deleted set
        by_pos = {r[0]: r[1:] for r in found}
        frame = pd.DataFrame([by_pos[int(r)] for r in rows if int(r) in by_pos], columns=list(DETAIL_COLUMNS))
        frame["fatalities"] = frame["fatalities"].astype("Int32")  # as stored in Parquet: a blank stays blank
        return frame.rename(columns={"source_row": "row"})
