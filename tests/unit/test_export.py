"""Exports: round trips, spreadsheet safety, valid GeoJSON and KML."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from support.csvfiles import edit_csv
from support.paths import DATA, SEED

from frontier_atlas.data.csvsafe import spreadsheet_safe
from frontier_atlas.data.curated import load_dataset
from frontier_atlas.data.export import (
    records_from_csv,
    records_from_geojson,
    to_csv,
    to_geojson,
    to_kml,
)
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.places.locate import locate_all


def load(folder):
    ds = load_dataset(folder)
    return ds, locate_all(ds, GeocoderChain(ds.places, ds.overrides))


@pytest.mark.parametrize("folder", [SEED, DATA], ids=["seed", "curated"])
def test_csv_and_geojson_round_trip(folder):
    ds, located = load(folder)
    ids = list(ds.records)
    original = [ds.records[i].model_dump() for i in ids]
    assert [r.model_dump() for r in records_from_csv(to_csv(ds, located, ids))] == original
    assert [r.model_dump() for r in records_from_geojson(to_geojson(ds, located, ids))] == original


def test_geojson_is_valid_and_positions_are_lon_lat():
    ds, located = load(SEED)
    data = json.loads(to_geojson(ds, located, list(ds.records)))
    assert data["type"] == "FeatureCollection"
    by_id = {f["id"]: f for f in data["features"]}
    assert by_id["bileh-savar"]["geometry"] == {"type": "Point", "coordinates": [48.35463, 39.37961]}
    assert by_id["karabakh"]["geometry"]["type"] == "Polygon"
    assert by_id["aras-2025-entry"]["geometry"]["type"] == "LineString"
    assert by_id["peace-text-2025"]["geometry"] is None
    for f in data["features"]:
        if f["geometry"] and f["geometry"]["type"] == "Polygon":
            ring = f["geometry"]["coordinates"][0]
            assert ring[0] == ring[-1] and len(ring) >= 4


def test_formula_cells_are_neutralised_and_restored(data_copy):
    edit_csv(data_copy / "exercises.csv", "aras-2025", name="=HYPERLINK(\"http://x\",\"y\")",
             commander="@SUM(A1)", description="+1+1")
    ds, located = load(data_copy)
    text = to_csv(ds, located, ["aras-2025"])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=") and row["commander"].startswith("'@") and row["description"] == "'+1+1"
    assert row["position_lon"] == "46.76950"  # numbers are not prefixed
    back = records_from_csv(text)[0]
    assert back.name == "=HYPERLINK(\"http://x\",\"y\")" and back.commander == "@SUM(A1)"
    assert spreadsheet_safe("-12.5") == "-12.5" and spreadsheet_safe("-cmd") == "'-cmd"


def test_kml_is_well_formed_with_hostile_text(data_copy):
    edit_csv(data_copy / "crossings.csv", "bileh-savar", name='<b>&"x"</b>]]>')
    ds, located = load(data_copy)
    root = ET.fromstring(to_kml(ds, located, list(ds.records)).split("\n", 1)[1])
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == len(ds.records)
    names = {m.get("id"): m.find("k:name", ns).text for m in marks}
    assert names["bileh-savar"] == '<b>&"x"</b>]]>'
    point = root.find(".//k:Placemark[@id='bileh-savar']/k:Point/k:coordinates", ns).text
    assert point == "48.35463,39.37961"
