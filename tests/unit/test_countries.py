"""Country codes: one module turns every code and name into every other, and all parts agree."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontier_atlas.domain.countries import alpha2, alpha3, country, country_name, country_named
from frontier_atlas.domain.records import RegionPoint
from frontier_atlas.events.formats import country_code
from frontier_atlas.geocode.names import iso2


@pytest.mark.parametrize("code", ["IRN", "irn", "IR", " ir ", "364", 364])
def test_any_code_finds_the_country(code):
    found = country(code)
    assert (found.alpha2, found.alpha3, found.numeric, found.name) == ("IR", "IRN", "364", "Iran")


def test_codes_convert_and_unknown_codes_give_none():
    assert (alpha2("AZE"), alpha3("am"), alpha3("031")) == ("AZ", "ARM", "AZE")
    assert alpha2("XYZ") is None and alpha3("") is None and alpha3(None) is None and country("Iran") is None


def test_names_read_common_and_official_and_fall_back_to_the_code():
    assert country_named("Iran, Islamic Republic of").alpha3 == "IRN"
    assert country_named("Azerbaijan").alpha3 == "AZE" and country_named("Atlantis") is None
    assert country_name("IRN") == "Iran" and country_name("TUR") == country("TR").name
    assert country_name("XKX") == "XKX"


def test_records_take_alpha3_only():
    assert RegionPoint(region_id="karabakh", settlement="Shusha", country=" aze ").country == "AZE"
    for bad in ("AZ", "031", "XXX"):
        with pytest.raises(ValidationError, match="alpha-3"):
            RegionPoint(region_id="karabakh", settlement="Shusha", country=bad)


def test_event_files_and_geonames_use_the_same_codes():
    assert [country_code(v) for v in ("31", "AZ", "aze", "Azerbaijan", "Cambodia (Kampuchea)", "Iran")] == \
        ["AZE", "AZE", "AZE", "AZE", "KHM", "IRN"]
    assert country_code("Atlantis") is None
    assert iso2("AZE") == "AZ" and iso2("xk") == "XK"  # GeoNames' Kosovo is not ISO, and passes as given
