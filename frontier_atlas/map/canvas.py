"""Build the Folium map from the filtered records.

Every located record becomes exactly one clickable shape carrying the CSS class
``fa-record``: a marker (exercises, crossings, events), a polygon (regions with an
outline) or a line (movements). Its tooltip carries the record id in a hidden span,
which streamlit-folium returns on click, so the page knows which record was
clicked even when two share a position.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

import folium
import folium.plugins
import pandas as pd
import xyzservices
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from frontier_atlas.domain.control import controller_colour, controller_on
from frontier_atlas.domain.geometry import polygons
from frontier_atlas.domain.position import UNCERTAINTY_M, Located
from frontier_atlas.domain.records import KIND_LABELS, Dataset
from frontier_atlas.domain.viewport import Bounds, fit_view, middle_bounds, union_bounds
from frontier_atlas.map import render
from frontier_atlas.map.assets import MAP_JS, asset_url
from frontier_atlas.map.clicks import record_token
from frontier_atlas.map.offline import add_offline_map
from frontier_atlas.present.escaping import html_text
from frontier_atlas.present.style import STYLE
from frontier_atlas.present.wording import format_dates

DEFAULT_CENTER = (40.0, 46.5)  # the South Caucasus
DEFAULT_ZOOM = 6


render.apply()  # Folium renders each script without compiling it as a template

class SafeTooltip(folium.Tooltip):
    """Folium's Tooltip pastes its text into a JS template literal, where a backtick
    or ``${`` in data would run as code; this one passes it as a JSON string."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(
                {{ this.text|tojson }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )


class OfflineBasemap(JSCSSMixin, folium.map.Layer):
    """Country outlines alone (Natural Earth 1:50m from world-atlas), served by the app itself.

    The light alternative to the offline map (``basemap.layer``), for slow machines, and
    the peer the base-map benchmark measures against. The browser fetches the TopoJSON
    from our own origin the first time the layer is chosen.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        // Drawn on a canvas in a pane of their own, under the records: some 240 detailed
        // outlines as SVG paths cost every rerun dearly. Only the countries near the view
        // are on the map: Leaflet reprojects every outline it holds on each zoom, and the
        // whole world at 1:50m took some 45 ms per refit of the map.
        var {{ this.get_name() }} = L.layerGroup();
        (function (group) {
            // the pane is looked up when the renderer joins the map, after "add" made it
            var all = group.faAll = [], renderer = L.canvas({padding: 0.3, pane: "faOutlines"});
            function sync() {
                var map = group._map;
                if (!map) return;
                var near = map.getBounds().pad(0.5);
                all.forEach(function (layer) {
                    var want = near.intersects(layer.getBounds());
                    if (want !== group.hasLayer(layer)) want ? group.addLayer(layer) : group.removeLayer(layer);
                });
            }
            var fetched = false;
            group.on("add", function () {
                var map = group._map;
                if (!map.getPane("faOutlines")) map.createPane("faOutlines").style.zIndex = 350;
                map.on("moveend", sync);
                sync();
                if (fetched) return;
                fetched = true;  // fetched the first time this base layer is chosen, not before
                fetch({{ this.url|tojson }})
                    .then(function (r) { return r.json(); })
                    .then(function (topo) {
                        L.geoJSON(topojson.feature(topo, topo.objects.countries), {
                            interactive: false, pane: "faOutlines", renderer: renderer,
                            style: {color: "#7f8c8d", weight: 0.8, fillColor: "#f4f1ea", fillOpacity: 1},
                            onEachFeature: function (feature, layer) { all.push(layer); }
                        });
                        sync();
                    });
            });
            group.on("remove", function () { if (group._map) group._map.off("moveend", sync); });
        })({{ this.get_name() }});
        {% endmacro %}
        """
    )
    default_js = MAP_JS  # topojson-client is in the map's bundle

    def __init__(self, name: str = "Offline: country outlines only", show: bool = False):
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "OfflineBasemap"
        self.url = asset_url("world-atlas", "countries-50m.json")


