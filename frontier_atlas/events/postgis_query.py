"""The map's questions about an imported set, answered by PostgreSQL/PostGIS.

``DatabaseSet`` is a set as the sidebar and the details panel see it (its name, span,
countries and types, one event's fields), read from the set's row and its events.
``DatabaseView`` is that set under the filters: the same filters as
``EventSet.mask`` (dates, countries, types, text) as one ``WHERE``, and the map's
counts as SQL over it, only for what is in view. The grid is the one ``grid.cell_keys``
draws: ``floor(mx / size)`` in ``real`` over the stored float32 plane coordinates, so
both paths put every event in the same cell.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from frontier_atlas.data.postgres_database import PostgresDatabase
from frontier_atlas.domain.calendar import EPOCH, clamp_span
from frontier_atlas.domain.viewport import Bounds, Viewport
from frontier_atlas.events.eventset import SEARCHED
from frontier_atlas.events.grid import Cells, cell_size
from frontier_atlas.events.view import POINT_COLUMNS, CellSummary

DAY = f"DATE '{EPOCH.isoformat()}'"  # day numbers count from here, as in memory
CELL_X = "floor((mx / ?::real)::float8)::bigint"
CELL_Y = "floor((my / ?::real)::float8)::bigint"


def _area(area: Viewport) -> tuple[str, list[Any]]:
    """``Viewport.contains`` as SQL: the index's box test, then the exact comparisons."""
    lat = "latitude >= ? AND latitude <= ?"
    if area.east - area.west >= 360:
        return lat, [area.south, area.north]
    west = (area.west + 180) % 360 - 180
    east = (area.east + 180) % 360 - 180
    box = "geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)"
    if west <= east:
        return (f"{box} AND {lat} AND longitude >= ? AND longitude <= ?",
                [west, area.south, east, area.north, area.south, area.north, west, east])
    return (f"({box} OR {box}) AND {lat} AND (longitude >= ? OR longitude <= ?)",
            [west, area.south, 180.0, area.north, -180.0, area.south, east, area.north,
             area.south, area.north, west, east])


def _cell_box(zoom: int, ix: int, iy: int) -> tuple[float, float, float, float]:
    """West, south, east, north of a grid cell, a little larger: the index's first cut."""
    size = cell_size(zoom)

    def lat(y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))

    pad = size * 0.01
    return ((ix * size - pad) * 360 - 180, lat((iy + 1) * size + pad), ((ix + 1) * size + pad) * 360 - 180,
            lat(iy * size - pad))


class DatabaseSet:
    def __init__(self, db: PostgresDatabase, set_id: str, name: str, n: int, countries: list[str],
                 event_types: list[str], span: tuple[date, date] | None) -> None:
        self.db, self.id, self.name, self.n = db, set_id, name, n
        self._countries, self._types, self._span = countries, event_types, span

    @property
    def span(self) -> tuple[date, date] | None:
        return clamp_span(self._span) if self.n else None

    def countries(self) -> list[str]:
        return list(self._countries)

    def event_types(self) -> list[str]:
        return list(self._types)

    def describe(self, i: int) -> dict:
        """One event's fields, as ``EventSet.describe`` gives them."""
        names = (*SEARCHED, "country", "date_precision", "geo_precision")
        with self.db.read() as tx:
            row = tx.execute(f"SELECT date_start, date_end, latitude, longitude, fatalities, {', '.join(names)} "
                             "FROM events WHERE set_id = ? AND pos = ?", (self.id, int(i))).fetchone()
        if row is None:
            raise IndexError(i)
        return {"date_start": row[0], "date_end": row[1], "lat": float(row[2]), "lon": float(row[3]),
                "fatalities": row[4], **dict(zip(names, row[5:]))}

    def filtered(self, date_from: date | None = None, date_to: date | None = None,
                 countries: frozenset[str] = frozenset(), event_types: frozenset[str] = frozenset(),
                 query: str = "") -> "DatabaseView":
        """The set under the filters (``EventSet.mask``'s rule), as a ``WHERE``."""
        where, args = ["set_id = ?"], [self.id]
        if date_from is not None:
            where.append("date_end >= ?")
            args.append(date_from)
        if date_to is not None:
            where.append("date_start <= ?")
            args.append(date_to)
        if countries:
            where.append("country = ANY(?)")
            args.append(sorted(countries))
        if event_types:
            where.append("event_type = ANY(?)")
            args.append(sorted(event_types))
        if query.strip():
            needle = query.strip().lower()
            where.append("(" + " OR ".join(f"strpos(lower({name}), ?) > 0" for name in SEARCHED) + ")")
            args.extend([needle] * len(SEARCHED))
        return DatabaseView(self, " AND ".join(where), args)


