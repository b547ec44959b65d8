"""Real outlines and the province gazetteer, from the built Natural Earth base map files.

``make test`` builds ``static/basemap/`` first (frontier_atlas.basemap.regions.build_regions).
"""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, shape
from support.paths import ROOT

from frontier_atlas.basemap.regions import area_km2
from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.provinces import ProvinceGazetteer, province_outline
from frontier_atlas.places.locate import locate_all
from frontier_atlas.settings import STATIC_DIR

BASEMAP = STATIC_DIR / "basemap"
# published areas: the Nagorno-Karabakh Autonomous Oblast, Abkhazia, South Ossetia
TARGET_KM2 = {"karabakh": 4_400, "abkhazia": 8_700, "south-ossetia": 3_900}


@pytest.fixture(scope="module")
def regions() -> dict[str, dict]:
    path = BASEMAP / "regions.geojson"
    assert path.exists(), "build static/basemap first (frontier_atlas.basemap.regions.build_regions)"
    return {f["properties"]["region_id"]: f for f in json.loads(path.read_text(encoding="utf-8"))["features"]}


@pytest.fixture(scope="module")
def provinces() -> dict[str, dict]:
    path = BASEMAP / "provinces.json"
    assert path.exists(), "build static/basemap first (frontier_atlas.basemap.regions.build_regions)"
    assert path.stat().st_size < 3_200_000
    return {p["id"]: p for p in json.loads(path.read_text(encoding="utf-8"))["provinces"]}


@pytest.mark.parametrize("rid", sorted(TARGET_KM2))
def test_region_outlines_are_real_and_the_right_size(regions, rid):
    feature = regions[rid]
    props = feature["properties"]
    assert props["precision"] == "boundary"
    assert "Natural Earth 10m v4.1.0" in props["precision_note"] and "2018" in props["precision_note"]
    assert props["source"]
    area = area_km2(shape(feature["geometry"]))
    assert abs(area - TARGET_KM2[rid]) <= 0.25 * TARGET_KM2[rid], (rid, area)


def test_karabakh_note_says_its_data_predate_2020_and_2023(regions):
    note = regions["karabakh"]["properties"]["precision_note"]
    assert "Autonomous Oblast" in note and "2020" in note and "2023" in note


@pytest.mark.parametrize("pid, country, low, high", [
    ("adm1-irn-ardebil", "IRN", 15_000, 23_000),  # Ardabil province, about 17,800 km²
    ("adm1-arm-syunik", "ARM", 3_800, 5_200),  # about 4,500 km²
    ("adm1-irn-east-azarbaijan", "IRN", 40_000, 52_000),  # about 45,500 km²
    ("adm1-aze-nakhchivan", "AZE", 4_000, 6_000),  # the republic, about 5,500 km²
])
def test_provinces_have_their_true_shapes(provinces, pid, country, low, high):
    entry = provinces[pid]
    assert entry["country"] == country
    assert low <= entry["area_km2"] <= high
    drawn = shape(entry["geometry"])
    assert low <= area_km2(drawn) <= high  # the simplified outline keeps the shape
    assert drawn.contains(Point(entry["point"]))


def test_nakhchivan_groups_its_eight_units(provinces):
    entry = provinces["adm1-aze-nakhchivan"]
    assert entry["members"] == 8
    units = [p for p in provinces.values() if p["country"] == "AZE" and p["name"] in
             {"Babək", "Culfa", "Naxçıvan", "Şərur", "Sədərək", "Kangarli", "Şahbuz", "Ordubad"}]
    assert len(units) == 8
    assert abs(sum(u["area_km2"] for u in units) - entry["area_km2"]) < 0.02 * entry["area_km2"]


@pytest.mark.parametrize("query, pid, iso2", [
    ("Syunik Province", "adm1-arm-syunik", "AM"),
    ("Syunik", "adm1-arm-syunik", "AM"),
    ("Ardabil Province", "adm1-irn-ardebil", "IR"),
    ("East Azerbaijan", "adm1-irn-east-azarbaijan", "IR"),
    ("East Azarbaijan", "adm1-irn-east-azarbaijan", "IR"),
    ("East Azerbaijan Province", "adm1-irn-east-azarbaijan", "IR"),
    ("Nakhchivan Autonomous Republic", "adm1-aze-nakhchivan", "AZ"),
    ("Nakhchivan Autonomous Region", "adm1-aze-nakhchivan", "AZ"),
])
def test_province_names_resolve_to_the_province(provinces, query, pid, iso2):
    # the chain without curated places: what the province gazetteer adds to it
    for pos in (ProvinceGazetteer().geocode(query)[0], GeocoderChain([]).locate(query)):
        assert (pos.precision, pos.provider, pos.country, pos.region_id) == ("region", "Natural Earth", iso2, pid)
        assert "Natural Earth 10m v4.1.0 (2018)" in pos.how_found
        assert shape(provinces[pid]["geometry"]).contains(Point(pos.lon, pos.lat))


def test_towns_stay_towns_and_hints_are_respected():
    geo = GeocoderChain([])
    goris = geo.locate("Goris", "ARM")
    assert goris.precision == "town" and goris.provider == "GeoNames"
    ardabil = geo.locate("Ardabil")  # the city of 400,000, not the province named after it
    assert ardabil.precision == "town"
    assert ProvinceGazetteer().geocode("Syunik Province", "IRN") == []
    assert geo.locate("Syunik Province", "IRN") is None
    assert ProvinceGazetteer().geocode("Syunik", "ARM")[0].country == "AM"


def test_province_outline_feature():
    feature = province_outline("adm1-arm-syunik")
    props = feature["properties"]
    assert props["region_id"] == "adm1-arm-syunik" and props["precision"] == "boundary"
    assert "Natural Earth 10m v4.1.0" in props["precision_note"] and "2018" in props["precision_note"]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert province_outline("adm1-nowhere") is None


def test_curated_regions_get_the_real_outlines():
    ds = load_dataset(ROOT / "data")
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    for rid, target in TARGET_KM2.items():
        outline = located[rid].outline
        assert outline["properties"]["precision"] == "boundary", rid
        assert abs(area_km2(shape(outline["geometry"])) - target) <= 0.25 * target
        assert ds.outlines[rid] is outline
    # where nothing better exists the hull stays, and says it is approximate
    assert located["syunik-transit"].outline["properties"]["precision"] == "approximate"


def test_a_record_at_a_province_can_draw_its_outline():
    ds = load_dataset(ROOT / "data")
    rid, rec = next((k, r) for k, r in ds.records.items() if r.kind == "exercise")
    ds.records[rid] = rec.model_copy(update={"places": ["Syunik Province|ARM"], "lat": None, "lon": None})
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    assert located[rid].point.region_id == "adm1-arm-syunik"
    assert ds.outlines["adm1-arm-syunik"]["properties"]["precision"] == "boundary"