class Legend(MacroElement):
    """A fixed legend in the map's corner; its text is ours, never data."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomleft"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "fa-legend");
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, kinds: Iterable[str]):
        super().__init__()
        rows = []
        for kind in kinds:
            colour, glyph = STYLE[kind]
            rows.append(
                f'<div class="fa-legend-row"><svg width="16" height="16" viewBox="0 0 28 28">'
                f'<circle cx="14" cy="14" r="13" fill="{colour}"/>{glyph}</svg> {KIND_LABELS[kind]}</div>'
            )
        rows.append('<div class="fa-legend-row"><svg width="16" height="16"><circle cx="8" cy="8" r="6" '
                    'fill="none" stroke="#555" stroke-dasharray="2 2"/></svg> position uncertainty</div>')
        self.html = (
            '<div style="background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;'
            'font:12px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)">'
            + "".join(rows) + "</div>"
        )


class LeafletPrefix(MacroElement):
    """Leaflet's credit link opens in a new tab; by default it replaced the map in its frame."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix(
            '<a href="https://leafletjs.com" target="_blank" rel="noopener noreferrer">Leaflet</a>');
        {% endmacro %}
        """
    )


class QuietEcho(MacroElement):
    """streamlit-folium reports the view after every move, the moves the page asked for
    with ``st_folium(center=, zoom=)`` included, and each report is a script run: one
    more after every filter change that refits the map. The page already knows where
    it sent the map, so a report that only echoes that view (within two pixels) is not
    sent; a move of the user's, a click, anything else still is. Outside Streamlit
    (an exported map) there is nothing to wrap. Relies on streamlit-folium 0.27
    exposing ``window.Streamlit`` and keeping the requested view in ``last_center`` /
    ``last_zoom`` (tests/test_browser.py checks both)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            const S = window.Streamlit;
            if (!S || !S.setComponentValue || S.faQuietEcho) return;
            const send = S.setComponentValue, VIEW = ['center', 'zoom', 'bounds'];
            let last = null;
            S.setComponentValue = function (value) {
                const g = window.__GLOBAL_DATA__, asked = g && g.last_center;
                if (last && asked && value && value.center && value.zoom === g.last_zoom) {
                    const lat = Array.isArray(asked) ? asked[0] : asked.lat;
                    const lng = Array.isArray(asked) ? asked[1] : asked.lng;
                    const px = 360 / (256 * Math.pow(2, value.zoom));
                    const rest = Object.keys(value).every(
                        k => VIEW.includes(k) || JSON.stringify(value[k]) === JSON.stringify(last[k]));
                    if (rest && Math.abs(value.center.lat - lat) < 2 * px && Math.abs(value.center.lng - lng) < 2 * px) {
                        window.faEchoesKept = (window.faEchoesKept || 0) + 1;
                        return;
                    }
                }
                last = value;
                return send.apply(this, arguments);
            };
            S.faQuietEcho = true;
        })();
        {% endmacro %}
        """
    )


def _icon_style(kind: str, selected: bool) -> tuple[str, str, int, str]:
    """A marker's SVG before and after its record id, its size and its classes."""
    colour, glyph = STYLE[kind]
    size = 34 if selected else 28
    ring = '<circle cx="14" cy="14" r="13.2" fill="none" stroke="#f1c40f" stroke-width="2"/>' if selected else ""
    before = '<svg xmlns="http://www.w3.org/2000/svg" data-record="'
    after = (f'" width="{size}" height="{size}" viewBox="0 0 28 28"><circle cx="14" cy="14" r="12" '
             f'fill="{colour}" stroke="#fff" stroke-width="1.5"/>{glyph}{ring}</svg>')
    return before, after, size, f"fa-record fa-marker fa-kind-{kind}" + (" fa-selected" if selected else "")


def _tooltip_html(rec, extra: str = "") -> str:
    """Name, kind and dates; the record id rides along hidden, for click handling."""
    dates = format_dates(rec.start, rec.end, rec.date_precision)
    return (
        f"<b>{html_text(rec.name)}</b><br>{html_text(KIND_LABELS[rec.kind])}"
        + (f" · {html_text(dates)}" if dates else "")
        + (f"<br><i>{html_text(extra)}</i>" if extra else "")
        + f'<span hidden>{record_token(html_text(rec.id))}</span>'
    )


def _tooltip(rec, extra: str = "") -> SafeTooltip:
    return SafeTooltip(_tooltip_html(rec, extra), sticky=False)


