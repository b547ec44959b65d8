"""GeoJSON polygon shapes, read one way wherever outlines are drawn, exported or centred.

An outline is a Polygon or a MultiPolygon; code that walks its rings should not
care which, so it asks for the polygons and gets a list either way.
"""

from __future__ import annotations

from collections.abc import Sequence


def polygons(geometry: dict) -> list:
    """The polygons of a Polygon or MultiPolygon geometry, each a list of rings (outer ring
    first, each ring a list of (lon, lat) positions): a Polygon is a list of one."""
    coordinates = geometry["coordinates"]
    return coordinates if geometry["type"] == "MultiPolygon" else [coordinates]


def ring_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float, float]:
    """(area, x, y) of a polygon ring by the shoelace formula; x, y is the area centroid.

    The area comes first so ``max`` over several rings picks the largest one's centre."""
    ring = [tuple(p) for p in ring]
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    a /= 2
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(a), cx / (6 * a), cy / (6 * a)
