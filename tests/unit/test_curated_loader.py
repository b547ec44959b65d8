"""Loading and validating the curated data: the real files, and broken copies of them."""

from __future__ import annotations

from datetime import date

from support.csvfiles import append_csv, edit_csv
from support.paths import SEED

from frontier_atlas.data.curated import load_dataset


def test_seed_data_loads_without_problems():
    ds = load_dataset(SEED)
    assert ds.issues == []
    kinds = {r.kind for r in ds.records.values()}
    assert kinds == {"exercise", "crossing", "region", "event", "movement"}
    for rec in ds.records.values():
        assert rec.source_ids and all(s in ds.sources for s in rec.source_ids)


def test_seed_article_facts_are_in_the_data():
    ds = load_dataset(SEED)
    aras = ds.records["aras-2025"]
    assert (aras.start, aras.end) == (date(2025, 5, 18), date(2025, 5, 21))
    assert set(aras.participants) == {"IRN", "AZE"}
    assert "Vali Ma'dani" in aras.commander
    assert aras.places == ["Karabakh"]
    assert any("IRGC Ground Forces" in f for f in aras.forces)
    assert "tehrantimes-2025-05-18" in aras.source_ids
    assert aras.crossing_id == ["bileh-savar"] and aras.region_id == ["karabakh"]
    earlier = ds.records["aras-joint-2024"]
    assert (earlier.start, earlier.end) == (date(2024, 11, 24), date(2024, 11, 27))
    assert "Aslanduz region" in earlier.places and "Ardabil Province" in earlier.places
    crossing = ds.records["bileh-savar"]
    assert (crossing.country_a, crossing.country_b) == ("IRN", "AZE")
    move = ds.records["aras-2025-entry"]
    assert (move.from_place, move.to_place, move.exercise_id) == (
        "Bileh-Savar border crossing", "Karabakh", ["aras-2025"])
    assert ds.records["karabakh-offensive-2023"].start == date(2023, 9, 19)
    assert ds.records["peace-text-2025"].start == date(2025, 3, 13)
    assert ds.records["karabakh-war-2020"].start == date(2020, 9, 27)
    assert [p.controller_country for p in ds.control if p.region_id == "karabakh"] == [None, "AZE"]
    assert ds.sources["tehrantimes-2025-05-18"].publisher == "Tehran Times"


def test_bad_rows_name_file_row_field_and_the_rest_loads(data_copy):
    edit_csv(data_copy / "exercises.csv", "aras-2025", start="2025-13-40")
    edit_csv(data_copy / "exercises.csv", "aras-joint-2024", participants="IRN;XXX")
    ds = load_dataset(data_copy)
    messages = [str(i) for i in ds.issues]
    assert any(m.startswith("exercises.csv, row 2, field 'start'") for m in messages), messages
    assert any(m.startswith("exercises.csv, row 3, field 'participants.1'") and "XXX" in m
               for m in messages), messages
    assert "aras-2025" not in ds.records and "aras-joint-2024" not in ds.records
    # everything else still loads
    assert {"bileh-savar", "karabakh", "aras-2025-entry"} <= set(ds.records)
    # the movement's link to the rejected exercise is reported and dropped
    assert any("movements.csv" in m and "exercise_id" in m for m in messages)
    assert ds.records["aras-2025-entry"].exercise_id == []


def test_dates_in_order_duplicates_and_unknown_sources(data_copy):
    edit_csv(data_copy / "events.csv", "karabakh-war-2020", end="2019-01-01")  # row 3
    append_csv(data_copy / "crossings.csv", id="bileh-savar", name="dup", country_a="IRN",
               name_a="a", country_b="AZE", name_b="b", type="road", status="open",
               source_ids="tehrantimes-2025-05-18")
    edit_csv(data_copy / "regions.csv", "karabakh", source_ids="nope;tehrantimes-2025-05-18")
    edit_csv(data_copy / "events.csv", "karabakh-offensive-2023", source_ids="nope")
    ds = load_dataset(data_copy)
    messages = [str(i) for i in ds.issues]
    assert any("events.csv, row 3" in m and "before start" in m for m in messages), messages
    assert any("crossings.csv, row 3, field 'id'" in m and "duplicate" in m for m in messages)
    assert any("regions.csv, row 2, field 'source_ids'" in m and "'nope'" in m for m in messages)
    assert ds.records["karabakh"].source_ids == ["tehrantimes-2025-05-18"]
    # a record with no valid source left is not shown
    assert "karabakh-offensive-2023" not in ds.records


def test_unsafe_source_url_and_unreadable_file(data_copy):
    append_csv(data_copy / "sources.csv", id="x", publisher="P", title="T",
               published="2025-01-01", type="news report", url="javascript:alert(1)")
    row = len((data_copy / "sources.csv").read_text(encoding="utf-8").splitlines())
    (data_copy / "control.csv").write_bytes(b"\xff\xfe\x00bad")
    ds = load_dataset(data_copy)
    messages = [str(i) for i in ds.issues]
    assert any(m.startswith(f"sources.csv, row {row}, field 'url'") for m in messages), messages
    assert any(m.startswith("control.csv: cannot be read") for m in messages), messages
    assert "x" not in ds.sources and len(ds.records) == len(load_dataset(SEED).records)
