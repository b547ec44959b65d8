"""Country names to country-level positions, from the Natural Earth outlines we ship.

Articles name whole countries ("crossed into Azerbaijan"); GeoNames towns would
answer "Armenia" with a city in Colombia. This gazetteer answers country names
with the centre of the country's largest polygon at country precision, from
world-atlas (Natural Earth 1:50m), the same file the offline base map draws.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry
from geopy.geocoders.base import Geocoder

from frontier_atlas.assets import VENDOR_DIR
from frontier_atlas.geocode.names import normalise
from frontier_atlas.geocode.result import Position
from frontier_atlas.outlines import ring_centroid

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


@lru_cache(maxsize=2)
def country_index(path: Path = WORLD_ATLAS) -> dict[str, Position]:
    """Normalised country name (and ISO names) -> a country-precision position."""
    if not path.exists():
        return {}
    topology = json.loads(path.read_text(encoding="utf-8"))
    index: dict[str, Position] = {}
    for props, polys in decode_topojson(topology, "countries"):
        country = pycountry.countries.get(numeric=str(props.get("id") or "").zfill(3))
        largest = max((ring_centroid(poly[0]) for poly in polys if poly and poly[0]), default=None)
        if largest is None:
            continue
        _, lon, lat = largest
        if not -180 <= lon <= 180:
            continue  # a polygon across the antimeridian (Russia): no honest single centre
        name = props.get("name") or (country.name if country else "")
        pos = Position(round(lat, 4), round(lon, 4), "country", "Natural Earth", name,
                       country.alpha_2 if country else None,
                       f"centre of the largest land area of {name} (Natural Earth 1:50m outlines, "
                       "world-atlas 2.0.2)")
        names = {name}
        if country:
            names |= {country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")}
        for label in filter(None, names):
            index.setdefault(normalise(label), pos)
    return index


class CountryGazetteer(Geocoder):
    def __init__(self, path: Path = WORLD_ATLAS):
        super().__init__()
        self.path = path

    def geocode(self, query: str, exactly_one: bool = True, **_):
        pos = country_index(self.path).get(normalise(query))
        if pos is None:
            return None
        return pos.as_location() if exactly_one else [pos.as_location()]
