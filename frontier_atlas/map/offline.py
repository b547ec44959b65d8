"""The offline base map on the Folium map: vector ground and lines, relief, labels.

All three read PMTiles archives that the app serves itself (``static/basemap``), with
HTTP range requests, through the vendored ``pmtiles`` and ``protomaps-leaflet``
scripts. They sit in panes of their own, under the records: ground (land, water),
then relief, then lines (rivers, borders, provinces, disputed lines), then labels.
The ground and lines form the "Offline map" base layer; relief and labels are
overlays the user turns on or off.
"""

from __future__ import annotations

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from frontier_atlas.map.assets import MAP_JS
from frontier_atlas.settings import BASEMAP_DIR, STATIC_URL

BASEMAP_URL = f"{STATIC_URL}/basemap"
LAND, WATER = "#f4f1ea", "#dbe7ef"
RELIEF_MAX_NATIVE = 7  # a zoom-7 pixel is about one cell of the ~1 km elevation grid: deeper zooms enlarge it

# the full credits, with each layer's licence, are on the About page and in SOURCES.md
ATTRIBUTION = "Natural Earth · GSHHG/WDBII · NOAA GLOBE · GeoNames CC BY 4.0"

# Paint and label rules (protomaps-leaflet). Our own layer names: see basemap/vector.py.
_RULES = """
var P = protomapsL;
var GROUND = [
  {dataLayer: "earth", symbolizer: new P.PolygonSymbolizer({fill: "%(land)s"})},
  {dataLayer: "water", symbolizer: new P.PolygonSymbolizer({fill: "%(water)s"})}
];
var LINES = [
  {dataLayer: "provinces", minzoom: 5, symbolizer: new P.LineSymbolizer({color: "#a29a8c", width: 0.7,
     dash: [3, 2], opacity: 0.9})},
  {dataLayer: "water", symbolizer: new P.LineSymbolizer({color: "#9fb9cc", width: 0.6})},
  {dataLayer: "rivers", symbolizer: new P.LineSymbolizer({color: "#6f9ec4",
     width: function (z, f) { return (f && f.props.name ? 1.6 : 0.8) * (z >= 8 ? 1.4 : 1); }})},
  {dataLayer: "borders", symbolizer: new P.LineSymbolizer({color: "#8d7f86", width: function (z) {
     return z >= 7 ? 1.8 : 1.1; }})},
  {dataLayer: "disputed", symbolizer: new P.LineSymbolizer({color: "#b0306b", width: 1.6, dash: [5, 3]})}
];
var HALO = {stroke: "rgba(255,255,255,0.9)", width: 2.5};
var kind = function (k) { return function (z, f) { return f.props.kind === k; }; };
var LABELS = [
  {dataLayer: "places", filter: kind("country"), symbolizer: new P.CenteredTextSymbolizer(Object.assign(
     {labelProps: ["name"], fill: "#5b4f4a", font: "600 13px sans-serif", letterSpacing: 1}, HALO))},
  {dataLayer: "places", filter: kind("water"), symbolizer: new P.CenteredTextSymbolizer(Object.assign(
     {labelProps: ["name"], fill: "#3f6f99", font: "italic 600 12px sans-serif"}, HALO))},
  {dataLayer: "places", filter: function (z, f) { return f.props.kind === "town" && f.props.rank <= 2; },
   symbolizer: new P.GroupSymbolizer([new P.CircleSymbolizer({radius: 2.6, fill: "#333", stroke: "#fff", width: 1}),
     new P.OffsetTextSymbolizer(Object.assign({labelProps: ["name"], fill: "#222", font: "600 12px sans-serif",
     offsetX: 5, offsetY: 4}, HALO))])},
  {dataLayer: "rivers", symbolizer: new P.LineLabelSymbolizer(Object.assign(
     {labelProps: ["name"], fill: "#2f6a9c", font: "italic 11px sans-serif"}, HALO))},
  {dataLayer: "places", filter: kind("disputed"), symbolizer: new P.CenteredTextSymbolizer(Object.assign(
     {labelProps: ["name"], fill: "#9a2a5c", font: "italic 10px sans-serif", maxLineChars: 18}, HALO))},
  {dataLayer: "places", filter: kind("province"), symbolizer: new P.CenteredTextSymbolizer(Object.assign(
     {labelProps: ["name"], fill: "#7a6f62", font: "italic 11px sans-serif"}, HALO))},
  {dataLayer: "places", filter: function (z, f) { return f.props.kind === "town" && f.props.rank > 2; },
   symbolizer: new P.GroupSymbolizer([new P.CircleSymbolizer({radius: 2, fill: "#555", stroke: "#fff", width: 1}),
     new P.OffsetTextSymbolizer(Object.assign({labelProps: ["name"], fill: "#333", font: "11px sans-serif",
     offsetX: 4, offsetY: 3}, HALO))])}
];
""" % {"land": LAND, "water": WATER}


