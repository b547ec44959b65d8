"""Real outlines for our disputed regions, and an index of first-level provinces.

Our regions were drawn as padded hulls around a few towns, which says where a region
roughly is but not its shape. Natural Earth 10m (v4.1.0, 2018 data; public domain),
as shipped in Debian's ``qgis-common`` GeoPackage, holds the shapes we need: the
1991 boundary of the Nagorno-Karabakh Autonomous Oblast and Georgia's claim lines
as disputed-boundary lines, and 4,556 provinces (Abkhazia among Georgia's). Which
features make which outline is data (``data/region_shapes.csv``), not code.

``build_regions`` writes two files the app reads offline:
- ``regions.geojson``: one Feature per region record we can outline honestly;
- ``provinces.json``: every province's names, country, a point inside it, its area
  and a simplified outline, for the province gazetteer (``geocode/provinces.py``).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points, polygonize

from frontier_atlas.basemap.gpkg import features
from frontier_atlas.domain.countries import country
from frontier_atlas.domain.text import normalise

SHAPES_CSV = Path(__file__).resolve().parents[2] / "data" / "region_shapes.csv"
REGIONS_FILE = "regions.geojson"
PROVINCES_FILE = "provinces.json"

SOURCE = "Natural Earth 10m v4.1.0"
DATA_DATE = "2018"
PACKAGE = "Debian bookworm qgis-common 3.22.16 (resources/data/world_map.gpkg)"

REGION_SOURCES: list[dict] = [
    {"layer": layer, "package": "qgis-common 3.22.16 (Debian bookworm)", "version": "3.22.16",
     "file": "/usr/share/qgis/resources/data/world_map.gpkg", "dataset": SOURCE,
     "licence": "public domain (Natural Earth terms of use)", "data_date": f"{DATA_DATE} (Natural Earth v4.1.0)",
     "attribution": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
     "used_for": used}
    for layer, used in (
        ("states_provinces", "provinces.json (province gazetteer and outlines); Abkhazia's outline"),
        ("disputed_borders", "outlines of the former Nagorno-Karabakh Autonomous Oblast and South Ossetia"),
        ("countries", "Georgia's border, closing the South Ossetia claim line"),
    )
]

PROVINCE_COLUMNS = ["iso_a2", "name", "fips", "woe_label", "woe_name", "sov_a3", "adm0_a3", "admin", "gu_a3",
                    "gn_name"]
# Provinces touching the map's own region (the Caucasus, Turkey, Iran: this box of
# lon/lat) keep ~1 km detail and 4 decimals (~10 m); the rest of the world is coarser
# (~10 km, 3 decimals) so that all provinces fit in under 3 MB.
FOCUS_BOX = (25.0, 24.0, 64.0, 48.0)
SIMPLIFY_DEG, DIGITS = 0.01, 4
SIMPLIFY_WORLD_DEG, DIGITS_WORLD = 0.1, 3
MIN_ISLAND_WORLD_DEG2 = 0.02  # outside the focus, islands under ~200 km² are left out of the outline
JOIN_DEG = 0.005  # line pieces whose ends are this close (about 500 m) are one boundary
REACH_DEG = 0.02  # a claim line that stops this close to a country border is closed by that border
EARTH_R_KM = 6371.0088

# Qualifier words around province names in Natural Earth's name fields, stripped to
# make the name people write ("Syunik'i Marz" -> "Syunik", "Ostan-e Ardabil" -> "Ardabil").
_PREFIXES = re.compile(r"^(ostan-e|ostan|provincia de|province of|oblast)\s+", re.I)
_SUFFIXES = re.compile(r"(?:'i|’i|i)?\s+marz$|\s+(rayonu|rayon|province|oblast|kray|krai|region|ostan)$", re.I)
_RAYON = re.compile(r"\brayonu?$", re.I)
# Common English spellings of transliterations Natural Earth uses.
_SPELLINGS = (("Ardebil", "Ardabil"), ("Azarbaijan", "Azerbaijan"), ("Azarbayjan", "Azerbaijan"),
              ("Erevan", "Yerevan"), ("Ajaria", "Adjara"), ("Kordestan", "Kurdistan"))


def area_km2(geom: BaseGeometry) -> float:
    """Area on a Lambert azimuthal equal-area projection centred on the shape.

    Degrees are not equal-area; around its own centre the projection's area error
    is far below a percent for shapes the size of a province.
    """
    if geom.is_empty:
        return 0.0
    c = geom.centroid
    lat0, lon0 = math.radians(c.y), math.radians(c.x)

    def project(xy: np.ndarray) -> np.ndarray:
        lam, phi = np.radians(xy[:, 0]) - lon0, np.radians(xy[:, 1])
        cos_c = math.sin(lat0) * np.sin(phi) + math.cos(lat0) * np.cos(phi) * np.cos(lam)
        k = np.sqrt(2 / np.maximum(1 + cos_c, 1e-12))
        x = EARTH_R_KM * k * np.cos(phi) * np.sin(lam)
        y = EARTH_R_KM * k * (math.cos(lat0) * np.sin(phi) - math.sin(lat0) * np.cos(phi) * np.cos(lam))
        return np.column_stack([x, y])

    return float(shapely.transform(geom, project).area)


def _km(a: Point, b: Point) -> float:
    """Short distances in km (equirectangular: exact enough below a few km)."""
    dx = (a.x - b.x) * math.cos(math.radians((a.y + b.y) / 2))
    return math.hypot(dx, a.y - b.y) * math.pi / 180 * EARTH_R_KM


def read_shapes(path: Path = SHAPES_CSV) -> list[dict]:
    """The rows of ``data/region_shapes.csv``: which Natural Earth features make what."""
    with path.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f)]


def _matcher(spec: str) -> tuple[list[str], Callable[[dict], bool]]:
    """"adm0_a3=AZE;name=A|B" -> (columns, predicate on a row's attributes)."""
    terms = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        column, _, values = part.partition("=")
        terms.append((column.strip(), {v.strip() for v in values.split("|")}))
    return [c for c, _ in terms], lambda attrs: all(attrs.get(c) in vs for c, vs in terms)


def _select(gpkg: Path, layer: str, spec: str) -> list[BaseGeometry]:
    columns, match = _matcher(spec)
    return [geom for attrs, geom in features(gpkg, layer, columns) if match(attrs)]


def _extend_to(line: LineString, frame: BaseGeometry) -> LineString:
    """Carry a line's ends that stop just inside ``frame`` across its border, so the
    border and the line cut the frame into faces (the claim lines stop a few hundred
    metres short of Natural Earth's Georgia–Russia border)."""
    coords = list(line.coords)
    for index in (0, -1):
        end = Point(coords[index])
        if not frame.contains(end):
            continue
        on_border = nearest_points(frame.boundary, end)[0]
        dx, dy = on_border.x - end.x, on_border.y - end.y
        d = math.hypot(dx, dy)
        if d == 0 or d > REACH_DEG:
            continue
        beyond = (on_border.x + dx / d * JOIN_DEG, on_border.y + dy / d * JOIN_DEG)
        coords.insert(0, beyond) if index == 0 else coords.append(beyond)
    return LineString(coords)


def _gaps_km(lines: BaseGeometry) -> list[float]:
    """Distance from each loose end of merged lines to the nearest other loose end."""
    ends = [Point(c) for part in shapely.get_parts(lines) for c in (part.coords[0], part.coords[-1])
            if part.coords[0] != part.coords[-1]]
    gaps = []
    for i, e in enumerate(ends):
        others = [_km(e, o) for j, o in enumerate(ends) if j != i]
        if others:
            gaps.append(min(others))
    return gaps


def polygon_from_lines(lines: list[BaseGeometry], inside: Point, frame: BaseGeometry | None = None
                       ) -> tuple[BaseGeometry | None, str]:
    """The face of boundary lines (closed by ``frame``'s border if given) that holds ``inside``.

    Natural Earth stores a boundary as pieces that do not quite meet, so a plain
    polygonize finds no ring. Pieces are merged, their loose ends joined when within
    ``JOIN_DEG`` (the note says by how much), then noded and polygonised.
    """
    merged = shapely.line_merge(shapely.union_all(lines))
    notes = []
    if frame is not None:
        merged = shapely.union_all([_extend_to(p, frame) for p in shapely.get_parts(merged)])
        noded = shapely.union_all([frame.boundary, merged])
        notes.append("closed by the country border")
    else:
        gaps = [g for g in _gaps_km(merged) if g > 0]
        merged = shapely.snap(merged, merged, JOIN_DEG)
        noded = shapely.union_all(shapely.get_parts(merged))
        if gaps:
            notes.append(f"line pieces joined across gaps of at most {max(gaps) * 1000:.0f} m")
    faces = [f for f in polygonize([noded]) if f.contains(inside)]
    return (min(faces, key=lambda f: f.area) if faces else None), "; ".join(notes)


def _outline_geometry(geom: BaseGeometry, simplify: float, digits: int, min_part_deg2: float = 0.0) -> dict:
    """GeoJSON geometry, simplified and rounded; falls back to the finer shape when
    simplification would erase a small unit (a city province, an island). Islands
    smaller than ``min_part_deg2`` are dropped, never the largest part."""
    if min_part_deg2:
        parts = sorted(shapely.get_parts(geom), key=lambda p: -p.area)
        geom = shapely.union_all(parts[:1] + [p for p in parts[1:] if p.area >= min_part_deg2])
    for tolerance in (simplify, simplify / 10, 0):
        g = geom.simplify(tolerance, preserve_topology=True) if tolerance else geom
        g = shapely.set_precision(g, 10 ** -digits)
        if not g.is_empty:
            break
    else:
        g = geom
    g = shapely.transform(g, lambda xy: np.round(xy, digits))
    polys = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
    return mapping(shapely.MultiPolygon(polys) if len(polys) != 1 else polys[0])


def _representative(geom: BaseGeometry) -> Point:
    """The area centroid when it falls inside the shape, else a point on its surface."""
    c = geom.centroid
    return c if geom.contains(c) else geom.point_on_surface()


def name_variants(label: str | None) -> list[str]:
    """A Natural Earth name and the spellings people write for it.

    "Syunik'i Marz" -> Syunik; "Ostan-e Azarbayjan-e Sharqi" -> "Azarbayjan-e Sharqi",
    "Azerbaijan-e Sharqi"; "East Azarbaijan" -> "East Azerbaijan"; "Ardebil" -> "Ardabil".
    """
    if not label:
        return []
    label = label.split(",")[0].strip()  # woe_label is "Name, CC, Country"
    out = [label]
    core = _SUFFIXES.sub("", _PREFIXES.sub("", label)).strip()
    if core and core != label:
        out.append(core)
    for name in list(out):
        for wrong, right in _SPELLINGS:
            if wrong in name:
                out.append(name.replace(wrong, right))
    return list(dict.fromkeys(o for o in out if o))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-") or "unnamed"


def _province_entry(pid: str, name: str, names: list[str], other: list[str], iso3: str, iso2: str | None,
                    admin: str | None, geom: BaseGeometry) -> dict:
    focus = geom.intersects(shapely.box(*FOCUS_BOX))
    outline = (_outline_geometry(geom, SIMPLIFY_DEG, DIGITS) if focus
               else _outline_geometry(geom, SIMPLIFY_WORLD_DEG, DIGITS_WORLD, MIN_ISLAND_WORLD_DEG2))
    drawn = shape(outline)
    point = _representative(drawn if not drawn.is_empty else geom)
    return {
        "id": pid, "name": name, "names": names, "other_names": [o for o in other if o not in names],
        "country": iso3, "iso_a2": iso2, "admin": admin,
        "point": [round(point.x, 4), round(point.y, 4)], "area_km2": round(area_km2(geom), 1),
        "simplified_deg": SIMPLIFY_DEG if focus else SIMPLIFY_WORLD_DEG, "geometry": outline,
    }


def build_provinces(gpkg: Path, groups: list[dict]) -> list[dict]:
    """Every named province of ``states_provinces``, plus grouped entries from ``groups``
    (rows of region_shapes.csv with output "province", e.g. the Nakhchivan republic)."""
    entries, seen = [], set()
    for attrs, geom in features(gpkg, "states_provinces", PROVINCE_COLUMNS):
        if not attrs["name"]:
            continue  # six unnamed slivers: nothing to look them up by
        iso3 = attrs["adm0_a3"] or attrs["gu_a3"] or ""
        pid = f"adm1-{iso3.lower()}-{_slug(attrs['name'])}"
        if pid in seen:
            pid = f"{pid}-{(attrs['fips'] or str(len(seen))).lower()}"
        seen.add(pid)
        names = list(dict.fromkeys(name_variants(attrs["name"]) + name_variants(attrs["gn_name"])))
        other = list(dict.fromkeys(name_variants(attrs["woe_name"]) + name_variants(attrs["woe_label"])))
        entry = _province_entry(pid, attrs["name"], names, other, iso3, attrs["iso_a2"], attrs["admin"], geom)
        # Azerbaijan's rayons are districts named after their seat town: the geocoder
        # lets a bare name mean the town there (Sədərək the rayon, Sadarak the village)
        entry["kind"] = "district" if _RAYON.search(attrs["gn_name"] or "") else "province"
        entries.append(entry)
    for row in groups:
        parts = _select(gpkg, row["layer"], row["match"])
        if not parts:
            continue
        names = [n.strip() for n in row["names"].split(";") if n.strip()]
        iso3 = dict(p.partition("=")[::2] for p in row["match"].split(";")).get("adm0_a3", "")
        found = country(iso3) if iso3 else None
        entry = _province_entry(row["id"], names[0] if names else row["id"], names, [], iso3,
                                found.alpha2 if found else None, found.official if found else None,
                                shapely.union_all(parts).buffer(0))
        entry["kind"] = "province"
        entry["members"] = len(parts)
        entry["note"] = row["note"]
        entries.append(entry)
    return entries


def build_region_outlines(gpkg: Path, rows: list[dict]) -> list[dict]:
    """GeoJSON Features for the rows of region_shapes.csv with output "region"."""
    out = []
    for row in rows:
        parts = _select(gpkg, row["layer"], row["match"])
        if not parts:
            raise ValueError(f"region_shapes.csv: {row['id']}: no {row['layer']} feature matches {row['match']!r}")
        inside = Point(*map(float, row["inside"].split())) if row["inside"] else None
        how = ""
        if row["layer"] == "disputed_borders":
            frame = shapely.union_all(_select(gpkg, "countries", row["frame"])) if row["frame"] else None
            geom, how = polygon_from_lines(parts, inside, frame)
            if geom is None:
                raise ValueError(f"region_shapes.csv: {row['id']}: the lines close no ring around {row['inside']}")
            layer_text = "disputed-boundary lines"
            how = "polygonised" + (f" ({how})" if how else "")
        else:
            geom = shapely.union_all(parts)
            layer_text = "first-level units (states_provinces)"
            how = "as drawn"
        if inside is not None and not geom.contains(inside):
            raise ValueError(f"region_shapes.csv: {row['id']}: outline does not hold {row['inside']}")
        area = area_km2(geom)
        note = (f"{row['label']}, {SOURCE} {layer_text} ({DATA_DATE} data), {how}; about {area:,.0f} km². "
                "A drawn boundary, not who holds the ground.")
        if row["note"]:
            note += " " + row["note"]
        out.append({
            "type": "Feature",
            "properties": {"region_id": row["id"], "precision": "boundary", "precision_note": note,
                           "source": f"{SOURCE} ({DATA_DATE} data), from {PACKAGE}; public domain",
                           "area_km2": round(area, 1)},
            "geometry": _outline_geometry(geom, 0.001, 5),
        })
    return out


def build_regions(gpkg: Path, out_dir: Path, shapes_csv: Path = SHAPES_CSV) -> dict:
    """Write ``regions.geojson`` and ``provinces.json`` into ``out_dir``.

    Returns a summary: paths, sizes in bytes, region areas (km²) and the province count.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = read_shapes(shapes_csv)
    regions = build_region_outlines(gpkg, [r for r in rows if r["output"] == "region"])
    provinces = build_provinces(gpkg, [r for r in rows if r["output"] == "province"])
    meta = {"source": SOURCE, "data_date": DATA_DATE, "package": PACKAGE,
            "licence": "public domain",
            "simplified_deg": {"focus": SIMPLIFY_DEG, "world": SIMPLIFY_WORLD_DEG},
            "focus_box": FOCUS_BOX}
    regions_path, provinces_path = out_dir / REGIONS_FILE, out_dir / PROVINCES_FILE
    regions_path.write_text(json.dumps({"type": "FeatureCollection", "metadata": meta, "features": regions},
                                       ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    provinces_path.write_text(json.dumps({**meta, "provinces": provinces}, ensure_ascii=False,
                                         separators=(",", ":")), encoding="utf-8")
    return {
        "regions": str(regions_path), "provinces": str(provinces_path),
        "regions_bytes": regions_path.stat().st_size, "provinces_bytes": provinces_path.stat().st_size,
        "areas_km2": {f["properties"]["region_id"]: f["properties"]["area_km2"] for f in regions},
        "province_count": len(provinces),
    }


if __name__ == "__main__":  # python -m frontier_atlas.basemap.regions GPKG OUT_DIR
    import sys

    print(json.dumps(build_regions(Path(sys.argv[1]), Path(sys.argv[2])), indent=1))
