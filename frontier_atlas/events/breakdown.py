"""What the details panel says about an imported event or a clicked grid cell.

Plain data out (dicts and small frames), so the page only writes it; the breakdown
recounts the cell's events under the current filters, the same ones the bubble counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from frontier_atlas.domain.calendar import day_date, day_years
from frontier_atlas.domain.viewport import MAX_ZOOM, MIN_ZOOM, TILE
from frontier_atlas.events.eventset import EventSet
from frontier_atlas.events.grid import CELL_PX, in_cell, zoom_to_fit


@dataclass
class Breakdown:
    count: int
    fatalities: int
    first: date | None
    last: date | None
    by_type: pd.DataFrame  # event type, events, fatalities
    by_country: pd.DataFrame
    by_year: pd.DataFrame
    top_locations: pd.DataFrame
    top_actors: pd.DataFrame
    centre: tuple[float, float] | None  # where "zoom in" goes
    zoom: int | None


def _counts(values: list[str], weights: np.ndarray, label: str, top: int | None = None) -> pd.DataFrame:
    frame = pd.DataFrame({label: values, "fatalities": weights})
    frame[label] = frame[label].replace("", "(not given)")
    out = frame.groupby(label, sort=False).agg(events=(label, "size"), fatalities=("fatalities", "sum"))
    out = out.sort_values(["events", "fatalities"], ascending=False).reset_index()
    out["fatalities"] = out["fatalities"].astype(int)
    return out.head(top) if top else out


def cell_breakdown(sets: list[tuple[EventSet, np.ndarray]], zoom: int, ix: int, iy: int) -> Breakdown:
    """The filtered events of grid cell (zoom, ix, iy), counted several ways; none for a
    cell that cannot exist (the cell comes from a click token a visitor can forge)."""
    side = TILE * 2 ** zoom // CELL_PX + 1 if MIN_ZOOM <= zoom <= MAX_ZOOM else 0  # cells across the world
    exists = 0 <= ix < side and 0 <= iy < side
    parts = [(es, np.nonzero(mask & in_cell(es, zoom, ix, iy))[0]) for es, mask in sets] if exists else []
    parts = [(es, idx) for es, idx in parts if len(idx)]
    if not parts:
        empty = pd.DataFrame()
        return Breakdown(0, 0, None, None, empty, empty, empty, empty, empty, None, None)

    def column(name: str) -> list[str]:
        out: list[str] = []
        for es, idx in parts:
            cat = es.cats[name]
            values = np.append(cat.values.astype(str), "")
            out.extend(values[cat.codes[idx]])
        return out

    fat = np.concatenate([np.nan_to_num(es.fatalities[idx]) for es, idx in parts])
    start = np.concatenate([es.start[idx] for es, idx in parts])
    end = np.concatenate([es.end[idx] for es, idx in parts])
    lat = np.concatenate([es.lat[idx] for es, idx in parts])
    lon = np.concatenate([es.lon[idx] for es, idx in parts])
    years = day_years(start).astype(str).tolist()
    by_year = _counts(years, fat, "year").sort_values("year").reset_index(drop=True)
    actors = column("actor1") + column("actor2")
    centre, zoom_in = zoom_to_fit(lat, lon)
    return Breakdown(
        count=len(fat), fatalities=int(fat.sum()),
        first=day_date(start.min()), last=day_date(end.max()),
        by_type=_counts(column("event_type"), fat, "event type"),
        by_country=_counts(column("country"), fat, "country"),
        by_year=by_year,
        top_locations=_counts(column("location"), fat, "location", top=10),
        top_actors=_counts([a for a in actors if a], np.concatenate([fat, fat])[[bool(a) for a in actors]],
                           "actor", top=10),
        centre=centre, zoom=min(max(zoom_in, zoom + 1), MAX_ZOOM),
    )
