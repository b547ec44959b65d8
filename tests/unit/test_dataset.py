"""The curated dataset as a whole: schema, dates, codes, ids, links, places, sources."""

from __future__ import annotations

from collections import Counter

import pycountry
import pytest
from support.paths import DATA

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.places.locate import locate_all
from frontier_atlas.places.review import place_queries


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


def test_every_file_validates(ds):
    assert [str(i) for i in ds.issues] == []


def test_enough_records_of_each_kind(ds):
    counts = Counter(r.kind for r in ds.records.values())
    assert counts["exercise"] >= 25
    assert counts["crossing"] >= 12
    assert counts["region"] >= 6
    assert counts["event"] >= 5
    exercises_since_2020 = [r for r in ds.records.values() if r.kind == "exercise" and r.start.year >= 2020]
    assert len(exercises_since_2020) >= 25


def test_ids_unique_codes_iso_dates_ordered(ds):
    # the loader rejects duplicates; check the files hold none at all
    assert not [i for i in ds.issues if "duplicate" in i.message]
    for rec in ds.records.values():
        for code in rec.countries:
            assert pycountry.countries.get(alpha_3=code), (rec.id, code)
        if rec.start and rec.end:
            assert rec.start <= rec.end, rec.id
    for period in ds.control:
        if period.start and period.end:
            assert period.start <= period.end


def test_every_link_and_citation_points_at_something(ds):
    for rec in ds.records.values():
        assert rec.source_ids and all(s in ds.sources for s in rec.source_ids), rec.id
        for role, target in rec.links:
            assert ds.records[target].kind == role, (rec.id, target)
    for period in ds.control:
        assert ds.records[period.region_id].kind == "region"
        assert all(s in ds.sources for s in period.source_ids)
    cited = {s for r in ds.records.values() for s in r.source_ids} | {s for p in ds.control for s in p.source_ids}
    cited |= {s for p in ds.places for s in p.source_ids}
    assert set(ds.sources) - cited == set(), "sources nobody cites"


def test_every_place_name_geocodes_unambiguously(ds):
    geo = GeocoderChain(ds.places, ds.overrides)
    unresolved, ambiguous = [], []
    for name, hint in place_queries(ds):
        pos = geo.locate(name, hint)
        if pos is None:
            unresolved.append((name, hint))
        elif pos.ambiguous:
            ambiguous.append((name, hint, pos.matched, pos.country))
    assert unresolved == [] and ambiguous == []


def test_regions_have_outlines_with_stated_precision(ds):
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    with_outline = [rid for rid, r in ds.records.items() if r.kind == "region" and located[rid].outline]
    assert len(with_outline) >= 6
    for rid in with_outline:
        props = located[rid].outline["properties"]
        assert props["precision"] and props.get("precision_note"), rid
    # regions have control periods over time
    assert {p.region_id for p in ds.control} >= set(with_outline) - {"syunik-transit"}


def test_sources_say_what_they_are(ds):
    for src in ds.sources.values():
        assert src.publisher and src.title and src.published and src.type
        if src.url:
            assert src.url.startswith(("http://", "https://"))
    # where sources disagree, the record says how
    for rec in ds.records.values():
        if rec.verification == "contested":
            assert rec.verification_note, rec.id
