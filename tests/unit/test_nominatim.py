"""Nominatim through the real geopy client, against a fake server on 127.0.0.1."""

from __future__ import annotations

import pytest
from geopy.location import Location
from support.csvfiles import append_csv
from support.fake_nominatim import FakeNominatim
from support.paths import DATA

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.cache import GeocodeCache
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.geocode.nominatim import NominatimProvider, parse


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake():
    with FakeNominatim() as server:
        yield server


def provider(fake, clock=None, **kw) -> NominatimProvider:
    kw.setdefault("min_delay_seconds", 0.0)
    return NominatimProvider(user_agent="frontier-atlas-tests", domain=fake.domain, scheme="http",
                             timeout=0.5, error_wait_seconds=0.05, clock=clock or Clock(), **kw)


def chain(fake, tmp_path, clock=None, **kw) -> GeocoderChain:
    places = load_dataset(DATA).places
    return GeocoderChain(places, cache=GeocodeCache(tmp_path / "cache.sqlite3"),
                         online=provider(fake, clock, **kw))


def test_online_answer_is_used_cached_and_never_asked_twice(fake, tmp_path):
    geo = chain(fake, tmp_path)
    pos = geo.locate("Gandzasar monastery", "AZE")
    assert pos.provider == "Nominatim" and abs(pos.lat - 40.0521) < 1e-6
    assert pos.precision == "exact" and "Nominatim" in pos.how_found
    assert fake.requests[0]["user_agent"] == "frontier-atlas-tests"
    assert fake.requests[0]["params"]["countrycodes"] == "az"
    # offline names never reach the service
    assert geo.locate("Bileh Savar", "IRN").provider == "GeoNames"
    assert fake.queries() == ["gandzasar monastery"]
    # a new process with the same cache asks nothing at all, not even "not found" names
    geo.locate("Nowhere-xyz")
    again = chain(fake, tmp_path)
    n = len(fake.requests)
    assert again.locate("Gandzasar monastery", "AZE").lat == pos.lat
    assert again.locate("Nowhere-xyz") is None
    assert len(fake.requests) == n and again.calls["Nominatim"] == 0


def test_region_names_never_land_on_a_town(fake, tmp_path):
    geo = chain(fake, tmp_path)
    assert geo.locate("Mount Vardan Province") is None
    assert fake.queries() == ["mount vardan province"]
    # a real province is answered offline, with its outline, and never asked online
    zangilan = geo.locate("Zangilan Province")
    assert (zangilan.precision, zangilan.provider) == ("region", "Natural Earth")
    assert fake.queries() == ["mount vardan province"]


@pytest.mark.parametrize("word", ["ratelimited", "broken", "garbage", "slow"])
def test_faults_fall_back_report_once_and_back_off(fake, tmp_path, word):
    clock = Clock()
    geo = chain(fake, tmp_path, clock)
    assert geo.locate(f"{word} place") is None
    first = len(fake.requests)
    assert first >= 2  # geopy retried (RateLimiter, and its HTTP adapter), then gave up
    assert len(geo.messages) == 1 and "unavailable" in geo.messages[0]
    # while backing off: no requests, offline data still answers, no new message
    for i in range(5):
        assert geo.locate(f"{word} other {i}") is None
    assert geo.locate("Tehran").provider == "GeoNames"
    assert len(fake.requests) == first and len(geo.messages) == 1
    # a failed lookup is not cached as "not found": asked again after the backoff
    clock.now += 31
    fake_ok = geo.locate("Hakari bridge")
    assert fake_ok is not None and fake_ok.provider == "Nominatim"
    assert geo.messages[-1].endswith("answering again.")
    assert geo.cache.get(f"{word} place", None) is None


def test_backoff_doubles_while_the_service_stays_down(fake, tmp_path):
    clock = Clock()
    geo = chain(fake, tmp_path, clock)
    geo.locate("broken 1")
    clock.now += 31
    geo.locate("broken 2")
    n = len(fake.requests)
    clock.now += 31  # first backoff was 30 s, now 60 s: still paused
    geo.locate("broken 3")
    assert len(fake.requests) == n
    clock.now += 31
    geo.locate("broken 4")
    assert len(fake.requests) > n
    assert len(geo.messages) == 1


