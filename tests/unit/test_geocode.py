"""Offline geocoding of the seed's places."""

from __future__ import annotations

import subprocess
import sys

import pytest
from geopy.distance import geodesic
from support.paths import DATA, ROOT

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.countries import CountryGazetteer
from frontier_atlas.geocode.curated import CuratedGazetteer
from frontier_atlas.geocode.geonames import GeoNamesGazetteer
from frontier_atlas.geocode.provinces import ProvinceGazetteer


def km(pos, lat, lon):
    return geodesic((pos.lat, pos.lon), (lat, lon)).km


def best(provider, query, country=None):
    """What the chain takes from a provider: its first answer, or None."""
    found = provider.geocode(query, country)
    return found[0] if found else None


def test_normalise_folds_spelling():
    assert normalise("Bileh-Savar") == normalise("Bīleh Savār") == "bileh savar"
    assert normalise("Ma’dani") == normalise("Ma'dani")


def test_seed_places_resolve_offline():
    geo = GeocoderChain(load_dataset(DATA).places)
    bileh = geo.locate("Bileh Savar", "IRN")
    assert bileh.country == "IR" and km(bileh, 39.380, 48.355) < 10
    aslan = geo.locate("Aslanduz", "IRN")
    assert km(aslan, 39.444, 47.406) < 10
    tehran = geo.locate("Tehran")
    assert tehran.country == "IR" and km(tehran, 35.694, 51.422) < 10
    karabakh = geo.locate("Karabakh")
    assert karabakh.precision == "region" and karabakh.region_id == "karabakh"
    assert geo.locate("Ardabil Province").precision == "region"
    assert "GeoNames" in bileh.how_found


def test_aliases_and_homonyms():
    gaz = GeoNamesGazetteer()
    a = best(gaz, "Stepanakert")
    b = best(gaz, "Khankendi")
    assert (a.lat, a.lon) == (b.lat, b.lon)
    julfa_az = best(gaz, "Julfa", "AZE")
    jolfa_ir = best(gaz, "Jolfa", "IRN")
    assert julfa_az.country == "AZ" and jolfa_ir.country == "IR"
    assert km(julfa_az, jolfa_ir.lat, jolfa_ir.lon) > 1
    assert best(gaz, "Nowhere-at-all-xyz") is None


def test_town_and_province_are_not_confused():
    ds = load_dataset(DATA)
    geo = GeocoderChain(ds.places)
    city = geo.locate("Ardabil")
    assert city.provider == "GeoNames" and city.precision == "town" and km(city, 38.2498, 48.2933) < 10
    province = geo.locate("Ardabil Province")
    assert province.provider == "curated" and province.precision == "region"
    # GeoNames alone refuses a region-qualified name rather than answer with the town
    assert best(GeoNamesGazetteer(), "Ardabil Province") is None
    assert best(GeoNamesGazetteer(), "Tehran city").matched == "Tehran"
    district = best(GeoNamesGazetteer(), "Jabrayil district")
    assert district.precision == "district" and "district around it" in district.how_found


def test_confidence_and_candidates():
    geo = GeocoderChain(load_dataset(DATA).places)
    julfa = geo.locate("Julfa")
    assert julfa.ambiguous and {c.country for c in julfa.candidates} >= {"IR"}
    hinted = geo.locate("Julfa", "IRN")
    assert hinted.country == "IR" and not hinted.ambiguous and hinted.confidence >= 0.9
    assert geo.locate("Tehran").confidence >= 0.8


def test_source_coordinates_win_and_say_so(data_copy):
    from support.csvfiles import edit_csv

    from frontier_atlas.places.locate import locate_all

    edit_csv(data_copy / "crossings.csv", "bileh-savar", lat="39.3770", lon="48.3560",
             coordinates_source="iranintl-2025-05-18")
    ds = load_dataset(data_copy)
    assert ds.issues == []
    point = locate_all(ds, GeocoderChain(ds.places))["bileh-savar"].point
    assert (point.lat, point.lon, point.precision, point.provider) == (39.377, 48.356, "exact", "source")
    assert point.how_found.startswith("coordinates given by Iran International")
    edit_csv(data_copy / "crossings.csv", "bileh-savar", coordinates_source="")
    assert any("coordinates_source" in str(i) for i in load_dataset(data_copy).issues)


