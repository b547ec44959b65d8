"""Approximate region outlines from the positions of settlements known to lie inside.

Few disputed areas have an outline we could ship with a clear licence and source;
most are described by the places in them. An outline drawn as the convex hull of
those places' gazetteer positions, padded by a few kilometres, shows roughly where
a region is, and says plainly that this is what it is.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontier_atlas.domain.position import Position


KM_PER_DEGREE = 111.32


def _circle(lat: float, lon: float, radius_km: float, steps: int = 16) -> list[tuple[float, float]]:
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return [(lon + dlon * math.cos(2 * math.pi * i / steps), lat + dlat * math.sin(2 * math.pi * i / steps))
            for i in range(steps)]


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain; returns the hull counter-clockwise, not closed."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def padded_hull(points: list[tuple[float, float]], pad_km: float) -> list[tuple[float, float]]:
    """Closed GeoJSON ring (lon, lat) around (lat, lon) points, ``pad_km`` out from each."""
    cloud = [v for lat, lon in points for v in _circle(lat, lon, pad_km)]
    hull = convex_hull(cloud)
    ring = [(round(x, 5), round(y, 5)) for x, y in hull]
    return ring + ring[:1]


def approximate_outline(region_id: str, named: list[tuple[str, "Position"]], pad_km: float,
                        note: str = "") -> dict:
    """A GeoJSON Feature for a region, with a precision note naming its points."""
    names = ", ".join(f"{name} ({pos.matched}, {pos.provider})" for name, pos in named)
    text = (f"Convex hull of the gazetteer positions of {names}, padded by {pad_km:g} km. "
            "The real boundary differs.")
    if note:
        text += " " + note
    return {
        "type": "Feature",
        "properties": {"region_id": region_id, "precision": "approximate", "precision_note": text},
        "geometry": {"type": "Polygon",
                     "coordinates": [[list(p) for p in padded_hull([(p.lat, p.lon) for _, p in named], pad_km)]]},
    }
