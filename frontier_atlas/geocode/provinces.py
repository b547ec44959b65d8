"""Province names to their Natural Earth outlines, offline.

Reports name provinces ("Syunik Province", "East Azerbaijan", "the Nakhchivan
Autonomous Republic"). GeoNames towns answer those with a village of the same
name, or not at all; this gazetteer answers them with a point inside the
province's outline at region precision, and the outline itself to draw. The index
is ``static/basemap/provinces.json``, built by ``frontier_atlas.basemap.regions``
from Natural Earth 10m v4.1.0 (2018 data). Without that file it answers nothing,
like the country index without world-atlas.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.names import iso2, split_qualifier
from frontier_atlas.settings import BASEMAP_DIR

PROVINCES_PATH = BASEMAP_DIR / "provinces.json"
SOURCE = "Natural Earth 10m v4.1.0 (2018)"
# A bare name that is also a town of this many people in the same country is left to
# the town gazetteer: "Ardabil" in a report is the city more often than the province,
# while the villages named after Armenia's provinces (Syunik, 645 people) are not.
TOWN_MIN_POPULATION = 3_000


def _version(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_mtime_ns, st.st_size


@lru_cache(maxsize=2)
def _load(key: tuple[str, int, int]) -> tuple[dict[str, list[tuple[int, dict]]], dict[str, dict], str]:
    raw = Path(key[0]).read_bytes()
    data = json.loads(raw)
    by_name: dict[str, list[tuple[int, dict]]] = {}
    by_id: dict[str, dict] = {}
    for entry in data.get("provinces", []):
        by_id[entry["id"]] = entry
        for tier, labels in ((0, entry.get("names") or [entry["name"]]), (1, entry.get("other_names") or [])):
            for label in labels:
                bucket = by_name.setdefault(normalise(label), [])
                if not any(e["id"] == entry["id"] for _, e in bucket):
                    bucket.append((tier, entry))
    return by_name, by_id, hashlib.sha1(raw).hexdigest()[:16]


def province_index(path: Path = PROVINCES_PATH) -> tuple[dict[str, list[tuple[int, dict]]], dict[str, dict]]:
    """(normalised name -> [(tier, province)], id -> province); empty without the file.

    Cached per file version (path, mtime, size): a rebuilt index is read again.
    """
    key = _version(path)
    if key is None:
        return {}, {}
    by_name, by_id, _ = _load(key)
    return by_name, by_id


def provinces_digest(path: Path = PROVINCES_PATH) -> str:
    """A fingerprint of the province index ("" without it), for the geocode cache version."""
    key = _version(path)
    return _load(key)[2] if key is not None else ""


def _names_a_town(norm: str, country: str | None, min_population: int) -> bool:
    from frontier_atlas.geocode.town_index import town_index

    return any(city["countrycode"] == country and city["population"] >= min_population
               for _, city in town_index().towns(norm))


def _position(entry: dict, confidence: float) -> Position:
    lon, lat = entry["point"]
    country = entry.get("admin") or entry.get("country")
    return Position(lat, lon, "region", "Natural Earth", entry["name"], entry.get("iso_a2") or iso2(entry["country"]),
                    f"province outline of {entry['name']} ({country}), {SOURCE}; "
                    "the point is inside the outline and stands for the whole province",
                    entry["id"], confidence)


class ProvinceGazetteer:
    """First-level provinces of every country, by their Natural Earth names and variants.

    A qualified name ("Ardabil Province", "Syunik Marz") always means the province. A
    bare name does too, unless ``defer_to_towns`` and GeoNames has a town of that name
    in the province's country with at least ``TOWN_MIN_POPULATION`` people (any town,
    for a district named after its seat town).
    """

    name = "Natural Earth"

    def __init__(self, path: Path = PROVINCES_PATH, defer_to_towns: bool = True):
        self.path = path
        self.defer_to_towns = defer_to_towns

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """The province, then its namesakes of the same tier; nothing if none is in the hinted country."""
        by_name, _ = province_index(self.path)
        if not by_name:
            return []
        norm = normalise(query)
        core, kind = split_qualifier(query)
        hits = by_name.get(norm, [])
        if not hits and kind == "region":
            hits = by_name.get(core, [])
        want = iso2(country)
        if want is not None:
            hits = [h for h in hits if (h[1].get("iso_a2") or iso2(h[1]["country"])) == want]
        if not hits:
            return []  # a province of that name elsewhere is a wrong answer, not an approximate one
        hits = sorted(hits, key=lambda h: (h[0], -h[1].get("area_km2", 0)))
        best_tier, best = hits[0]
        # a district named after its seat (Azerbaijan's rayons) yields to any town of the name
        min_population = 0 if best.get("kind") == "district" else TOWN_MIN_POPULATION
        if kind is None and self.defer_to_towns and _names_a_town(norm, best.get("iso_a2"), min_population):
            return []
        rivals = [e for tier, e in hits[1:] if tier == best_tier]
        pos = _position(best, 0.5 if rivals else 1.0)
        if not rivals:
            return [pos]
        others = [_position(e, 0.5) for e in rivals[:4]]
        return [replace(pos, candidates=tuple(others)), *others]


def province_outline(region_id: str, path: Path = PROVINCES_PATH) -> dict | None:
    """The GeoJSON Feature of a province id from the index (None if unknown), for drawing."""
    entry = province_index(path)[1].get(region_id)
    if entry is None:
        return None
    tolerance = entry.get("simplified_deg")
    note = (f"Outline of {entry['name']} ({entry.get('admin') or entry.get('country')}), a first-level unit in "
            f"Natural Earth 10m v4.1.0 states_provinces (2018 data)")
    if tolerance:
        note += f", simplified to about {tolerance * 111:.0f} km"
    note += "."
    if entry.get("note"):
        note += " " + entry["note"]
    return {
        "type": "Feature",
        "properties": {"region_id": region_id, "precision": "boundary", "precision_note": note,
                       "source": "Natural Earth 10m v4.1.0 (2018 data); public domain",
                       "area_km2": entry.get("area_km2")},
        "geometry": entry["geometry"],
    }
