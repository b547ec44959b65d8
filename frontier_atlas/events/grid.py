"""Choosing how to draw many events, and counting them on a grid.

What reaches the browser is bounded by the screen, not by the data: the events in
the viewport (plus a margin) are drawn one by one while there are few of them, and
otherwise counted into square cells of about ``CELL_PX`` screen pixels, one bubble
per cell. A map of 1,000 or 1,000,000 events sends a few hundred shapes either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

import numpy as np
import pandas as pd

from frontier_atlas.domain.viewport import TILE, Viewport, fit_view, mercator
from frontier_atlas.events.eventset import EventSet

POINT_LIMIT = 1000  # events in view drawn one by one up to this many
CELL_PX = 64  # grid cell size on screen


def cell_size(zoom: int) -> float:
    """Cell edge in world units (the whole world is 1) at this zoom."""
    return CELL_PX / (TILE * 2.0 ** zoom)


def cell_keys(mx: np.ndarray, my: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Each position's cell (column, row) at ``zoom``: the one rule both paths count by.

    ``mx`` and ``my`` are float32 (``viewport.mercator``), and so is the division: the
    database does the same sum in ``real``, so an event on a cell's edge falls on the
    same side in both."""
    size = np.float32(cell_size(zoom))
    return (np.floor(mx / size).astype(np.int64), np.floor(my / size).astype(np.int64))


@dataclass(frozen=True)
class CellRange:
    """The grid cells an area touches at a zoom, each counted whole: a bubble says how many
    events its cell holds, not how many of them fall inside the padded view.

    ``columns`` is one range, two across the antimeridian, or None for every column."""

    zoom: int
    columns: tuple[tuple[int, int], ...] | None
    rows: tuple[int, int]

    def keeps(self, ix: np.ndarray, iy: np.ndarray) -> np.ndarray:
        ok = (iy >= self.rows[0]) & (iy <= self.rows[1])
        if self.columns is None:
            return ok
        return ok & reduce(np.logical_or, [(ix >= lo) & (ix <= hi) for lo, hi in self.columns])


def cell_range(area: Viewport, zoom: int) -> CellRange:
    """The cells of ``area``'s corners and all between, by ``cell_keys``' own rule."""
    def key(lat: float, lon: float) -> tuple[int, int]:
        kx, ky = cell_keys(*mercator(np.array([lat]), np.array([lon])), zoom)
        return int(kx[0]), int(ky[0])

    top, bottom = key(area.north, 0.0)[1], key(area.south, 0.0)[1]
    if area.east - area.west >= 360:
        return CellRange(zoom, None, (top, bottom))
    west, east = area.west, area.east
    last = int(np.ceil(1 / cell_size(zoom)))
    if west < -180 or east > 180:  # across the antimeridian: the far east and the far west
        west, east = (west + 360, east) if west < -180 else (west, east - 360)
        return CellRange(zoom, ((key(0.0, west)[0], last), (0, key(0.0, east)[0])), (top, bottom))
    return CellRange(zoom, ((key(0.0, west)[0], key(0.0, east)[0]),), (top, bottom))


@dataclass
class Cells:
    """Counts per grid cell; arrays of equal length, one entry per non-empty cell.

    Positions are kept as sums, so the cells of several sets add up (``merge_cells``);
    ``lat`` and ``lon`` are the mean position, where a cell's bubble goes."""

    zoom: int
    ix: np.ndarray
    iy: np.ndarray
    count: np.ndarray
    lat_sum: np.ndarray
    lon_sum: np.ndarray
    fatalities: np.ndarray

    def __len__(self) -> int:
        return len(self.count)

    @property
    def lat(self) -> np.ndarray:
        return self.lat_sum / self.count

    @property
    def lon(self) -> np.ndarray:
        return self.lon_sum / self.count

    @classmethod
    def empty(cls, zoom: int) -> "Cells":
        none = np.array([], dtype=np.int64)
        return cls(zoom, none, none, none, none.astype(float), none.astype(float), none.astype(float))


def grid(mx: np.ndarray, my: np.ndarray, lat: np.ndarray, lon: np.ndarray,
         fatalities: np.ndarray, zoom: int) -> Cells:
    """Count events per cell with one bincount over the cells the events span."""
    ix, iy = cell_keys(mx, my, zoom)
    if not len(ix):
        return Cells.empty(zoom)
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
    return Cells(zoom, used // ny + x0, used % ny + y0, count[pick],
                 weights["lat"][pick], weights["lon"][pick], weights["fat"][pick])


def merge_cells(parts: list[Cells], zoom: int) -> Cells:
    """The cells of several sets as one grid: a cell both have counts both's events."""
    parts = [c for c in parts if len(c)]
    if not parts:
        return Cells.empty(zoom)
    if len(parts) == 1:
        return parts[0]
    frame = pd.DataFrame({name: np.concatenate([getattr(c, name) for c in parts])
                          for name in ("ix", "iy", "count", "lat_sum", "lon_sum", "fatalities")})
    summed = frame.groupby(["ix", "iy"], sort=True).sum().reset_index()
    return Cells(zoom, *(summed[name].to_numpy() for name in ("ix", "iy", "count", "lat_sum", "lon_sum",
                                                              "fatalities")))


def in_cell(es: EventSet, zoom: int, ix: int, iy: int) -> np.ndarray:
    """Events of one grid cell (as ``grid`` assigns them), as a boolean mask."""
    kx, ky = cell_keys(es.mx, es.my, zoom)
    return (kx == ix) & (ky == iy)


def zoom_to_fit(lat: np.ndarray, lon: np.ndarray, width_px: int = 800, height_px: int = 600,
                max_zoom: int = 14) -> tuple[tuple[float, float], int]:
    """Centre and zoom that show all these positions (a cell's events, when zooming in)."""
    return fit_view((float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max())),
                    width_px, height_px, max_zoom)
