"""A set's events counted ahead by grid cell, for the views that span most of a large set.

At the low zooms a view holds most of a set, and counting 10 million rows per pan takes
seconds. At import, each zoom up to ``MAX_ZOOM`` gets the set's events grouped by cell,
country, event type and the months an event starts and ends in (``event_cube``): tens
of thousands of rows where the set has millions. A view's cells are then summed from
those rows, and the counts stay exact:

- countries and event types are columns of the cube, so their filters apply as they are;
- a date filter keeps every row whose months put all its events inside the dates, and
  none whose months put them all outside. What is left are the events that end in the
  first date's month, or start in the last date's month, when those dates are not a
  month's first or last day. Those few are counted from the events table itself
  (``DateCut.uncertain``), through its date indexes;
- text is not in the cube: a text filter counts from the events table.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from frontier_atlas.events.grid import cell_size

MAX_ZOOM = 6  # counted ahead up to here; deeper views read the few events they hold
MIN_GAIN = 4  # a zoom is counted ahead only while its rows are a quarter of the events or fewer
CELL_X = "floor((mx / ?::real)::float8)::bigint"
CELL_Y = "floor((my / ?::real)::float8)::bigint"


def month_sql(column: str) -> str:
    """The month a date falls in, as one number (year * 12 + month - 1)."""
    return f"(extract(year FROM {column})::int * 12 + extract(month FROM {column})::int - 1)"


def month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def build_cube(tx, set_id: str, n: int, levels: int | None = None) -> int:
    """Count the set's events ahead, zoom by zoom; returns the last zoom counted (-1: none).

    The deepest zoom is counted from the events, each coarser one from the zoom below it:
    a cell's edge is twice its children's, and halving is exact in floating point, so
    ``ix // 2`` is the parent cell's column by ``cell_keys``' own rule. Then the deepest
    zooms that gain less than ``MIN_GAIN`` times over the events are dropped.
    ``levels``: that many zooms from 0, whatever they gain (tests)."""
    top = MAX_ZOOM if levels is None else levels - 1
    if top < 0:
        return -1
    size = cell_size(top)
    # worked out in a temporary table (no log, no index), and only the zooms kept are stored
    tx.execute(
        f"CREATE TEMP TABLE cube_work ON COMMIT DROP AS SELECT ?::smallint AS zoom, {CELL_X} AS ix, {CELL_Y} AS iy, "
        'country COLLATE "C" AS country, event_type COLLATE "C" AS event_type, '
        f"{month_sql('date_start')} AS m_start, {month_sql('date_end')} AS m_end, count(*) AS n, "
        "sum(latitude) AS lat_sum, sum(longitude) AS lon_sum, coalesce(sum(fatalities), 0)::float8 AS fat_sum "
        "FROM events WHERE set_id = ? GROUP BY 2, 3, 4, 5, 6, 7", (top, size, size, set_id))
    for zoom in range(top - 1, -1, -1):
        tx.execute(
            "INSERT INTO cube_work SELECT ?::smallint, ix / 2, iy / 2, country, event_type, m_start, m_end, "
            "sum(n), sum(lat_sum), sum(lon_sum), sum(fat_sum) FROM cube_work WHERE zoom = ? GROUP BY 2, 3, 4, 5, 6, 7",
            (zoom, zoom + 1))
    last = top
    if levels is None:
        rows = dict(tx.execute("SELECT zoom, count(*) FROM cube_work GROUP BY 1").fetchall())
        # a zoom has no more rows than the one below it: when one gains enough, all coarser ones do
        last = max((z for z in range(top + 1) if rows.get(z, 0) * MIN_GAIN <= n), default=-1)
    tx.execute("INSERT INTO event_cube SELECT ?, zoom, ix, iy, country, event_type, m_start, m_end, n, lat_sum, "
               "lon_sum, fat_sum FROM cube_work WHERE zoom <= ?", (set_id, last))
    tx.execute("DROP TABLE cube_work")
    return last


@dataclass(frozen=True)
class DateCut:
    """A date filter split at month edges: cube rows wholly inside, and the events the cube
    cannot place (those that end in ``date_from``'s month or start in ``date_to``'s)."""

    date_from: date | None
    date_to: date | None

    def _parts(self, start: str, end: str, possible: bool = False) -> tuple[list[str], list[Any]]:
        """The months' tests: certain (a month edge counts whole only when the date is on it),
        or ``possible`` (some event of the row may be inside)."""
        sql, args = [], []
        if self.date_from is not None:
            sql.append(f"{end} {'>=' if possible or self.date_from.day == 1 else '>'} ?")
            args.append(month_of(self.date_from))
        if self.date_to is not None:
            sql.append(f"{start} {'<=' if possible or self.date_to == _month(self.date_to)[1] else '<'} ?")
            args.append(month_of(self.date_to))
        return sql, args

    def rows(self, possible: bool = False) -> tuple[str, list[Any]]:
        """Cube rows all of whose events are inside the dates (``m_start``, ``m_end``), or
        that may hold one (``possible``)."""
        sql, args = self._parts("m_start", "m_end", possible)
        return " AND ".join(sql) or "TRUE", args

    def uncertain(self) -> tuple[str, list[Any]] | None:
        """The events the cube leaves to the events table, or None when there are none:
        inside the dates (the caller's filter says so) and not in a certain row. The date
        ranges are implied by that; they are there for the indexes."""
        edges, args = [], []
        if self.date_from is not None and self.date_from.day != 1:
            edges.append("date_end BETWEEN ? AND ?")
            args += _month(self.date_from)
        if self.date_to is not None and self.date_to != _month(self.date_to)[1]:
            edges.append("date_start BETWEEN ? AND ?")
            args += _month(self.date_to)
        if not edges:
            return None
        sql, more = self._parts(month_sql("date_start"), month_sql("date_end"))
        return f"({' OR '.join(edges)}) AND NOT ({' AND '.join(sql)})", args + more


def _month(day: date) -> list[date]:
    """The first and last day of ``day``'s month."""
    return [day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])]
