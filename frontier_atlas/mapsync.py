"""Where the map is: the view the page last sent it to, or the one the user moved it to.

The map does not report the moves the page asks for (``mapview.QuietEcho``: each report
is a script run, and the page knows that view already). So after the page refits the
map, the map's last report is stale and the page's own request is the truth; after the
user pans or zooms, the new report is. These functions keep that straight in the
session state (any mutable mapping), so the event layer aims at the right viewport and
a shared link carries the view the user sees.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass

from frontier_atlas.aggregate import Viewport

Goto = tuple[tuple[float, float], int]  # (centre, zoom) as st_folium takes them
MAP_PX = (700, 600)  # the map's size on screen until it reports one


@dataclass(frozen=True)
class MapView:
    centre: tuple[float, float]
    zoom: int
    viewport: Viewport


def note_report(state: MutableMapping, reported: dict | None) -> None:
    """Call once per run with st_folium's value: a new view in it is the user's move
    (or the map's first report), which then outranks the page's last request."""
    if not reported or not reported.get("center") or reported.get("zoom") is None:
        return
    seen = (json.dumps(reported["center"], sort_keys=True), reported["zoom"])
    if seen != state.get("_map_seen"):
        state["_map_seen"] = seen
        state["_map_moved"] = True
        vp = Viewport.from_map(reported.get("bounds"), reported.get("zoom"))
        if vp:
            state["_map_px"] = vp.size_px()


def request_view(state: MutableMapping, goto: Goto) -> None:
    """Send the map to ``goto`` on this run (st_folium's ``center`` and ``zoom``)."""
    state["map_goto"] = goto
    state["_map_moved"] = False


def current_view(state: MutableMapping, reported: dict | None, goto: Goto | None) -> MapView | None:
    """The view on screen: the user's last move if newer than ``goto``, else ``goto``;
    None before the map has either."""
    if (state.get("_map_moved") or goto is None) and reported and reported.get("center"):
        try:
            centre = (float(reported["center"]["lat"]), float(reported["center"]["lng"]))
            zoom = int(reported["zoom"])
        except (TypeError, KeyError, ValueError):
            centre = None
        if centre is not None:
            vp = Viewport.from_map(reported.get("bounds"), zoom)
            return MapView(centre, zoom, vp or Viewport.around(centre, zoom, *state.get("_map_px", MAP_PX)))
    if goto is None:
        return None
    (lat, lon), zoom = goto
    return MapView((lat, lon), int(zoom), Viewport.around((lat, lon), int(zoom), *state.get("_map_px", MAP_PX)))
