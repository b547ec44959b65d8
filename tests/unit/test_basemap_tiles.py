"""The built base map read back: what an analyst needs to find is in the tiles.

Reads ``static/basemap/`` as ``make test`` builds it (``python -m frontier_atlas basemap``),
with the pmtiles reader for the archive's header and tippecanoe-decode for the tiles.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from pmtiles.reader import MmapSource, Reader

from frontier_atlas.basemap.build import is_built
from frontier_atlas.basemap.vector import DATA_DATE, DETAIL_BOUNDS, MAXZOOM
from frontier_atlas.map.offline import BASEMAP_DIR

VECTOR = BASEMAP_DIR / "vector.pmtiles"
DECODE = Path(sys.executable).with_name("tippecanoe-decode")


@pytest.fixture(scope="module", autouse=True)
def built():
    assert is_built(), "the base map is not built: run `make basemap` (make test builds it first)"


def tile_xy(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    n = 2 ** zoom
    y = (1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2
    return int((lon + 180) / 360 * n), int(y * n)


def decode(lat: float, lon: float, zoom: int) -> dict[str, list[dict]]:
    """Layer -> features of the tile holding (lat, lon) at ``zoom``."""
    x, y = tile_xy(lat, lon, zoom)
    out = subprocess.run([str(DECODE), str(VECTOR), str(zoom), str(x), str(y)],
                         capture_output=True, text=True, check=True).stdout
    return {layer["properties"]["layer"]: layer["features"] for layer in json.loads(out)["features"]}


def names(features: list[dict], key: str = "name") -> set[str]:
    return {f["properties"].get(key) for f in features}


def test_header_covers_the_region_in_full_and_the_world_coarsely():
    with VECTOR.open("rb") as f:
        header = Reader(MmapSource(f)).header()
    assert header["min_zoom"] == 0 and header["max_zoom"] == MAXZOOM
    west, south, east, north = DETAIL_BOUNDS
    assert header["min_lon_e7"] / 1e7 <= west and header["max_lon_e7"] / 1e7 >= east
    assert header["min_lat_e7"] / 1e7 <= south and header["max_lat_e7"] / 1e7 >= north
    # far from the region only the coarse zooms exist: Buenos Aires at 6, not at 8
    assert decode(-34.6, -58.4, 6).get("earth")
    assert "earth" not in decode(-34.6, -58.4, 8)


def test_the_aras_is_in_the_river_layer():
    # the Aras at Julfa (Nakhchivan's border with Iran), at the zoom a regional view uses
    assert "Aras" in names(decode(38.95, 45.63, 8).get("rivers", []))
    assert "Kura" in names(decode(40.0, 48.47, 8).get("rivers", []))


def test_ardabil_is_in_the_province_layer():
    tile = decode(38.25, 48.29, 7)
    assert any("Ardebil" in n or "Ardabil" in n for n in names(tile["provinces"]) if n)
    assert "Syunik" in names(decode(39.3, 46.3, 8)["provinces"])


def test_stepanakert_is_labelled_at_zoom_eight_or_above():
    found = set()
    for zoom in range(8, MAXZOOM + 1):
        found |= names(decode(39.8177, 46.7528, zoom).get("places", []))
    assert found & {"Stepanakert", "Khankendi"}, sorted(n for n in found if n)[:40]


def test_capitals_and_lakes_are_labelled():
    six = decode(40.2, 44.9, 6)["places"] + decode(40.4, 49.9, 6)["places"] + decode(38.1, 46.3, 6)["places"]
    assert {"Yerevan", "Baku", "Tabriz"} <= names(six)
    assert "Lake Sevan" in names(decode(40.35, 45.3, 7)["places"])


def test_karabakh_disputed_line_is_there_with_its_data_date():
    tile = decode(39.9, 46.6, 8)
    lines = tile.get("disputed", [])
    assert "Former USSR oblast in 1991" in names(lines)
    assert all(DATA_DATE in f["properties"]["label"] for f in lines)
    assert any(f["properties"].get("kind") == "disputed" for z in (7, 8)
               for f in decode(39.9, 46.6, z).get("places", []))
