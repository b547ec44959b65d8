"""Nominatim through the real geopy client, against a fake server on 127.0.0.1."""

from __future__ import annotations

import pytest
from conftest import DATA, append_csv
from fake_nominatim import FakeNominatim

from frontier_atlas.geocode import GeocodeCache, GeocoderChain, NominatimProvider
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.loader import load_dataset


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
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

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
