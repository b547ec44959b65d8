"""The Places page, and pinning a candidate: into the user store, with its author."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.csvfiles import append_csv
from support.paths import ROOT

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.data.userstore import UserStore, merge_into
from frontier_atlas.domain.access import local_actor
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.places.review import PinConflict, pin_place, pin_version, place_queries, places_table


def add_julfa_event(folder):
    # no country hint: Julfa (AZ) and Julfa (IR) face each other across the Aras
    append_csv(folder / "events.csv", id="julfa-test", name="Test event at Julfa", event_type="test",
               start="2025-01-01", places="Julfa", source_ids="tehrantimes-2025-05-18")


def test_places_table_lists_every_name_with_provenance(data_copy):
    add_julfa_event(data_copy)
    ds = load_dataset(data_copy)
    table = places_table(ds, GeocoderChain(ds.places))
    assert set(table["name"]) >= {"Karabakh", "Bileh-Savar border crossing", "Aslanduz region",
                                  "Ardabil Province", "Julfa"}
    julfa = table[table["name"] == "Julfa"].iloc[0]
    assert julfa["ambiguous"] and julfa["candidates"] >= 1 and julfa["provider"] == "GeoNames"
    karabakh = table[table["name"] == "Karabakh"].iloc[0]
    assert karabakh["precision"] == "region" and karabakh["provider"] == "curated"
    assert len(place_queries(ds)) == len(table)


def test_a_pin_replaces_the_last_one_wins_over_the_curated_answer_and_names_its_author(data_copy, store_target):
    add_julfa_event(data_copy)
    ds = load_dataset(data_copy)
    geo = GeocoderChain(ds.places)
    pos = geo.locate("Julfa")
    iran = next(c for c in [pos, *pos.candidates] if c.country == "IR")
    store = UserStore(store_target)
    pin_place(store, "Julfa", pos, by=local_actor())
    pin_place(store, "Julfa", iran, by=local_actor())  # a second pin of the same name replaces the first
    pins = store.pins()
    assert list(pins) == ["Julfa"] and pins["Julfa"][0]["country"] == "IR"
    assert pins["Julfa"][1].by_name == local_actor().name
    ds2 = load_dataset(data_copy)
    merge_into(ds2, store)
    assert ds2.issues == [] and ds2.pinned["Julfa"]["by"] == local_actor().name
    pinned = GeocoderChain(ds2.places, ds2.overrides).locate("Julfa")
    assert pinned.provider == "override" and pinned.country == "IR"
    assert pinned.how_found.startswith(f"pinned by {local_actor().name}: town centre of Julfa")
    assert [e.action for e in store.audit(record_id="place:Julfa")] == ["pinned", "pinned"]


def test_places_page_pins_a_candidate(data_copy, tmp_path, monkeypatch):
    add_julfa_event(data_copy)
    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(data_copy))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path / "user"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/places.py").run()
    assert not at.exception
    assert any(t.value == "Places" for t in at.title)
    assert len(at.dataframe) == 1
    radio = at.radio[0]
    # options are the formatted (Markdown-escaped) labels
    index = next(i for i, label in enumerate(radio.options) if "\\(IR\\)" in label)
    radio.set_value(index).run()
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("pin-Julfa"))).click().run()
    assert not at.exception
    pins = UserStore(tmp_path / "user" / "user-records.sqlite3").pins()
    assert [(name, row["country"]) for name, (row, _) in pins.items()] == [("Julfa", "IR")]
    assert any("No place name has close candidates" in s.value for s in at.success)


def test_a_pin_made_meanwhile_is_not_overwritten(data_copy, store_target):
    add_julfa_event(data_copy)
    ds = load_dataset(data_copy)
    pos = GeocoderChain(ds.places).locate("Julfa")
    iran = next(c for c in [pos, *pos.candidates] if c.country == "IR")
    other = next(c for c in [pos, *pos.candidates] if c.country != "IR")
    store = UserStore(store_target)
    shown = pin_version(store, "Julfa")  # both pages show Julfa unpinned
    assert shown == ""
    first = pin_place(store, "Julfa", iran, version=shown, by=local_actor())
    assert first and first == pin_version(store, "Julfa")
    with pytest.raises(PinConflict) as caught:  # the second page, still showing no pin
        pin_place(store, "Julfa", other, version=shown, by=local_actor())
    assert caught.value.theirs["country"] == "IR" and caught.value.version == first
    assert "IR" in str(caught.value)
    assert [(name, row["country"]) for name, (row, _) in store.pins().items()] == [("Julfa", "IR")]
    # choosing to replace it, knowing what it is now
    second = pin_place(store, "Julfa", other, version=caught.value.version, by=local_actor())
    assert second != first and pin_version(store, "Julfa") == second
    pin_place(store, "Aras", iran, version="", by=local_actor())  # another name's version is its own
    assert pin_version(store, "Julfa") == second
    assert load_dataset(data_copy).issues == []
