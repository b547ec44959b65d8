"""The map's questions about an imported set, answered by PostgreSQL/PostGIS.

``DatabaseSet`` is a set as the sidebar and the details panel see it (its name, span,
countries and types, one event's fields), read from the set's row and its events.
``DatabaseView`` is that set under the filters: the same filters as
``EventSet.mask`` (dates, countries, types, text) as one ``WHERE``, and the map's
counts as SQL over it, only for what is in view. The grid is the one ``grid.cell_keys``
draws: ``floor(mx / size)`` in ``real`` over the stored float32 plane coordinates, so
both paths put every event in the same cell. At the low zooms the cells are summed from
the counts made at import (``postgis_cube``) plus the few events they cannot place.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from threading import Lock
from typing import Any

import numpy as np
import pandas as pd

from frontier_atlas.data.postgres_database import PostgresDatabase
from frontier_atlas.domain.calendar import EPOCH, clamp_span
from frontier_atlas.domain.viewport import Bounds, Viewport
from frontier_atlas.events.eventset import SEARCHED
from frontier_atlas.events.grid import CellRange, Cells, cell_range, cell_size, merge_cells
from frontier_atlas.events.postgis_cube import CELL_X, CELL_Y, DateCut
from frontier_atlas.events.view import POINT_COLUMNS, CellSummary

DAY = f"DATE '{EPOCH.isoformat()}'"  # day numbers count from here, as in memory
MATCHED_KEPT = 512  # counts per set and filter kept by the process (a set's events never change)
_matched: OrderedDict[tuple, int] = OrderedDict()
_matched_lock = Lock()


def forget_counts() -> None:
    """Drop the counts kept per set and filter (a benchmark times a filter's first view)."""
    with _matched_lock:
        _matched.clear()


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


def _in_range(cells: CellRange, x: str, y: str, lead: list[Any]) -> tuple[str, list[Any]]:
    """``CellRange.keeps`` as SQL over cell expressions ``x`` and ``y``, each taking ``lead``'s
    arguments before its bounds (the cube's columns take none, the events' a cell size)."""
    sql, args = [f"{y} BETWEEN ? AND ?"], [*lead, *cells.rows]
    if cells.columns is not None:
        sql.append("(" + " OR ".join(f"{x} BETWEEN ? AND ?" for _ in cells.columns) + ")")
        args += [v for span in cells.columns for v in (*lead, *span)]
    return " AND ".join(sql), args


def _cube_cells(cells: CellRange) -> tuple[str, list[Any]]:
    return _in_range(cells, "ix", "iy", [])


def _event_cells(cells: CellRange) -> tuple[str, list[Any]]:
    """The events of a cell range: the index's box around it, then the cells' own rule."""
    zoom, size = cells.zoom, cell_size(cells.zoom)
    top, bottom = cells.rows
    north = 90.0 if top <= 0 else _cell_box(zoom, 0, top)[3]
    south = -90.0 if (bottom + 1) * size >= 1 else _cell_box(zoom, 0, bottom)[1]
    spans = [(-180.0, 180.0)] if cells.columns is None else [
        (max(-180.0, _cell_box(zoom, lo, 0)[0]), min(180.0, _cell_box(zoom, hi, 0)[2])) for lo, hi in cells.columns]
    boxes = "(" + " OR ".join("geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)" for _ in spans) + ")"
    keys, args = _in_range(cells, CELL_X, CELL_Y, [size])
    return f"{boxes} AND {keys}", [v for west, east in spans for v in (west, south, east, north)] + args


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
                 event_types: list[str], span: tuple[date, date] | None, cube_zoom: int = -1) -> None:
        self.db, self.id, self.name, self.n = db, set_id, name, n
        self._countries, self._types, self._span = countries, event_types, span
        self.cube_zoom = cube_zoom  # counted ahead up to this zoom (``postgis_cube``)

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
        """The set under the filters (``EventSet.mask``'s rule)."""
        return DatabaseView(self, Filter(date_from, date_to, frozenset(countries), frozenset(event_types),
                                         query.strip().lower()))


@dataclass(frozen=True)
class Filter:
    date_from: date | None
    date_to: date | None
    countries: frozenset[str]
    event_types: frozenset[str]
    query: str  # stripped, lower case

    def _kinds(self) -> tuple[list[str], list[Any]]:
        where, args = [], []
        if self.countries:
            where.append("country = ANY(?)")
            args.append(sorted(self.countries))
        if self.event_types:
            where.append("event_type = ANY(?)")
            args.append(sorted(self.event_types))
        return where, args

    def events(self, set_id: str) -> tuple[str, list[Any]]:
        """The filter as a ``WHERE`` over the events table."""
        where, args = ["set_id = ?"], [set_id]
        if self.date_from is not None:
            where.append("date_end >= ?")
            args.append(self.date_from)
        if self.date_to is not None:
            where.append("date_start <= ?")
            args.append(self.date_to)
        kinds, more = self._kinds()
        where += kinds
        args += more
        if self.query:
            where.append("(" + " OR ".join(f"strpos(lower({name}), ?) > 0" for name in SEARCHED) + ")")
            args.extend([self.query] * len(SEARCHED))
        return " AND ".join(where), args

    def cube(self, set_id: str, zoom: int, possible: bool = False) -> tuple[str, list[Any]]:
        """The filter over the cube's rows at ``zoom`` that hold only events it keeps, or
        (``possible``) that may hold one."""
        dates, dates_args = DateCut(self.date_from, self.date_to).rows(possible)
        kinds, more = self._kinds()
        return " AND ".join(["set_id = ?", "zoom = ?", dates, *kinds]), [set_id, zoom, *dates_args, *more]

    def left_over(self) -> tuple[str, list[Any]] | None:
        """Events the cube cannot place (``DateCut.uncertain``), as more of a ``WHERE``."""
        return DateCut(self.date_from, self.date_to).uncertain()

    @property
    def empty(self) -> bool:
        return self == Filter(None, None, frozenset(), frozenset(), "")


