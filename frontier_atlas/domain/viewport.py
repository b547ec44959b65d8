"""What a map of a given size shows, and which part of the data a refit should show.

The records' map, the imported events' layer, a grid cell's "zoom in" and the page's
own refit all choose a view; they share these rules so the same data gives the same
view wherever it is fitted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TILE = 256  # Web Mercator pixels per world at zoom 0
SAMPLE = 200_000  # positions looked at when choosing a view: a sample is as good, and fast
MIN_ZOOM, MAX_ZOOM = 0, 18  # what the map can show (its own limits are 2 and 18)
LON_LIMIT = 540.0  # an unwrapped map reports longitudes past 180; beyond a world and a half is junk

Bounds = tuple[float, float, float, float]  # south, west, north, east


def finite(value: object) -> float | None:
    """A number from the browser, or None: the map's reports are data a visitor can forge
    (strings, NaN, infinity, nested junk), and one bad value must not raise in the session."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):  # "x", or an int too large for a float
        return None
    return number if math.isfinite(number) else None


def map_zoom(value: object) -> int | None:
    """A reported zoom as a whole number the map can show (clamped); None if not a number.
    ``2.0 ** zoom`` is everywhere below: a zoom of 1e6 would overflow it."""
    number = finite(value)
    return None if number is None else int(min(max(number, MIN_ZOOM), MAX_ZOOM))


def map_point(value: object) -> tuple[float, float] | None:
    """A reported ``{"lat", "lng"}`` as (lat, lon) clamped to the world; None if malformed."""
    if not isinstance(value, dict):
        return None
    lat, lon = finite(value.get("lat")), finite(value.get("lng"))
    if lat is None or lon is None:
        return None
    return min(max(lat, -90.0), 90.0), min(max(lon, -LON_LIMIT), LON_LIMIT)


def mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator in world units (0..1 each way), the plane the map draws in."""
    x = (lon + 180.0) / 360.0
    phi = np.radians(np.clip(lat, -85.05, 85.05))
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / np.pi) / 2.0
    return x.astype(np.float32), y.astype(np.float32)


@dataclass(frozen=True)
class Viewport:
    south: float
    west: float
    north: float
    east: float
    zoom: int

    @classmethod
    def from_map(cls, bounds: dict | None, zoom: int | None) -> "Viewport | None":
        """From st_folium's returned ``bounds`` and ``zoom``; None when it sent none yet or
        sent something that is not a view (clamped to the world and the map's zooms)."""
        if not isinstance(bounds, dict):
            return None
        sw, ne, z = map_point(bounds.get("_southWest")), map_point(bounds.get("_northEast")), map_zoom(zoom)
        if sw is None or ne is None or z is None:
            return None
        vp = cls(sw[0], sw[1], ne[0], ne[1], z)
        return vp if vp.north > vp.south and vp.east > vp.west else None

    @classmethod
    def fit(cls, south: float, west: float, north: float, east: float,
            width_px: int = 800, height_px: int = 600) -> "Viewport":
        """The view a map of this size shows when it fits these bounds (Leaflet's fitBounds)."""
        x0, y1 = mercator(np.array([south]), np.array([west]))
        x1, y0 = mercator(np.array([north]), np.array([east]))
        dx, dy = max(float(x1[0] - x0[0]), 1e-9), max(float(y1[0] - y0[0]), 1e-9)
        zoom = int(max(1, min(16, math.floor(math.log2(min(width_px / (dx * TILE), height_px / (dy * TILE)))))))
        return cls(south, west, north, east, zoom)

    @classmethod
    def around(cls, centre: tuple[float, float], zoom: int, width_px: int = 800, height_px: int = 600) -> "Viewport":
        """The view a map of this size shows at this centre and zoom (Leaflet's setView);
        the zoom is clamped to the map's, as the centre's latitude is by ``mercator``."""
        zoom = map_zoom(zoom) or MIN_ZOOM
        scale = TILE * 2.0 ** zoom  # pixels per world unit
        cx, cy = mercator(np.array([centre[0]]), np.array([centre[1]]))
        half_x, half_y = width_px / 2 / scale, height_px / 2 / scale
        y_top, y_bottom = max(0.0, float(cy[0]) - half_y), min(1.0, float(cy[0]) + half_y)
        lat = lambda y: math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))  # noqa: E731
        west, east = (float(cx[0]) - half_x) * 360 - 180, (float(cx[0]) + half_x) * 360 - 180
        return cls(lat(y_bottom), max(-180.0, west), lat(y_top), min(180.0, east), int(zoom))

    def size_px(self) -> tuple[int, int]:
        """The map's size on screen, in pixels, when it shows this view."""
        scale = TILE * 2.0 ** self.zoom
        x0, y1 = mercator(np.array([self.south]), np.array([self.west]))
        x1, y0 = mercator(np.array([self.north]), np.array([self.east]))
        return round(float(x1[0] - x0[0]) * scale), round(float(y1[0] - y0[0]) * scale)

    def padded(self, share: float = 0.5) -> "Viewport":
        """The view grown by ``share`` of its size on each side: small pans need nothing new."""
        dlat, dlon = (self.north - self.south) * share, (self.east - self.west) * share
        return Viewport(max(-90.0, self.south - dlat), max(-180.0, self.west - dlon),
                        min(90.0, self.north + dlat), min(180.0, self.east + dlon), self.zoom)

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        if self.east - self.west >= 360:
            return (lat >= self.south) & (lat <= self.north)
        west = (self.west + 180) % 360 - 180
        east = (self.east + 180) % 360 - 180
        in_lon = (lon >= west) & (lon <= east) if west <= east else (lon >= west) | (lon <= east)
        return (lat >= self.south) & (lat <= self.north) & in_lon


def middle_bounds(lats: Sequence[float] | np.ndarray, lons: Sequence[float] | np.ndarray) -> Bounds | None:
    """The box to show: every position when there are fewer than ten; when more, the
    middle 90 % on each axis, so one far-away record (a summit in Washington) does not
    zoom the map out to the world. None when there are no positions."""
    lat, lon = np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)
    if not len(lat):
        return None
    if len(lat) > SAMPLE:
        step = len(lat) // SAMPLE + 1
        lat, lon = lat[::step], lon[::step]
    n = len(lat)
    cut = n // 20 if n >= 10 else 0
    ends = [cut, n - 1 - cut]
    south, north = np.partition(lat, ends)[ends]
    west, east = np.partition(lon, ends)[ends]
    return float(south), float(west), float(north), float(east)


def union_bounds(*boxes: Bounds | None) -> Bounds | None:
    """The box around all these boxes (records and imported events in one view); None if none."""
    given = [b for b in boxes if b]
    if not given:
        return None
    return (min(b[0] for b in given), min(b[1] for b in given),
            max(b[2] for b in given), max(b[3] for b in given))


def fit_view(bounds: Bounds, width_px: int = 560, height_px: int = 520,
             max_zoom: int = 9) -> tuple[tuple[float, float], int]:
    """Centre and zoom that show ``bounds`` on a map of this size, zoomed in at most to ``max_zoom``:
    the page asks for this view itself, so it knows where the map is without waiting for it."""
    south, west, north, east = bounds
    centre = ((south + north) / 2, (west + east) / 2)
    if north <= south and east <= west:  # one position: as close as allowed
        return centre, max_zoom
    return centre, min(max_zoom, Viewport.fit(south, west, north, east, width_px, height_px).zoom)