class RecordMarkers(MacroElement):
    """The records' markers as data and one loop, added to their cluster. Folium writes each
    marker as its own script (1.6 kB each, 121 kB for the bundled records), and streamlit-folium
    sends the map again on every pan: as rows of a table it is a quarter of that. The texts are
    escaped in Python (``html_text``); ``tojson`` keeps them inert inside the script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var cluster = {{ this._parent.get_name() }};
            var d = {{ this.data|tojson }};
            d.markers.forEach(function (m) {
                // m: lat, lon, style (index into d.styles), record id (escaped), tooltip
                var s = d.styles[m[2]];
                var icon = L.divIcon({html: s[0] + m[3] + s[1], iconSize: [s[2], s[2]],
                                      iconAnchor: [s[2] / 2, s[2] / 2], className: s[3]});
                L.marker([m[0], m[1]], {icon: icon}).bindTooltip(m[4], {sticky: false}).addTo(cluster);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "RecordMarkers"
        self.data: dict = {"styles": [], "markers": []}
        self._styles: dict[tuple[str, bool], int] = {}

    def add(self, lat: float, lon: float, rid: str, kind: str, selected: bool, tooltip: str) -> None:
        key = (kind, selected)
        if key not in self._styles:
            self._styles[key] = len(self.data["styles"])
            self.data["styles"].append(_icon_style(kind, selected))
        self.data["markers"].append([round(lat, 6), round(lon, 6), self._styles[key], html_text(rid), tooltip])


def _rings(geometry: dict) -> list:
    """GeoJSON (lon, lat) polygons as Leaflet (lat, lon) rings."""
    return [[[(lat, lon) for lon, lat in ring] for ring in poly] for poly in polygons(geometry)]


def build_map(
    shown: pd.DataFrame,
    ds: Dataset,
    located: dict[str, Located],
    selected_id: str | None = None,
    height: int = 600,
    highlight: set[str] | None = None,
    on_day: date | None = None,
    view: tuple[tuple[float, float], int] | None = None,
    extra_bounds: tuple[float, float, float, float] | None = None,
) -> folium.Map:
    """The map of the records in ``shown`` (a filtered ``records_frame``) in one piece.

    ``highlight``: records of the timeline's moment, drawn emphasised. ``on_day``: the
    day whose controllers colour the regions (today if None). ``view``: centre and zoom
    to open at (from a shared link) instead of fitting the records. ``extra_bounds``
    (south, west, north, east): more to fit in view, e.g. the imported events.
    """
    fmap = base_map(height)
    layer, points = record_layer(shown, ds, located, selected_id, highlight, on_day)
    layer.add_to(fmap)
    fit = fit_bounds(points, extra_bounds)
    if view is not None:
        (lat, lon), zoom = view
        fmap.location, fmap.options["zoom"] = [lat, lon], zoom
    elif fit:
        (lat, lon), zoom = fit_view(fit)
        fmap.location, fmap.options["zoom"] = [lat, lon], zoom
    return fmap


def fit_bounds(points: list[tuple[float, float]], extra: Bounds | None = None) -> Bounds | None:
    """South, west, north, east to show: the records' (middle 90 % when many) and ``extra``."""
    return union_bounds(middle_bounds([p[0] for p in points], [p[1] for p in points]), extra)


ONLINE_TILES = [  # (layer name, URL, attribution): switched off until the user picks one
    ("OpenStreetMap (online)", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
     '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    ("CartoDB Positron (online)", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
     "&copy; OpenStreetMap contributors &copy; CARTO"),
    ("Esri World Imagery (online)",
     "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
     "Esri, Maxar, Earthstar Geographics"),
]


