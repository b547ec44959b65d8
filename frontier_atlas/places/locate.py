"""Where each record goes on the map: a point, a region outline or a line.

Positions are derived, never stored in records: the first place name that the
geocoder resolves is the record's position, and the record says how it was found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from frontier_atlas.domain.geometry import polygons, ring_centroid
from frontier_atlas.domain.position import Located, Position
from frontier_atlas.domain.records import Dataset, Record
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.provinces import province_outline
from frontier_atlas.places.hulls import approximate_outline
from frontier_atlas.settings import BASEMAP_DIR

# Built by frontier_atlas.basemap.regions (Natural Earth outlines); absent, hulls stay.
REGIONS_FILE = "regions.geojson"
PROVINCES_FILE = "provinces.json"


def country_hint(rec: Record) -> str | None:
    """The country a record's places are most likely in, to choose between homonyms."""
    host = getattr(rec, "host", None)
    if host and len(host) == 1:
        return host[0]
    if getattr(rec, "country_a", None):
        return rec.country_a
    participants = getattr(rec, "participants", None)
    return participants[0] if participants and len(participants) == 1 else None


def place_queries_of(rec: Record) -> list[tuple[str, str | None]]:
    """(name, country hint) for each place of a record.

    A place may carry its own hint as ``Name|ISO3`` (``Julfa|AZE``); a crossing's
    places default to its two sides in order; otherwise the record's country hint.
    """
    default = country_hint(rec)
    out = []
    for i, place in enumerate(rec.places):
        side = (rec.country_a, rec.country_b)[i] if rec.kind == "crossing" and i < 2 else None
        out.append(_split_hint(place, side or default))
    return out


def movement_queries(rec: Record) -> tuple[tuple[str, str | None], tuple[str, str | None]]:
    """(name, hint) of a movement's start and end; the start defaults to the record's hint."""
    return _split_hint(rec.from_place, country_hint(rec)), _split_hint(rec.to_place, None)


def _split_hint(place: str, default: str | None) -> tuple[str, str | None]:
    """"Julfa|AZE" -> ("Julfa", "AZE"); a place without its own hint takes ``default``."""
    name, _, hint = place.partition("|")
    return name.strip(), hint.strip() or default


def _from_source(rec: Record, ds: Dataset) -> Position | None:
    if rec.lat is None or rec.coordinates_source not in ds.sources:
        return None
    src = ds.sources[rec.coordinates_source]
    return Position(rec.lat, rec.lon, "exact", "source", rec.places[0] if rec.places else rec.name, None,
                    f"coordinates given by {src.publisher}, \u201c{src.title}\u201d ({src.published.isoformat()})")


def locate_record(rec: Record, ds: Dataset, geocoder: GeocoderChain) -> Located:
    unresolved = []
    point = _from_source(rec, ds)
    for name, place_hint in place_queries_of(rec):
        pos = geocoder.locate(name, place_hint)
        if pos is None:
            unresolved.append(name)
        elif point is None:
            point = pos
    outline = None
    if rec.kind == "region":
        outline = ds.outlines.get(rec.id)
        if outline is None and point is not None and point.region_id:
            outline = ds.outlines.get(point.region_id)
        if outline is not None and (point is None or point.precision != "region"):
            # a region is where its outline is, not at the first town named in it
            point = outline_centre(outline)
    line = None
    if rec.kind == "movement":
        (from_name, from_hint), (to_name, to_hint) = movement_queries(rec)
        start = geocoder.locate(from_name, from_hint)
        end = geocoder.locate(to_name, to_hint)
        for name, pos in ((from_name, start), (to_name, end)):
            if pos is None:
                unresolved.append(name)
        if start and end:
            line = (start, end)
            point = point or start
    return Located(point, outline, line, tuple(unresolved))