class _BasemapLayer(JSCSSMixin, folium.map.Layer):
    default_js = MAP_JS  # pmtiles and protomaps-leaflet are in the map's bundle


class OfflineMap(_BasemapLayer):
    """Base layer: land and water under the relief, lines above it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            {{ this.rules }}
            var map = {{ this._parent.get_name() }};
            [["faGround", 201], ["faRelief", 250], ["faLines", 300], ["faLabels", 350]].forEach(function (p) {
                if (!map.getPane(p[0])) { map.createPane(p[0]).style.zIndex = p[1]; }
                map.getPane(p[0]).style.pointerEvents = "none";
            });
            var archive = new pmtiles.PMTiles({{ this.url|tojson }});
            window.faBasemap = window.faBasemap || {archive: archive};
            var opts = {url: archive, maxDataZoom: {{ this.maxzoom }}, attribution: {{ this.attribution|tojson }}};
            var ground = protomapsL.leafletLayer(Object.assign({}, opts, {pane: "faGround", paintRules: GROUND,
                labelRules: [], backgroundColor: {{ this.water|tojson }}}));
            var lines = protomapsL.leafletLayer(Object.assign({}, opts, {pane: "faLines", paintRules: LINES,
                labelRules: [], attribution: ""}));
            // one tile cache for the three layers of the same archive: each tile is fetched
            // and decoded once, not once a layer (protomaps-leaflet keeps it in .views)
            lines.views = window.faBasemap.views = ground.views;
            ground.once("load", function () {  // the first ground tiles are drawn: labels may start
                window.faBasemap.groundReady = true;
                (window.faBasemap.waiting || []).forEach(function (go) { go(); });
            });
            return L.layerGroup([ground, lines]);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, name: str = "Offline map", show: bool = True, maxzoom: int = 10):
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "OfflineMap"
        self.url = f"{BASEMAP_URL}/vector.pmtiles"
        self.rules, self.maxzoom, self.attribution, self.water = _RULES, maxzoom, ATTRIBUTION, WATER


class PlaceLabels(_BasemapLayer):
    """Overlay: names of countries, provinces, towns, rivers and lakes, and the disputed lines' dates."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            {{ this.rules }}
            var archive = (window.faBasemap && window.faBasemap.archive) || new pmtiles.PMTiles({{ this.url|tojson }});
            var labels = protomapsL.leafletLayer({url: archive, maxDataZoom: {{ this.maxzoom }}, pane: "faLabels",
                paintRules: [], labelRules: LABELS, attribution: ""});
            var shared = window.faBasemap = window.faBasemap || {archive: archive};
            if (shared.views) labels.views = shared.views;
            // Placing labels is the costliest drawing: it starts once the ground has its first
            // tiles (or after 1.5 s under another base layer), so the map shows first.
            var holder = L.layerGroup();
            holder.on("add", function () {
                var go = function () { if (holder._map && !holder.hasLayer(labels)) holder.addLayer(labels); };
                if (shared.groundReady) { go(); return; }
                (shared.waiting = shared.waiting || []).push(go);
                setTimeout(go, 1500);
            });
            holder.faLabels = labels;
            return holder;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, name: str = "Place names", show: bool = True, maxzoom: int = 10):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PlaceLabels"
        self.url = f"{BASEMAP_URL}/vector.pmtiles"
        self.rules, self.maxzoom = _RULES, maxzoom


class Relief(_BasemapLayer):
    """Overlay: hillshade, the sea left clear, from the app's own raster archive."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = pmtiles.leafletRasterLayer(new pmtiles.PMTiles({{ this.url|tojson }}), {
            pane: "faRelief", maxNativeZoom: {{ this.max_native }}, maxZoom: 19, attribution: ""});
        {% endmacro %}
        """
    )

    def __init__(self, name: str = "Relief", show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "Relief"
        self.url = f"{BASEMAP_URL}/relief.pmtiles"
        self.max_native = RELIEF_MAX_NATIVE


def missing_basemap() -> list[str]:
    """Built base-map files the map needs that are not on disk."""
    return [str(BASEMAP_DIR / f) for f in ("vector.pmtiles", "relief.pmtiles") if not (BASEMAP_DIR / f).is_file()]


def add_offline_map(fmap: folium.Map, show: bool = True) -> None:
    """The offline base map, its relief and labels, each in the layer switcher
    (``show``: on at the start; else only offered there)."""
    OfflineMap(show=show).add_to(fmap)
    Relief(show=show).add_to(fmap)
    PlaceLabels(show=show).add_to(fmap)
