"""Choosing how to draw many events, and counting them on a grid.

What reaches the browser is bounded by the screen, not by the data: the events in
the viewport (plus a margin) are drawn one by one while there are few of them, and
otherwise counted into square cells of about ``CELL_PX`` screen pixels, one bubble
per cell. A map of 1,000 or 1,000,000 events sends a few hundred shapes either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from frontier_atlas.imports.eventset import EventSet, mercator

POINT_LIMIT = 1000  # events in view drawn one by one up to this many
CELL_PX = 64  # grid cell size on screen
TILE = 256  # Web Mercator pixels per world at zoom 0


@dataclass(frozen=True)
class Viewport:
    south: float
    west: float
    north: float
    east: float
    zoom: int

    @classmethod
    def from_map(cls, bounds: dict | None, zoom: int | None) -> "Viewport | None":
        """From st_folium's returned ``bounds`` and ``zoom``; None when it sent none yet."""
        try:
            sw, ne = bounds["_southWest"], bounds["_northEast"]
            vp = cls(float(sw["lat"]), float(sw["lng"]), float(ne["lat"]), float(ne["lng"]), int(zoom))
        except (TypeError, KeyError, ValueError):
            return None
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
        """The view a map of this size shows at this centre and zoom (Leaflet's setView)."""
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


def cell_size(zoom: int) -> float:
    """Cell edge in world units (the whole world is 1) at this zoom."""
    return CELL_PX / (TILE * 2.0 ** zoom)


@dataclass
class Cells:
    """Counts per grid cell; arrays of equal length, one entry per non-empty cell."""

    zoom: int
    ix: np.ndarray
    iy: np.ndarray
    count: np.ndarray
    lat: np.ndarray  # mean position of the cell's events, where its bubble goes
    lon: np.ndarray
    fatalities: np.ndarray

    def __len__(self) -> int:
        return len(self.count)


def grid(mx: np.ndarray, my: np.ndarray, lat: np.ndarray, lon: np.ndarray,
         fatalities: np.ndarray, zoom: int) -> Cells:
    """Count events per cell with one bincount over the cells the events span."""
    size = cell_size(zoom)
    ix = np.floor(mx / size).astype(np.int64)
    iy = np.floor(my / size).astype(np.int64)
    if not len(ix):
        empty = np.array([], dtype=np.int64)
        return Cells(zoom, empty, empty, empty, empty.astype(float), empty.astype(float), empty.astype(float))
    x0, y0 = ix.min(), iy.min()
    nx, ny = int(ix.max() - x0 + 1), int(iy.max() - y0 + 1)
    if nx * ny <= 4_000_000:  # dense: the usual case, cells of one viewport
        flat = (ix - x0) * ny + (iy - y0)
        count = np.bincount(flat, minlength=nx * ny)
        used = np.nonzero(count)[0]
        inverse = None
    else:  # a sparse spread (a whole world at a deep zoom): sort instead
        used, inverse = np.unique((ix - x0) * ny + (iy - y0), return_inverse=True)
        flat, count = inverse, np.bincount(inverse)
    weights = {name: np.bincount(flat, weights=values, minlength=len(count))
               for name, values in (("lat", lat), ("lon", lon), ("fat", np.nan_to_num(fatalities)))}
    pick = used if inverse is None else np.arange(len(used))
    n = count[pick]
    return Cells(zoom, used // ny + x0, used % ny + y0, n,
                 weights["lat"][pick] / n, weights["lon"][pick] / n, weights["fat"][pick])


def in_cell(es: EventSet, zoom: int, ix: int, iy: int) -> np.ndarray:
    """Events of one grid cell (as ``grid`` assigns them), as a boolean mask."""
    size = cell_size(zoom)
    return (np.floor(es.mx / size) == ix) & (np.floor(es.my / size) == iy)


def zoom_to_fit(lat: np.ndarray, lon: np.ndarray, width_px: int = 800, height_px: int = 600,
                max_zoom: int = 14) -> tuple[tuple[float, float], int]:
    """Centre and zoom that show all these positions (a cell's events, when zooming in)."""
    vp = Viewport.fit(float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max()),
                      width_px, height_px)
    centre = ((float(lat.min()) + float(lat.max())) / 2, (float(lon.min()) + float(lon.max())) / 2)
    return centre, min(max_zoom, vp.zoom if lat.max() > lat.min() or lon.max() > lon.min() else max_zoom)