def outline_centre(outline: dict) -> Position:
    """The area-weighted centre of an outline's largest polygon, at region precision."""
    _, lon, lat = max(ring_centroid(poly[0]) for poly in polygons(outline["geometry"]))
    props = outline.get("properties") or {}
    return Position(round(lat, 5), round(lon, 5), "region", "outline", props.get("region_id", ""), None,
                    f"centre of the region's outline ({props.get('precision', 'approximate')})",
                    props.get("region_id"))


def region_outlines(path: Path = BASEMAP_DIR / REGIONS_FILE) -> dict[str, dict]:
    """Real region outlines by region id from ``regions.geojson`` (empty without the file).

    Read fresh on each call (a few kB): callers put the features into a dataset.
    """
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {f["properties"]["region_id"]: f for f in collection.get("features", [])
            if (f.get("properties") or {}).get("region_id") and f.get("geometry")}


def _is_approximate(outline: dict | None) -> bool:
    return outline is None or (outline.get("properties") or {}).get("precision") == "approximate"


def derive_outlines(ds: Dataset, geocoder: GeocoderChain,
                    skip: frozenset[str] | set[str] = frozenset()) -> dict[str, tuple[dict, tuple[str, ...]]]:
    """Approximate outlines for regions listed in region_points.csv: (feature, unresolved names).

    Regions in ``skip`` (those with a real outline) get none: a hull is only for
    where nothing better exists.
    """
    by_region: dict[str, list] = {}
    for point in ds.region_points:
        if point.region_id not in skip:
            by_region.setdefault(point.region_id, []).append(point)
    derived = {}
    for rid, points in by_region.items():
        named, missing = [], []
        for p in points:
            pos = geocoder.locate(p.settlement, p.country)
            (named if pos is not None else missing).append((p.settlement, pos))
        if named:
            notes = " ".join(dict.fromkeys(p.note for p in points if p.note))
            derived[rid] = (approximate_outline(rid, named, max(p.pad_km for p in points), notes),
                            tuple(name for name, _ in missing))
    return derived


def locate_all(ds: Dataset, geocoder: GeocoderChain, basemap_dir: Path = BASEMAP_DIR) -> dict[str, Located]:
    """Every record's position; fills ``ds.outlines`` with the best outline of each region.

    Order of preference per region id: a real boundary from ``regions.geojson``
    (Natural Earth) over an approximate one (from outlines.geojson, or a hull around
    region_points.csv); an explicit outline that is not approximate stays. A record
    placed at a province (its point's region_id is a province id) gets the province's
    outline from ``provinces.json`` in ``ds.outlines``, so the map can draw it.
    """
    real = region_outlines(basemap_dir / REGIONS_FILE)
    for rid, feature in real.items():
        if _is_approximate(ds.outlines.get(rid)):
            ds.outlines[rid] = feature
    derived = derive_outlines(ds, geocoder, skip=set(real))
    for rid, (feature, _) in derived.items():
        ds.outlines.setdefault(rid, feature)
    located = {rid: locate_record(rec, ds, geocoder) for rid, rec in ds.records.items()}
    added = _add_province_outlines(ds, located.values(), basemap_dir / PROVINCES_FILE)
    for rid, loc in located.items():
        if ds.records[rid].kind == "region" and loc.outline is None and loc.point and loc.point.region_id in added:
            located[rid] = locate_record(ds.records[rid], ds, geocoder)  # now that its outline is known
    for rid, (_, missing) in derived.items():
        if missing and rid in located:
            loc = located[rid]
            located[rid] = Located(loc.point, loc.outline, loc.line, loc.unresolved + missing)
    return located


def _add_province_outlines(ds: Dataset, located: Iterable[Located], provinces_path: Path) -> set[str]:
    """Put the outline of every province a position points at into ``ds.outlines``."""
    wanted = set()
    for loc in located:
        for pos in (loc.point, *(loc.line or ())):
            if pos is not None and pos.region_id and pos.region_id not in ds.outlines:
                wanted.add(pos.region_id)
    added = set()
    for pid in sorted(wanted):
        feature = province_outline(pid, provinces_path)
        if feature is not None:
            ds.outlines[pid] = feature
            added.add(pid)
    return added
