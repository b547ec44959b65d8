"""What the details panel says about an imported event or a clicked grid cell.

Plain data out (dicts and small frames), so the page only writes it; the breakdown
recounts the cell's events under the current filters, the same ones the bubble counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from frontier_atlas.domain.calendar import day_date
from frontier_atlas.domain.viewport import MAX_ZOOM, MIN_ZOOM, TILE
from frontier_atlas.events.grid import CELL_PX, zoom_to_fit
from frontier_atlas.events.view import TALLIED, as_view

SET_STRIDE = 1 << 40  # positions of a later set come after any of an earlier one's


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


def _counts(parts: list[pd.DataFrame], label: str, top: int | None = None) -> pd.DataFrame:
    """Tallies of several sets added up: most events first, then most fatalities, then
    the value met first (the order of the sets, then of their events)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=[label, "events", "fatalities"])
    frame = pd.concat(parts, ignore_index=True)
    out = frame.groupby("value", sort=False).agg(events=("events", "sum"), fatalities=("fatalities", "sum"),
                                                  first=("first", "min")).reset_index()
    out = out.sort_values(["events", "fatalities", "first"], ascending=[False, False, True], kind="stable")
    out = out.rename(columns={"value": label})[[label, "events", "fatalities"]].reset_index(drop=True)
    out["events"] = out["events"].astype(int)
    out["fatalities"] = out["fatalities"].astype(int)
    return out.head(top) if top else out


def cell_breakdown(sets: list, zoom: int, ix: int, iy: int) -> Breakdown:
    """The filtered events of grid cell (zoom, ix, iy), counted several ways; none for a
    cell that cannot exist (the cell comes from a click token a visitor can forge).

    ``sets``: each shown set's view (``view.as_view``: a set and its mask, or a
    database view); the set order breaks ties, as the map's grid did."""
    side = TILE * 2 ** zoom // CELL_PX + 1 if MIN_ZOOM <= zoom <= MAX_ZOOM else 0  # cells across the world
    exists = 0 <= ix < side and 0 <= iy < side
    parts = [as_view(s).cell_summary(zoom, ix, iy) for s in sets] if exists else []
    parts = [p for p in parts if p.count]
    if not parts:
        empty = pd.DataFrame()
        return Breakdown(0, 0, None, None, empty, empty, empty, empty, empty, None, None)
    offset = 0
    tallies: dict[str, list[pd.DataFrame]] = {name: [] for name in TALLIED}
    for p in parts:  # a later set's events come after an earlier one's
        for name in TALLIED:
            t = p.tallies[name].copy()
            t["first"] = t["first"] + offset
            tallies[name].append(t)
        offset += SET_STRIDE
    south = min(p.box[0] for p in parts)
    west = min(p.box[1] for p in parts)
    north = max(p.box[2] for p in parts)
    east = max(p.box[3] for p in parts)
    centre, zoom_in = zoom_to_fit(np.array([south, north]), np.array([west, east]))
    return Breakdown(
        count=sum(p.count for p in parts), fatalities=int(round(sum(p.fatalities for p in parts))),
        first=day_date(min(p.first for p in parts)), last=day_date(max(p.last for p in parts)),
        by_type=_counts(tallies["event_type"], "event type"),
        by_country=_counts(tallies["country"], "country"),
        by_year=_counts(tallies["year"], "year").sort_values("year").reset_index(drop=True),
        top_locations=_counts(tallies["location"], "location", top=10),
        top_actors=_counts(tallies["actor"], "actor", top=10),
        centre=centre, zoom=min(max(zoom_in, zoom + 1), MAX_ZOOM),
    )
