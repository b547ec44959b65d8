"""Importing event sets: ACLED and UCDP shapes, custom CSV and GeoJSON, bad rows, encodings,
the Parquet store, filtering, and the bounded map layer.

The rows below are made-up events in the exports' real column layouts (not data).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.acled import acled_csv, acled_row

from frontier_atlas.domain.access import local_actor
from frontier_atlas.domain.viewport import Viewport
from frontier_atlas.events import ColumnMapping, ImportStore, guess_mapping, import_events, read_events, read_header
from frontier_atlas.events.breakdown import cell_breakdown
from frontier_atlas.events.formats import country_code
from frontier_atlas.events.grid import POINT_LIMIT, grid, in_cell
from frontier_atlas.events.synthetic import acled_frame
from frontier_atlas.map.clicks import Click, read_click
from frontier_atlas.map.events import build_event_layer


@pytest.mark.parametrize("style", ["iso", "text"])
def test_acled_export_in_either_date_format(style):
    data = acled_csv(style).encode()
    mapping = guess_mapping(read_header(data, "acled.csv"))
    assert mapping.fmt == "acled"
    result = read_events(data, "acled.csv", mapping)
    frame = result.frame
    assert result.issues == [] and len(frame) == 3
    assert [str(d.date()) for d in frame["date_start"]] == ["2024-05-18", "2024-05-19", "2024-06-01"]
    # precision codes read as ACLED's codebook defines them
    assert list(frame["date_precision"]) == ["day", "week", "month"]
    assert list(frame["geo_precision"]) == ["town", "town", "district"]
    assert list(frame["country"]) == ["AZE", "ARM", "GEO"]
    assert frame.loc[0, "notes"] == 'An exchange of fire, "reported".'
    assert list(frame["row"]) == [2, 3, 4]
    assert frame["fatalities"].isna().tolist() == [False, False, True]


def test_missing_optional_columns_and_numeric_iso_only():
    data = ("event_date,event_type,iso,latitude,longitude\n"
            "2024-05-18,Battles,31,40.99,45.62\n").encode()
    mapping = guess_mapping(read_header(data, "thin.csv"))
    assert mapping.fmt == "acled" and mapping.missing() == []
    result = read_events(data, "thin.csv", mapping)
    row = result.frame.iloc[0]
    assert result.issues == []
    assert row["country"] == "AZE"  # from the numeric ISO code
    assert row["event_id"] == "row 2" and row["actor1"] == "" and pd.isna(row["fatalities"])


def test_bad_rows_are_listed_with_row_field_and_reason_and_the_rest_load(tmp_path):
    good = acled_csv("iso").strip().splitlines()
    lines = [good[0], good[1],
             acled_row("X2", "31 Feb 2024", "1", "Battles", "Armed clash", "A", "B", "31", "Azerbaijan", "", "P",
                       "40", "45", "1", "n", "0"),
             acled_row("X3", "2024-05-18", "1", "Battles", "Armed clash", "A", "B", "31", "Azerbaijan", "", "P",
                       "95.5", "45", "1", "n", "0"),
             acled_row("X4", "", "1", "Battles", "Armed clash", "A", "B", "31", "Azerbaijan", "", "P",
                       "40", "45", "1", "n", "0"),
             good[2] + ",one field too many",
             acled_row("X6", "2024-05-18", "1", "Battles", "Armed clash", "A", "B", "31", "Azerbaijan", "", "P",
                       "40", "", "1", "n", "many"),
             good[3]]
    data = ("\n".join(lines) + "\n").encode()
    store = ImportStore(tmp_path / "imports")
    info, result = import_events(data, "mixed.csv", guess_mapping(read_header(data, "mixed.csv")), store, by=local_actor())
    where = {(i.row, i.field): i.message for i in result.issues}
    assert where[(3, "event_date")].startswith("'31 Feb 2024' is not a date")
    assert where[(4, "latitude")] == "latitude 95.5 is outside ±90"
    assert where[(5, "event_date")] == "no date"
    assert "expected 31 fields, saw 32" in where[(6, None)]
    assert where[(7, "longitude")] == "no longitude"
    assert info.rows == 2 and info.rejected == 5
    assert list(pd.read_parquet(store.path(info.id))["row"]) == [2, 8]  # as stored
    # the listing downloads as CSV naming file, row, field and reason, with the raw values
    listing = store.issues_csv(info.id).decode()
    assert "mixed.csv,3,event_date,'31 Feb 2024' is not a date" in listing
    assert "X3" in listing


def test_non_utf8_file_is_read_in_its_encoding():
    text = ("event_id_cnty,event_date,event_type,country,location,latitude,longitude,notes\n"
            "CIV1,12 March 2024,Protests,Côte d'Ivoire,Bouaké,7.69,-5.03,Rassemblement à Bouaké — calme\n")
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_events(data, "civ.csv", guess_mapping(read_header(data, "civ.csv")))
    row = result.frame.iloc[0]
    assert result.issues == []
    assert row["location"] == "Bouaké" and row["country"] == "CIV" and "à Bouaké" in row["notes"]


UCDP = ("id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
        "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
        "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
        "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
        "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
        "high,low\n"
        "101,X-1,2020,1,Clear,1,1,1,Azerbaijan: Nagorno-Karabakh,1,1,Government of Azerbaijan - Government of Armenia,"
        "1,1,Government of Azerbaijan,2,2,Government of Armenia,2,a,Example Office,2020-09-27,A headline,,4,"
        "Tartar district,,Tartar,,40.34,46.93,POINT (46.93 40.34),1,Azerbaijan,373,Europe,1,1,"
        "2020-09-27 00:00:00.000,2020-09-28 00:00:00.000,3,2,0,0,5,7,5\n"
        "102,X-2,2020,1,Clear,3,2,2,Side - civilians,2,2,Dyad,3,3,Government of Armenia,4,4,Civilians,1,b,Office,"
        "2020-10-04,Other headline,,6,Armenia,,,,40.0,45.0,POINT (45 40),2,Russia (Soviet Union),365,Europe,1,4,"
        "2020-10-01,2020-10-31,0,0,1,0,1,1,1\n")


def test_ucdp_ged_export():
    data = UCDP.encode()
    mapping = guess_mapping(read_header(data, "ged.csv"))
    assert mapping.fmt == "ucdp"
    frame = read_events(data, "ged.csv", mapping).frame
    assert list(frame["event_type"]) == ["State-based conflict", "One-sided violence"]
    assert list(frame["geo_precision"]) == ["region", "country"]
    assert list(frame["date_precision"]) == ["day", "month"]
    assert [str(d.date()) for d in frame["date_end"]] == ["2020-09-28", "2020-10-31"]
    assert list(frame["country"]) == ["AZE", "RUS"]
    assert list(frame["fatalities"]) == [5, 1]
    assert frame.loc[0, "actor2"] == "Government of Armenia"


def test_custom_geojson_with_a_column_mapping():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [46.75, 39.82]},
         "properties": {"when": "03/04/2024", "what": "Drill", "where": "Shusha", "iso3": "AZE"}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
         "properties": {"when": "2024-04-05", "what": "Area", "where": "Somewhere", "iso3": "AZE"}},
        {"type": "Feature", "geometry": None, "properties": {"when": "2024-04-06", "what": "x"}},
    ]}
    data = json.dumps(doc).encode()
    header = read_header(data, "mine.geojson")
    assert {"when", "what", "where", "latitude", "longitude"} <= set(header)
    mapping = ColumnMapping("custom", {"date": "when", "event_type": "what", "location": "where",
                                       "country": "iso3", "latitude": "latitude", "longitude": "longitude"},
                            day_first=True)
    result = read_events(data, "mine.geojson", mapping)
    assert len(result.frame) == 1
    row = result.frame.iloc[0]
    assert str(row["date_start"].date()) == "2024-04-03" and row["latitude"] == 39.82 and row["country"] == "AZE"
    assert [(i.row, i.field) for i in result.issues] == [(2, "geometry"), (3, "geometry")]
    assert "Polygon, not a Point" in result.issues[0].message


def test_a_custom_file_needs_date_and_position_columns(tmp_path):
    data = b"name,when\nx,2024-01-01\n"
    mapping = guess_mapping(read_header(data, "x.csv"))
    assert mapping.fmt == "custom" and mapping.columns["date"] == "when"
    assert set(mapping.missing()) == {"latitude", "longitude"}
    with pytest.raises(ValueError, match="latitude"):
        import_events(data, "x.csv", mapping, ImportStore(tmp_path), by=local_actor())


@pytest.mark.parametrize("value, code", [("31", "AZE"), ("051", "ARM"), ("AZ", "AZE"), ("GEO", "GEO"),
                                         ("Iran", "IRN"), ("Cambodia (Kampuchea)", "KHM"),
                                         ("Russia (Soviet Union)", "RUS"), ("DR Congo (Zaire)", "COD"),
                                         ("Atlantis", None), ("", None)])
def test_country_codes_as_exports_give_them(value, code):
    assert country_code(value) == code


def write_synthetic(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / f"synthetic-{rows}.csv"
    acled_frame(rows, seed=3).to_csv(path, index=False)
    return path


def test_store_reopens_a_set_and_skips_half_written_ones(tmp_path):
    path = write_synthetic(tmp_path, 5000)
    store = ImportStore(tmp_path / "imports")
    info, _ = import_events(path, path.name, guess_mapping(read_header(path.read_bytes(), path.name)), store, "Syn", by=local_actor())
    (store.folder / ".tmp-broken").mkdir()  # a save killed half-way leaves only a temp folder
    (store.folder / ".tmp-broken" / "events.parquet").write_bytes(b"PAR1 half")
    assert [s.id for s in ImportStore(store.folder).sets()] == [info.id]
    es = store.open(info.id)
    assert es.n == 5000 and es.name == "Syn"
    detail = store.events(info.id, [0, 4999])
    assert list(detail["row"]) == [2, 5001] and detail.loc[0, "notes"].startswith("Synthetic event near")
    store.delete(info.id, by=local_actor())
    assert store.sets() == []


def test_filters_on_an_event_set(tmp_path):
    data = acled_csv("iso").encode()
    store = ImportStore(tmp_path)
    info, _ = import_events(data, "a.csv", guess_mapping(read_header(data, "a.csv")), store, by=local_actor())
    es = store.open(info.id)
    assert es.span == (date(2024, 5, 18), date(2024, 6, 1))
    assert es.mask().tolist() == [True, True, True]
    assert es.mask(date(2024, 5, 19), date(2024, 5, 31)).tolist() == [False, True, False]
    assert es.mask(countries=frozenset({"GEO", "ARM"})).tolist() == [False, True, True]
    assert es.mask(event_types=frozenset({"Battles"})).tolist() == [True, False, False]
    assert es.mask(query="protesters").tolist() == [False, True, False]  # actors are searched
    assert es.mask(query="AGDAM").tolist() == [True, False, False]  # so are locations, any case


def test_grid_counts_every_event_once():
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(35, 45, 50_000), rng.uniform(40, 50, 50_000)
    from frontier_atlas.domain.viewport import mercator

    mx, my = mercator(lat, lon)
    cells = grid(mx, my, lat, lon, np.ones(50_000, np.float32), zoom=6)
    assert cells.count.sum() == 50_000 and cells.fatalities.sum() == 50_000
    assert len(cells) < 400  # bounded by the view, not the data
    assert ((cells.lat >= 35) & (cells.lat <= 45)).all()


def test_layer_stays_bounded_and_switches_from_points_to_grid(tmp_path):
    path = write_synthetic(tmp_path, 100_000)
    store = ImportStore(tmp_path / "imports")
    info, _ = import_events(path, path.name, guess_mapping(read_header(path.read_bytes(), path.name)), store, by=local_actor())
    es = store.open(info.id)
    import folium
    from streamlit_folium import _get_feature_group_string

    world = Viewport(-60, -180, 75, 180, 2)
    fg, summary = build_event_layer([(es, es.mask())], world)
    assert summary.mode == "grid" and summary.in_view == 100_000 and summary.shapes < 300
    payload = _get_feature_group_string(fg, folium.Map())
    assert len(payload) < 120_000
    # a town's close-up: few enough to draw one by one, each with its own click token
    lat, lon = float(es.lat[0]), float(es.lon[0])
    close = Viewport(lat - 0.01, lon - 0.01, lat + 0.01, lon + 0.01, 14)
    fg, summary = build_event_layer([(es, es.mask())], close)
    assert summary.mode == "points" and 0 < summary.shapes <= POINT_LIMIT
    layer = next(iter(fg._children.values()))
    assert layer.data["sets"][0][0] == es.id and any(p[8] == 0 for p in layer.data["points"])
    text = _get_feature_group_string(fg, folium.Map())
    assert len(text) < 6_000 + 80 * summary.shapes  # compact rows, texts sent once
    # a grid cell's breakdown counts the same events the bubble counted
    cells = grid(es.mx, es.my, es.lat, es.lon, es.fatalities, 4)
    k = int(np.argmax(cells.count))
    b = cell_breakdown([(es, es.mask())], 4, int(cells.ix[k]), int(cells.iy[k]))
    assert b.count == cells.count[k] == int(in_cell(es, 4, int(cells.ix[k]), int(cells.iy[k])).sum())
    assert b.by_type["events"].sum() == b.count and b.zoom > 4


def test_hostile_text_in_imported_events_is_escaped(tmp_path):
    data = ('event_id_cnty,event_date,event_type,location,actor1,latitude,longitude\n'
            'X1,2024-01-01,"<img src=x onerror=alert(1)>","<script>alert(1)</script>","`${alert(1)}`",40,45\n').encode()
    store = ImportStore(tmp_path)
    info, _ = import_events(data, "x.csv", guess_mapping(read_header(data, "x.csv")), store, by=local_actor())
    es = store.open(info.id)
    fg, summary = build_event_layer([(es, es.mask())], Viewport(39, 44, 41, 46, 8))
    import folium
    from streamlit_folium import _get_feature_group_string

    text = _get_feature_group_string(fg, folium.Map())
    assert summary.mode == "points"
    assert "<script>alert" not in text and "<img" not in text
    assert "&lt;script&gt;" in text.replace("\\u0026", "&") or "\\u0026lt;script" in text


@pytest.mark.parametrize("tooltip, click", [
    ("Agdam\u27e6x-abc123-17\u27e7", Click(event=("abc123", 17))),
    ("1,234 events\u27e6g-6-40-25\u27e7", Click(cell=(6, 40, 25))),
    ("record \u27e6aras-2025\u27e7", Click(record="aras-2025")), (None, None), ("\u27e6g-6-x-1\u27e7", None),
])
def test_click_tokens(tooltip, click):
    assert read_click(tooltip) == click