class DatabaseView:
    """A set under the filters; every answer is one query, bounded by the view."""

    def __init__(self, es: DatabaseSet, where: str, args: list[Any]) -> None:
        self.es, self.where, self.args = es, where, args
        self.set_id, self.set_name = es.id, es.name
        self._matched: int | None = None

    def _rows(self, sql: str, args: list[Any]) -> list[tuple]:
        with self.es.db.read() as tx:
            return tx.execute(sql, args).fetchall()

    def event_types(self) -> list[str]:
        return self.es.event_types()

    def matched(self) -> int:
        if self._matched is None:  # asked by the count line and the layer in one page run
            self._matched = int(self._rows(f"SELECT count(*) FROM events WHERE {self.where}", self.args)[0][0])
        return self._matched

    def count_in(self, area: Viewport) -> int:
        sql, args = _area(area)
        return int(self._rows(f"SELECT count(*) FROM events WHERE {self.where} AND {sql}", self.args + args)[0][0])

    def points(self, area: Viewport) -> pd.DataFrame:
        sql, args = _area(area)
        rows = self._rows(
            f"SELECT latitude, longitude, event_type, location, date_start - {DAY}, date_end - {DAY}, "
            f"fatalities, pos, geo_precision FROM events WHERE {self.where} AND {sql} ORDER BY pos",
            self.args + args)
        frame = pd.DataFrame(rows, columns=list(POINT_COLUMNS))
        frame["fatalities"] = pd.to_numeric(frame["fatalities"], errors="coerce").astype(np.float32)
        return frame

    def cells(self, area: Viewport, zoom: int) -> Cells:
        sql, args = _area(area)
        size = cell_size(zoom)
        rows = self._rows(
            f"SELECT {CELL_X} AS ix, {CELL_Y} AS iy, count(*), sum(latitude), sum(longitude), "
            f"coalesce(sum(fatalities), 0) FROM events WHERE {self.where} AND {sql} GROUP BY 1, 2 ORDER BY 1, 2",
            [size, size] + self.args + args)
        if not rows:
            return Cells.empty(zoom)
        cols = list(zip(*rows))
        return Cells(zoom, np.array(cols[0], np.int64), np.array(cols[1], np.int64), np.array(cols[2], np.int64),
                     np.array(cols[3], np.float64), np.array(cols[4], np.float64), np.array(cols[5], np.float64))

    def bounds(self) -> Bounds | None:
        """The middle 90 % on each axis (every position below ten), as ``middle_bounds``."""
        n, s, w, nn, e, s5, w5, n95, e95 = self._rows(
            "SELECT count(*), min(latitude), min(longitude), max(latitude), max(longitude), "
            "percentile_disc(0.05) WITHIN GROUP (ORDER BY latitude), "
            "percentile_disc(0.05) WITHIN GROUP (ORDER BY longitude), "
            "percentile_disc(0.95) WITHIN GROUP (ORDER BY latitude), "
            f"percentile_disc(0.95) WITHIN GROUP (ORDER BY longitude) FROM events WHERE {self.where}",
            self.args)[0]
        if not n:
            return None
        return (float(s), float(w), float(nn), float(e)) if n < 10 else (float(s5), float(w5), float(n95), float(e95))

    def cell_summary(self, zoom: int, ix: int, iy: int) -> CellSummary:
        size = cell_size(zoom)
        where = (f"{self.where} AND geom && ST_MakeEnvelope(?, ?, ?, ?, 4326) "
                 f"AND {CELL_X} = ? AND {CELL_Y} = ?")
        args = self.args + list(_cell_box(zoom, ix, iy)) + [size, ix, size, iy]
        with self.es.db.read() as tx:
            head = tx.execute(
                f"SELECT count(*), coalesce(sum(fatalities), 0), min(date_start) - {DAY}, max(date_end) - {DAY}, "
                f"min(latitude), min(longitude), max(latitude), max(longitude) FROM events WHERE {where}",
                args).fetchone()
            if not head[0]:
                return CellSummary(0, 0.0, None, None, None, {})
            shown = "CASE WHEN {0} = '' THEN '(not given)' ELSE {0} END"
            tallies = {}
            for name, expr in (("event_type", shown.format("event_type")), ("country", shown.format("country")),
                               ("year", "extract(year FROM date_start)::int::text"),
                               ("location", shown.format("location"))):
                tallies[name] = tx.execute(
                    f"SELECT {expr} AS value, count(*), coalesce(sum(fatalities), 0), min(pos) FROM events "
                    f"WHERE {where} GROUP BY 1", args).fetchall()
            tallies["actor"] = tx.execute(
                f"SELECT actor, count(*), coalesce(sum(fatalities), 0), min(pos) FROM ("
                f"SELECT actor1 AS actor, fatalities, pos FROM events WHERE {where} AND actor1 <> '' UNION ALL "
                f"SELECT actor2, fatalities, pos FROM events WHERE {where} AND actor2 <> '') AS named GROUP BY 1",
                args + args).fetchall()
        frames = {name: pd.DataFrame(rows, columns=["value", "events", "fatalities", "first"]).astype(
            {"events": np.int64, "fatalities": np.float64, "first": np.int64}) for name, rows in tallies.items()}
        count, fat, first, last, s, w, n, e = head
        return CellSummary(int(count), float(fat), int(first), int(last), (s, w, n, e), frames)
