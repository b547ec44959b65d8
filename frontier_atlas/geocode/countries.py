"""Country names to country-level positions, from the Natural Earth outlines we ship.

Articles name whole countries ("crossed into Azerbaijan"); GeoNames towns would
answer "Armenia" with a city in Colombia. This gazetteer answers country names
with the centre of the country's largest polygon at country precision, from
world-atlas (Natural Earth 1:50m), the same file the offline base map draws.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from frontier_atlas.domain.countries import alpha3, country
from frontier_atlas.domain.demonyms import SHORT_NAMES
from frontier_atlas.domain.geometry import ring_centroid
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.settings import COUNTRY_INDEX_PATH, VENDOR_DIR

WORLD_ATLAS = VENDOR_DIR / "world-atlas" / "countries-50m.json"


def decode_topojson(topology: dict, object_name: str) -> list[tuple[dict, list[list[list[tuple[float, float]]]]]]:
    """(properties and id, polygons as rings of (lon, lat)) for each geometry of an object."""
    scale = topology.get("transform", {}).get("scale", [1, 1])
    translate = topology.get("transform", {}).get("translate", [0, 0])
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantised
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indices:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points if not out else points[1:])
        return out

    result = []
    for geom in topology["objects"][object_name]["geometries"]:
        if geom.get("type") == "Polygon":
            polys = [[ring(r) for r in geom["arcs"]]]
        elif geom.get("type") == "MultiPolygon":
            polys = [[ring(r) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        result.append(({"id": geom.get("id"), **(geom.get("properties") or {})}, polys))
    return result


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Russia's, Fiji's) with its western points moved
    past 180°, so its centre is computed over land and not across the whole globe."""
    xs = [x for x, _ in ring]
    if not xs or max(xs) - min(xs) <= 180:
        return ring
    return [(x + 360 if x < 0 else x, y) for x, y in ring]


@lru_cache(maxsize=2)
def country_index(path: Path = WORLD_ATLAS) -> dict[str, Position]:
    """Normalised country name (Natural Earth's, ISO's and the common one) -> a country-precision position.

    Read from the index built at set-up when it was built from these outlines (a page run
    then pays a few milliseconds, not the quarter second the outlines take to decode)."""
    if not path.exists():
        return {}
    return _built_index(path) or _computed_index(path)


def _source_digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def _built_index(source: Path, built: Path = COUNTRY_INDEX_PATH) -> dict[str, Position] | None:
    try:
        data = json.loads(built.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("source_sha1") != _source_digest(source):
        return None  # built from other outlines: computed again
    return {name: Position(**{**fields, "candidates": ()}) for name, fields in data["names"].items()}  # none


def build_country_index(source: Path = WORLD_ATLAS, built: Path = COUNTRY_INDEX_PATH) -> int:
    """Write the index for ``source`` to ``built`` (atomically); returns the names written."""
    index = _computed_index(source)
    built.parent.mkdir(parents=True, exist_ok=True)
    tmp = built.with_name(f"{built.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"source_sha1": _source_digest(source),
                               "names": {name: pos.to_dict() for name, pos in index.items()}}), encoding="utf-8")
    os.replace(tmp, built)
    return len(index)


def _computed_index(path: Path) -> dict[str, Position]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    index: dict[str, Position] = {}
    for props, polys in decode_topojson(topology, "countries"):
        found = country(str(props.get("id") or ""))  # world-atlas ids are ISO numeric codes
        largest = max((ring_centroid(_unwrapped(poly[0])) for poly in polys if poly and poly[0]), default=None)
        if largest is None:
            continue
        _, lon, lat = largest
        lon = (lon + 180) % 360 - 180
        name = props.get("name") or (found.official if found else "")
        pos = Position(round(lat, 4), round(lon, 4), "country", "Natural Earth", name,
                       found.alpha2 if found else None,
                       f"centre of the largest land area of {name} (Natural Earth 1:50m outlines, "
                       "world-atlas 2.0.2)")
        names = {name}
        if found:
            names |= {found.name, found.official, found.formal}
        for label in filter(None, names):
            index.setdefault(normalise(label), pos)
    return index


def country_of_name(name: str) -> str | None:
    """The alpha-3 of a country's name as reports write it ("Iran", "Türkiye", "U.S."), or None.
    A word of fewer than four letters counts only in capitals or as a known short name ("US")."""
    short = SHORT_NAMES.get(name.lower())
    if short:
        return short
    if len(name) < 4 and not name.isupper():
        return None
    pos = country_index().get(normalise(name))
    return alpha3(pos.country) if pos and pos.country else None


class CountryGazetteer:
    """Whole countries, by name; the hint is ignored (a country's name is not ambiguous)."""

    name = "Natural Earth"

    def __init__(self, path: Path = WORLD_ATLAS):
        self.path = path

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """The country's position, or nothing; a bare code ("IR", "USA") is not a name here."""
        index = country_index(self.path)
        pos = index.get(normalise(query))
        return [pos] if pos is not None else []
