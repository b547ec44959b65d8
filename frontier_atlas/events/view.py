"""One imported set under the map's filters, asked what the map and the panels need.

Two kinds answer the same questions: ``MaskedSet`` (a set in memory and the NumPy mask
of the events the filters keep, the embedded mode) and ``postgis_query.DatabaseView``
(the same filters as SQL over the set's table, the shared-database mode). The map layer
(``map.events``) and the cell breakdown (``breakdown``) take either, so both paths draw
the same cells with the same counts.

Counts by a text field come as a ``Tally``: events, fatalities and the first position
the value turns up at, so tallies of several sets add up and sort alike on both paths
(most events, then most fatalities, then who came first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from frontier_atlas.domain.calendar import day_years
from frontier_atlas.domain.viewport import Bounds, Viewport, middle_bounds
from frontier_atlas.events.eventset import EventSet
from frontier_atlas.events.grid import Cells, cell_keys, cell_range, grid

# the columns of ``points``: one row per event, what a point on the map shows
POINT_COLUMNS = ("lat", "lon", "event_type", "location", "start", "end", "fatalities", "row", "geo_precision")
TALLIED = ("event_type", "country", "year", "location", "actor")


@dataclass
class CellSummary:
    """A cell's filtered events of one set, summed: what ``breakdown`` adds up across sets."""

    count: int
    fatalities: float
    first: int | None  # day numbers
    last: int | None
    box: tuple[float, float, float, float] | None  # south, west, north, east of its events
    tallies: dict[str, pd.DataFrame]  # field -> value, events, fatalities, first (see TALLIED)


class EventView(Protocol):
    set_id: str
    set_name: str

    def event_types(self) -> list[str]: ...
    def matched(self) -> int: ...
    def count_in(self, area: Viewport, limit: int | None = None) -> int: ...
    def points(self, area: Viewport) -> pd.DataFrame: ...
    def cells(self, area: Viewport, zoom: int) -> Cells: ...
    def bounds(self) -> Bounds | None: ...
    def cell_summary(self, zoom: int, ix: int, iy: int) -> CellSummary: ...


def tally(values: np.ndarray, fatalities: np.ndarray, positions: np.ndarray) -> pd.DataFrame:
    """value, events, fatalities, first: one row per distinct value ("" is "(not given)")."""
    frame = pd.DataFrame({"value": values, "fatalities": fatalities, "first": positions})
    frame["value"] = frame["value"].replace("", "(not given)")
    out = frame.groupby("value", sort=False).agg(events=("value", "size"), fatalities=("fatalities", "sum"),
                                                  first=("first", "min"))
    return out.reset_index()


class MaskedSet:
    """A set in memory and its filter mask (the embedded mode)."""

    def __init__(self, es: EventSet, mask: np.ndarray) -> None:
        self.es, self.mask = es, mask
        self.set_id, self.set_name = es.id, es.name

    def event_types(self) -> list[str]:
        return self.es.event_types()

    def matched(self) -> int:
        return int(self.mask.sum())

    def _in(self, area: Viewport) -> np.ndarray:
        return np.nonzero(self.mask & area.contains(self.es.lat, self.es.lon))[0]

    def count_in(self, area: Viewport, limit: int | None = None) -> int:
        """Events in ``area``; at most ``limit`` (the map only asks whether there are more)."""
        n = len(self._in(area))
        return n if limit is None else min(n, limit)

    def points(self, area: Viewport) -> pd.DataFrame:
        es, idx = self.es, self._in(area)
        cats = es.cats
        text = {name: np.append(cats[name].values.astype(str), "")[cats[name].codes[idx]]
                for name in ("event_type", "location", "geo_precision")}
        return pd.DataFrame({"lat": es.lat[idx], "lon": es.lon[idx], "event_type": text["event_type"],
                             "location": text["location"], "start": es.start[idx], "end": es.end[idx],
                             "fatalities": es.fatalities[idx], "row": idx,
                             "geo_precision": text["geo_precision"]}, columns=list(POINT_COLUMNS))

    def cells(self, area: Viewport, zoom: int) -> Cells:
        """The cells ``area`` touches (``grid.cell_range``), with every event they hold."""
        es, idx = self.es, np.nonzero(self.mask)[0]
        idx = idx[cell_range(area, zoom).keeps(*cell_keys(es.mx[idx], es.my[idx], zoom))]
        return grid(es.mx[idx], es.my[idx], es.lat[idx], es.lon[idx], es.fatalities[idx], zoom)

    def bounds(self) -> Bounds | None:
        return middle_bounds(self.es.lat[self.mask], self.es.lon[self.mask])

    def cell_summary(self, zoom: int, ix: int, iy: int) -> CellSummary:
        es = self.es
        kx, ky = cell_keys(es.mx, es.my, zoom)
        idx = np.nonzero(self.mask & (kx == ix) & (ky == iy))[0]
        if not len(idx):
            return CellSummary(0, 0.0, None, None, None, {})
        fat = np.nan_to_num(es.fatalities[idx]).astype(np.float64)

        def column(name: str) -> np.ndarray:
            cat = es.cats[name]
            return np.append(cat.values.astype(str), "")[cat.codes[idx]]

        actors = np.concatenate([column("actor1"), column("actor2")])
        named = actors != ""
        tallies = {
            "event_type": tally(column("event_type"), fat, idx),
            "country": tally(column("country"), fat, idx),
            "year": tally(day_years(es.start[idx]).astype(str), fat, idx),
            "location": tally(column("location"), fat, idx),
            "actor": tally(actors[named], np.concatenate([fat, fat])[named], np.concatenate([idx, idx])[named]),
        }
        lat, lon = es.lat[idx], es.lon[idx]
        return CellSummary(len(idx), float(fat.sum()), int(es.start[idx].min()), int(es.end[idx].max()),
                           (float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())), tallies)


def as_view(item: "EventView | tuple[EventSet, np.ndarray]") -> EventView:
    """A view of either kind; a (set, mask) pair is the embedded mode's."""
    if isinstance(item, tuple):
        return MaskedSet(*item)
    return item