def test_cache_makes_the_second_run_free_and_follows_gazetteer_changes(tmp_path, data_copy):
    from support.csvfiles import edit_csv

    from frontier_atlas.geocode.cache import GeocodeCache
    from frontier_atlas.places.review import place_queries

    ds = load_dataset(data_copy)
    names = [*place_queries(ds), ("Tehran", None), ("Nowhere-xyz", None)]
    first = GeocoderChain(ds.places, cache=GeocodeCache(tmp_path / "c.sqlite3"))
    answers = [first.locate(n, h) for n, h in names]
    assert sum(first.calls.values()) > 0
    second = GeocoderChain(ds.places, cache=GeocodeCache(tmp_path / "c.sqlite3"))
    assert [second.locate(n, h) for n, h in names] == answers
    assert sum(second.calls.values()) == 0
    # a curated edit changes the gazetteer's version: offline answers are recomputed
    edit_csv(data_copy / "places.csv", "Karabakh", lat="39.8500")
    ds2 = load_dataset(data_copy)
    third = GeocoderChain(ds2.places, cache=GeocodeCache(tmp_path / "c.sqlite3"))
    assert third.locate("Karabakh").lat == 39.85


def test_corrupted_cache_is_moved_aside_and_rebuilt(tmp_path):
    from frontier_atlas.geocode.cache import GeocodeCache

    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    cache = GeocodeCache(path)
    assert cache.notice and "moved to" in cache.notice
    assert len(cache) == 0 and list(tmp_path.glob("c.corrupt-*"))


def test_country_names_are_countries_not_homonymous_towns():
    geo = GeocoderChain([])
    armenia = geo.locate("Armenia")
    assert armenia.provider == "Natural Earth" and armenia.country == "AM"
    assert armenia.precision == "country" and km(armenia, 40.2, 45.0) < 100
    assert geo.locate("Türkiye").country == geo.locate("Turkey").country == "TR"
    assert geo.locate("Islamic Republic of Iran").country == "IR"


@pytest.mark.parametrize("module", ["frontier_atlas.geocode.names", "frontier_atlas.geocode.chain"])
def test_geocoding_loads_no_ui(module):
    # the package's __init__ imports nothing: name folding must not pay for the map or the UI
    code = f"import sys, {module}; print(sorted(m for m in ('folium', 'streamlit') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_every_provider_answers_positions_best_first():
    places = load_dataset(DATA).places
    asked = [(CuratedGazetteer(places), "Karabakh"), (CountryGazetteer(), "Armenia"),
             (ProvinceGazetteer(), "Syunik Province"), (GeoNamesGazetteer(), "Julfa")]
    for provider, query in asked:
        found = provider.geocode(query, None)
        assert found and all(isinstance(p, Position) for p in found), type(provider).__name__
        assert provider.geocode("Nowhere-at-all-xyz", "ARM") == []
    julfa = GeoNamesGazetteer().geocode("Julfa")
    assert julfa[0].candidates and len(julfa) > 1  # runners-up both inside the best and after it


def test_validate_uses_the_configured_cache(tmp_path, monkeypatch, capsys):
    from frontier_atlas.__main__ import main
    from frontier_atlas.geocode.cache import GeocodeCache

    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(DATA))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("FRONTIER_ATLAS_GEOCODE_CACHE", str(tmp_path / "cache.sqlite3"))
    monkeypatch.delenv("FRONTIER_ATLAS_GEOCODER_ONLINE", raising=False)
    assert main(["validate"]) == 0
    assert "records" in capsys.readouterr().out
    assert len(GeocodeCache(tmp_path / "cache.sqlite3")) > 0  # the app's next start is warm