def _cells(rows: list[tuple], zoom: int) -> Cells:
    if not rows:
        return Cells.empty(zoom)
    cols = list(zip(*rows))
    return Cells(zoom, np.array(cols[0], np.int64), np.array(cols[1], np.int64), np.array(cols[2], np.int64),
                 np.array(cols[3], np.float64), np.array(cols[4], np.float64), np.array(cols[5], np.float64))


class DatabaseView:
    """A set under the filters; every answer is one query or two, bounded by the view."""

    def __init__(self, es: DatabaseSet, chosen: Filter) -> None:
        self.es, self.chosen = es, chosen
        self.where, self.args = chosen.events(es.id)
        self.set_id, self.set_name = es.id, es.name

    def _rows(self, sql: str, args: list[Any]) -> list[tuple]:
        with self.es.db.read() as tx:
            return tx.execute(sql, args).fetchall()

    def _cube_zoom(self, zoom: int) -> bool:
        """Whether this zoom's cells come from the counts made at import."""
        return zoom <= self.es.cube_zoom and not self.chosen.query

    def event_types(self) -> list[str]:
        return self.es.event_types()

    def matched(self) -> int:
        """Events the filters keep: counted once per set and filter in the process, since a
        set's events never change (a pan asks again with the same filter)."""
        if self.chosen.empty:
            return self.es.n
        key = (self.es.db.url, self.es.id, self.chosen)
        with _matched_lock:
            if key in _matched:
                _matched.move_to_end(key)
                return _matched[key]
        if self._cube_zoom(0):
            where, args = self.chosen.cube(self.es.id, 0)
            n = int(self._rows(f"SELECT coalesce(sum(n), 0) FROM event_cube WHERE {where}", args)[0][0])
            left = self.chosen.left_over()
            if left is not None:
                n += int(self._rows(f"SELECT count(*) FROM events WHERE {self.where} AND {left[0]}",
                                    self.args + left[1])[0][0])
        else:
            n = int(self._rows(f"SELECT count(*) FROM events WHERE {self.where}", self.args)[0][0])
        with _matched_lock:
            _matched[key] = n
            while len(_matched) > MATCHED_KEPT:
                _matched.popitem(last=False)
        return n

    def count_in(self, area: Viewport, limit: int | None = None) -> int:
        """Events in ``area``, at most ``limit``. Where the counts made ahead say the cells
        around the area hold none, that is the answer: a filter with nothing here would
        otherwise read every event in view to find so."""
        if self._cube_zoom(area.zoom):
            where, args = self.chosen.cube(self.es.id, area.zoom, possible=True)
            in_cells, cell_args = _cube_cells(cell_range(area, area.zoom))
            if not self._rows(f"SELECT EXISTS (SELECT 1 FROM event_cube WHERE {where} AND {in_cells})",
                              args + cell_args)[0][0]:
                return 0
        sql, args = _area(area)
        inner = f"SELECT 1 FROM events WHERE {self.where} AND {sql}" + (" LIMIT ?" if limit is not None else "")
        return int(self._rows(f"SELECT count(*) FROM ({inner}) AS found",
                              self.args + args + ([limit] if limit is not None else []))[0][0])

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
        """The cells ``area`` touches (``grid.cell_range``), each with all its events."""
        cells = cell_range(area, zoom)
        size = cell_size(zoom)
        grouped = (f"SELECT {CELL_X} AS ix, {CELL_Y} AS iy, count(*), sum(latitude), sum(longitude), "
                   "coalesce(sum(fatalities), 0) FROM events WHERE {} GROUP BY 1, 2")
        keys, key_args = _event_cells(cells)
        if not self._cube_zoom(zoom):
            return _cells(self._rows(grouped.format(f"{self.where} AND {keys}") + " ORDER BY 1, 2",
                                     [size, size] + self.args + key_args), zoom)
        where, args = self.chosen.cube(self.es.id, zoom)
        in_cells, cell_args = _cube_cells(cells)
        parts = [_cells(self._rows(
            "SELECT ix, iy, sum(n)::bigint, sum(lat_sum), sum(lon_sum), sum(fat_sum) FROM event_cube "
            f"WHERE {where} AND {in_cells} GROUP BY 1, 2 ORDER BY 1, 2", args + cell_args), zoom)]
        left = self.chosen.left_over()
        if left is not None:
            parts.append(_cells(self._rows(grouped.format(f"{self.where} AND {left[0]} AND {keys}"),
                                           [size, size] + self.args + left[1] + key_args), zoom))
        return merge_cells(parts, zoom)

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
