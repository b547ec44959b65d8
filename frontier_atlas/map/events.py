"""The imported events' map layer: a bounded payload whatever the data size.

``build_event_layer`` looks at how many filtered events fall in the viewport and
draws them one by one (few) or as counted grid bubbles (many). The layer is one
Folium ``FeatureGroup`` that the page hands to ``st_folium(feature_group_to_add=...)``,
so panning swaps this layer without rebuilding the map. The data travels as one
compact JSON array; every text in it is HTML-escaped here, before it is sent.
Hidden tokens in tooltips tell the page what was clicked (``map.clicks``; the
browser side writes ``event_token``'s form itself).
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from frontier_atlas.domain.viewport import Bounds, Viewport, union_bounds
from frontier_atlas.events.grid import POINT_LIMIT, merge_cells
from frontier_atlas.events.view import EventView, as_view
from frontier_atlas.map import render
from frontier_atlas.map.clicks import cell_token
from frontier_atlas.present.escaping import html_text

# ten colours told apart easily (Tableau 10)
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")

render.apply()  # the payload holds data: its script is never compiled as a template


def type_colours(sets: list) -> dict[str, str]:
    """A colour per event type of the shown sets (``EventSet`` or views): the same while
    one pans and zooms."""
    types = sorted({t or "event" for es in sets for t in es.event_types()} | {"event"})
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}


class EventLayer(MacroElement):
    """Draws points or grid bubbles from one JSON payload into its parent FeatureGroup."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var group = {{ this._parent.get_name() }};
            var data = {{ this.data|tojson }};
            window.__faEvents = {mode: data.mode, shapes: 0};
            if (data.mode === "points") {
                // p: lat, lon, type, place, first day, last day, fatalities, set, row, precision
                // (indexes into the lookup lists); the texts arrive escaped, numbers are ours
                var day = function (n) { return new Date(n * 864e5).toISOString().slice(0, 10); };
                data.points.forEach(function (p) {
                    var when = day(p[4]) + (p[5] !== p[4] ? " – " + day(p[5]) : "");
                    var tip = "<b>" + data.places[p[3]] + "</b><br>" + when + " · " + data.types[p[2]] +
                              (p[6] > 0 ? "<br>" + p[6] + (p[6] === 1 ? " fatality" : " fatalities") + " reported" : "") +
                              "<br><i>" + data.sets[p[7]][1] + "; position: " + data.precisions[p[9]] + "</i>" +
                              "<span hidden>\u27e6x-" + data.sets[p[7]][0] + "-" + p[8] + "\u27e7</span>";
                    L.circleMarker([p[0], p[1]], {
                        radius: 5, weight: 1, color: "#fff", fillColor: data.colours[p[2]],
                        fillOpacity: 0.9, className: "fa-event"
                    }).bindTooltip(tip, {sticky: false}).addTo(group);
                });
                window.__faEvents.shapes = data.points.length;
            } else if (data.mode === "grid") {
                data.cells.forEach(function (c) {
                    // c: lat, lon, count, label, tooltip, heat (0..1: the cell's rank among those shown)
                    var size = Math.round(26 + 22 * c[5]);
                    var colour = "hsl(" + Math.round(50 - 50 * c[5]) + ",85%," + Math.round(58 - 14 * c[5]) + "%)";
                    var icon = L.divIcon({
                        className: "fa-agg",
                        html: '<div style="box-sizing:border-box;width:' + size + 'px;height:' + size +
                              'px;border-radius:50%;background:' + colour + ';opacity:.9;border:2px solid #fff;' +
                              'box-shadow:0 1px 3px rgba(0,0,0,.4);display:flex;align-items:center;' +
                              'justify-content:center;font:bold 11px sans-serif;color:#1b1b1b">' + c[3] + '</div>',
                        iconSize: [size, size], iconAnchor: [size / 2, size / 2]
                    });
                    L.marker([c[0], c[1]], {icon: icon}).bindTooltip(c[4], {sticky: false}).addTo(group);
                });
                window.__faEvents.shapes = data.cells.length;
            }
            // a legend that comes and goes with this layer (texts escaped in Python)
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "fa-event-legend");
                div.style.cssText = "background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;" +
                                    "font:12px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);max-width:220px";
                var html = "<b>Imported events</b><br>";
                if (data.mode === "points") {
                    data.types.forEach(function (t, i) {
                        html += '<span style="display:inline-block;width:10px;height:10px;border-radius:50%;' +
                                'background:' + data.colours[i] + '"></span> ' + t + "<br>";
                    });
                } else {
                    html += "each bubble counts the events in its part of the map; " +
                            "darker and larger: more than its neighbours. Click one for details.";
                }
                div.innerHTML = html;
                return div;
            };
            if (group._map) { legend.addTo(group._map); }
            group.on("add", function () { legend.addTo(group._map); });
            group.on("remove", function () { legend.remove(); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: dict):
        super().__init__()
        self._name = "EventLayer"
        self.data = data


@dataclass
class LayerSummary:
    mode: str  # "points", "grid" or "none"
    matched: int  # events the filters leave, anywhere
    in_view: int  # of those, in the (padded) viewport; drawn as a grid, in the cells drawn
    shapes: int  # points or bubbles sent


def short_count(n: int) -> str:
    return f"{n / 1_000_000:.1f}M" if n >= 1_000_000 else f"{n / 1000:.1f}k" if n >= 10_000 else str(n)


class _Lookup(dict):
    """Distinct texts, escaped once, referred to by index (a place name repeats a lot)."""

    def index(self, text: str) -> int:
        return self.setdefault(text, len(self))

    def escaped(self) -> list[str]:
        return [html_text(t) for t in self]


def _points_payload(picked: list[tuple[EventView, pd.DataFrame]]) -> dict:
    """Compact rows plus lookup lists: about 50 bytes an event instead of a tooltip each."""
    types, places, precisions = _Lookup(), _Lookup(), _Lookup()
    colours = type_colours([v for v, _ in picked])
    sets = [[v.set_id, html_text(v.set_name)] for v, _ in picked]
    points = []
    for k, (_, rows) in enumerate(picked):
        for p in rows.itertuples(index=False):
            fat = p.fatalities
            points.append([
                round(float(p.lat), 5), round(float(p.lon), 5),
                types.index(p.event_type or "event"), places.index(p.location or "event"),
                int(p.start), int(p.end), 0 if fat is None or np.isnan(fat) else int(fat), k, int(p.row),
                precisions.index(p.geo_precision or "precision not given"),
            ])
    return {"mode": "points", "points": points, "types": types.escaped(), "places": places.escaped(),
            "precisions": precisions.escaped(), "sets": sets, "colours": [colours[t] for t in types]}


def event_bounds(sets: list) -> Bounds | None:
    """South, west, north, east of the middle 90 % of the events the filters keep: what
    a refit of the map should show, wherever it is now (several sets: the box around
    each one's)."""
    if not sets:
        return None
    return union_bounds(*(as_view(s).bounds() for s in sets))


def build_event_layer(sets: list, view: Viewport) -> tuple[folium.FeatureGroup, LayerSummary]:
    """The layer for these sets (each a view: ``view.as_view``) as seen in ``view``."""
    fg = folium.FeatureGroup(name="Imported events")
    area = view.padded()
    views = [as_view(s) for s in sets]
    matched = sum(v.matched() for v in views)
    counts = [v.count_in(area, limit=POINT_LIMIT + 1) for v in views]  # exact up to the limit
    in_view = sum(counts)
    if in_view == 0:
        return fg, LayerSummary("none", matched, 0, 0)
    if in_view <= POINT_LIMIT:
        EventLayer(_points_payload([(v, v.points(area)) for v, n in zip(views, counts)])).add_to(fg)
        return fg, LayerSummary("points", matched, in_view, in_view)
    cells = merge_cells([v.cells(area, view.zoom) for v, n in zip(views, counts) if n], view.zoom)
    in_view = int(cells.count.sum())  # the events of the cells shown, each cell whole
    data = []
    rank = np.argsort(np.argsort(cells.count, kind="stable"), kind="stable")
    heat = rank / max(len(cells) - 1, 1)
    for k in range(len(cells)):
        n = int(cells.count[k])
        token = cell_token(cells.zoom, cells.ix[k], cells.iy[k])
        fat = int(round(cells.fatalities[k]))
        tip = (f"<b>{n:,} events</b>" + (f"<br>{fat:,} fatalities reported" if fat else "")
               + f"<br>click for the breakdown<span hidden>{token}</span>")
        data.append([round(float(cells.lat[k]), 4), round(float(cells.lon[k]), 4), n, short_count(n), tip,
                     round(float(heat[k]), 2)])
    EventLayer({"mode": "grid", "cells": data}).add_to(fg)
    return fg, LayerSummary("grid", matched, in_view, len(data))
