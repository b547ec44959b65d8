"""Offline geocoding of the seed's places."""

from __future__ import annotations

from geopy.distance import geodesic

from conftest import DATA
from frontier_atlas.geocode import GeoNamesGazetteer, OfflineGeocoder, normalise
from frontier_atlas.loader import load_dataset


def km(pos, lat, lon):
    return geodesic((pos.lat, pos.lon), (lat, lon)).km


def test_normalise_folds_spelling():
    assert normalise("Bileh-Savar") == normalise("Bīleh Savār") == "bileh savar"
    assert normalise("Ma’dani") == normalise("Ma'dani")


def test_seed_places_resolve_offline():
    geo = OfflineGeocoder(load_dataset(DATA).places)
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
    a = gaz.geocode("Stepanakert").raw["position"]
    b = gaz.geocode("Khankendi").raw["position"]
    assert (a.lat, a.lon) == (b.lat, b.lon)
    julfa_az = gaz.geocode("Julfa", country="AZE").raw["position"]
    jolfa_ir = gaz.geocode("Jolfa", country="IRN").raw["position"]
    assert julfa_az.country == "AZ" and jolfa_ir.country == "IR"
    assert km(julfa_az, jolfa_ir.lat, jolfa_ir.lon) > 1
    assert gaz.geocode("Nowhere-at-all-xyz") is None


def test_every_place_in_the_data_resolves():
    ds = load_dataset(DATA)
    geo = OfflineGeocoder(ds.places)
    names = {p for r in ds.records.values() for p in r.places}
    assert {n for n in names if geo.locate(n) is None} == set()