def test_at_most_one_request_a_second_by_default(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("FRONTIER_ATLAS_NOMINATIM_DOMAIN", fake.domain)
    monkeypatch.setenv("FRONTIER_ATLAS_NOMINATIM_SCHEME", "http")
    places = load_dataset(DATA).places
    geo = build_geocoder(places, [], cache_path=tmp_path / "c.sqlite3", online="nominatim")
    for name in ("unknown one", "unknown two", "unknown three"):
        geo.locate(name)
    times = [r["t"] for r in fake.requests]
    assert len(times) == 3
    assert all(b - a >= 0.95 for a, b in zip(times, times[1:])), times
    assert fake.requests[0]["user_agent"].startswith("frontier-atlas/")


def test_online_off_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("FRONTIER_ATLAS_GEOCODER_ONLINE", raising=False)
    geo = build_geocoder([], [], cache_path=tmp_path / "c.sqlite3")
    assert geo.online is None
    assert geo.locate("Gandzasar monastery") is None


def test_app_keeps_working_when_the_service_is_down(fake, data_copy, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from support.paths import ROOT

    append_csv(data_copy / "events.csv", id="broken-place-event", name="Event at an unknown place",
               event_type="test", start="2025-01-01", places="broken village",
               source_ids="tehrantimes-2025-05-18")
    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(data_copy))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("FRONTIER_ATLAS_GEOCODER_ONLINE", "nominatim")
    monkeypatch.setenv("FRONTIER_ATLAS_NOMINATIM_DOMAIN", fake.domain)
    monkeypatch.setenv("FRONTIER_ATLAS_NOMINATIM_SCHEME", "http")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("10 of 10 records" in m.value for m in at.markdown)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "Nominatim is unavailable" in warnings[0]
    at.run()
    assert len([w for w in at.warning]) == 1


def _location(name: str, lat: float, lon: float, **raw) -> Location:
    """One result as geopy's Nominatim client hands it over."""
    return Location(name, (lat, lon), {"display_name": name, "osm_type": "node", "osm_id": 7, **raw})


def test_parse_reads_precision_confidence_and_provenance():
    [pos] = parse("Goris", [_location("Goris, Syunik, Armenia", 39.5, 46.3, addresstype="town", importance=0.61)])
    assert (pos.lat, pos.lon, pos.precision, pos.provider, pos.matched) == (39.5, 46.3, "town", "Nominatim", "Goris")
    assert pos.confidence == 0.61 and not pos.candidates and pos.country is None
    assert "OpenStreetMap Nominatim (osm node 7)" in pos.how_found
    # unknown kinds are points, odd importances a middling confidence
    [odd] = parse("x", [_location("X", 1.0, 2.0, type="monastery", importance="n/a")])
    assert (odd.precision, odd.confidence) == ("exact", 0.5)
    assert parse("Nowhere", None) == parse("Nowhere", []) == []


def test_parse_keeps_towns_off_region_names_and_flags_close_calls():
    town = _location("Mount Vardan, Azerbaijan", 39.08, 46.65, addresstype="town", importance=0.35)
    province = _location("Vardan Province, Azerbaijan", 39.2, 46.7, addresstype="province", importance=0.3)
    assert parse("Mount Vardan Province", [town]) == []
    [only] = parse("Mount Vardan Province", [town, province])
    assert only.precision == "region"
    # a runner-up nearly as important as the first: a close call, with the candidates attached
    best, second = parse("Mount Vardan", [town, province])
    assert best.confidence == 0.35 and best.candidates == (second,)
    clear = parse("Mount Vardan", [town, _location("Elsewhere", 0.0, 0.0, importance=0.1)])
    assert clear[0].confidence == 0.35 and not clear[0].candidates