def base_map(height: int = 600, location: tuple[float, float] = DEFAULT_CENTER, zoom: int = DEFAULT_ZOOM,
             outlines_only: bool = False) -> folium.Map:
    """What stays the same while the filters change: the offline outlines, the online
    tile choices, the legend. The map page keeps it fixed and swaps ``record_layer``
    through ``st_folium(feature_group_to_add=...)``, so the browser never reloads it."""
    fmap = _base_map(height, outlines_only)
    fmap.location, fmap.options["zoom"] = list(location), zoom
    # providers given as objects: a name or a URL makes folium search all of
    # xyzservices' providers first, 3 ms per layer on every run
    for name, url, attr in ONLINE_TILES:
        folium.TileLayer(xyzservices.TileProvider(name=name, url=url, attribution=attr),
                         attr=attr, name=name, show=False).add_to(fmap)
    Legend(["exercise", "crossing", "event", "region", "movement"]).add_to(fmap)
    QuietEcho().add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def record_layer(
    shown: pd.DataFrame,
    ds: Dataset,
    located: dict[str, Located],
    selected_id: str | None = None,
    highlight: set[str] | None = None,
    on_day: date | None = None,
) -> tuple[folium.FeatureGroup, list[tuple[float, float]]]:
    """The records as one layer (regions, uncertainty, movements, clustered markers),
    with the positions drawn, for fitting the view."""
    group = folium.FeatureGroup(name="Records")
    day = on_day or date.today()
    highlight = highlight or set()
    regions = folium.FeatureGroup(name="Disputed regions").add_to(group)
    uncertainty = folium.FeatureGroup(name="Position uncertainty").add_to(group)
    movements = folium.FeatureGroup(name="Movements").add_to(group)
    markers = folium.plugins.MarkerCluster(
        name="Exercises, crossings, events",
        options={"maxClusterRadius": 35, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False},
    ).add_to(group)
    points = RecordMarkers().add_to(markers)

    bounds: list[tuple[float, float]] = []
    circles: set[tuple[float, float, int]] = set()
    drawn_outlines = {rid for rid in shown["id"] if ds.records[rid].kind == "region" and located[rid].outline}
    for rid in shown["id"]:
        rec = ds.records[rid]
        loc = located[rid]
        selected = rid == selected_id or rid in highlight
        if rec.kind == "region" and loc.outline:
            props = loc.outline["properties"]
            period = controller_on(ds.control, rid, day)
            held = f"held by {period.controller} on {day.isoformat()}" if period else "control not recorded"
            colour = controller_colour(period)
            for rings in _rings(loc.outline["geometry"]):
                folium.Polygon(
                    rings,
                    color="#f1c40f" if selected else colour, fill_color=colour,
                    weight=4 if selected else 2,
                    fill=True, fill_opacity=0.3, dash_array="6 4",
                    class_name="fa-record fa-region" + (" fa-selected" if selected else ""),
                    tooltip=_tooltip(rec, f"{held}; outline: {props.get('precision')}"),
                ).add_to(regions)
                # its extent's corners, not every vertex: a detailed boundary (hundreds of
                # points) must not outweigh the other records when the view is fitted
                lats, lons = [p[0] for p in rings[0]], [p[1] for p in rings[0]]
                bounds.extend([(min(lats), min(lons)), (max(lats), max(lons))])
            continue
        if rec.kind == "movement" and loc.line:
            a, b = loc.line
            folium.PolyLine(
                [(a.lat, a.lon), (b.lat, b.lon)],
                color=STYLE["movement"][0], weight=5 if selected else 3, dash_array="8 6",
                class_name="fa-record fa-movement" + (" fa-selected" if selected else ""),
                tooltip=_tooltip(rec, "schematic straight line, not the route"),
            ).add_to(movements)
            bounds.extend([(a.lat, a.lon), (b.lat, b.lon)])
            continue
        point = loc.point
        if point is None:
            continue
        points.add(point.lat, point.lon, rid, rec.kind, selected,
                   _tooltip_html(rec, f"{point.precision} precision: {point.how_found}"))
        bounds.append((point.lat, point.lon))
        outline = ds.outlines.get(point.region_id) if point.region_id else None
        if outline is not None and point.region_id not in drawn_outlines:
            drawn_outlines.add(point.region_id)
            for rings in _rings(outline["geometry"]):
                folium.Polygon(rings, color=STYLE["region"][0], weight=1, dash_array="3 3",
                               fill=False, interactive=False).add_to(uncertainty)
        elif outline is None and point.uncertainty_m and (point.lat, point.lon, point.uncertainty_m) not in circles:
            circles.add((point.lat, point.lon, point.uncertainty_m))  # one circle per position
            folium.Circle((point.lat, point.lon), radius=point.uncertainty_m, color="#555",
                          weight=1, dash_array="3 3", fill=False, interactive=False).add_to(uncertainty)

    return group, bounds


def _base_map(height: int, outlines_only: bool = False) -> folium.Map:
    """``outlines_only``: the light country outlines as the base, not the offline map
    (``FRONTIER_ATLAS_BASE_LAYER=outlines``)."""
    fmap = folium.Map(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None,
                      control_scale=True, height=height, minZoom=2, maxZoom=18)
    fmap.get_root().header.add_child(folium.Element(
        "<style>.leaflet-container{background:#dbe7ef}"
        ".leaflet-tooltip{white-space:normal;width:max-content;max-width:320px}</style>"), name="fa_style")
    add_offline_map(fmap, show=not outlines_only)
    OfflineBasemap(show=outlines_only).add_to(fmap)
    LeafletPrefix().add_to(fmap)
    return fmap


def build_places_map(table: pd.DataFrame, height: int = 420, outlines_only: bool = False) -> folium.Map:
    """A small map of resolved place names (a ``places_table``), each with its uncertainty."""
    fmap = _base_map(height, outlines_only)
    located = table.dropna(subset=["lat", "lon"])
    for _, row in located.iterrows():
        colour = "#b03a2e" if row["ambiguous"] else "#1f5f99"
        folium.CircleMarker(
            (row["lat"], row["lon"]), radius=6, color=colour, fill=True, fill_opacity=0.9,
            class_name="fa-place",
            tooltip=SafeTooltip(f"<b>{html_text(row['name'])}</b><br>{html_text(row['precision'])} "
                                f"precision, {html_text(row['provider'])}<br>{html_text(row['how found'])}"),
        ).add_to(fmap)
        radius = UNCERTAINTY_M.get(row["precision"], 0)
        if radius:
            folium.Circle((row["lat"], row["lon"]), radius=radius, color="#555", weight=1,
                          dash_array="3 3", fill=False, interactive=False).add_to(fmap)
    if not located.empty:
        fmap.fit_bounds([(located["lat"].min(), located["lon"].min()),
                         (located["lat"].max(), located["lon"].max())], padding=(30, 30), max_zoom=8)
    return fmap
