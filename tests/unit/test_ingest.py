"""From the seed article to drafts: places, dates, participants, field by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.paths import SEED
from support.seed import seed_article

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.ingest.dates import find_dates
from frontier_atlas.ingest.drafts import extract
from frontier_atlas.ingest.reading import UploadError, html_to_text, read_upload

# the seed report's publication day (the article itself: support/seed.py)
PUBLISHED = date(2025, 5, 18)


@pytest.fixture(scope="module")
def article() -> str:
    return seed_article()


@pytest.fixture(scope="module")
def result(article):
    return extract(article, PUBLISHED, GeocoderChain(load_dataset(SEED).places))


def test_places_found(result, article):
    names = {p.name.title() if p.name.isupper() else p.name for p in result.places}
    assert names == {"Karabakh", "Bileh-Savar", "Ardabil Province", "Aslanduz", "Tehran", "Azerbaijan",
                     "Iran", "Armenia", "Yerevan"}
    bileh = next(p for p in result.places if p.name == "Bileh-Savar")
    assert bileh.kind == "crossing" and article[slice(*bileh.span)] == "Bileh-Savar land border crossing"
    assert next(p for p in result.places if p.name == "Aslanduz").kind == "region"
    assert {p.name for p in result.places if p.kind == "country"} == {"Iran", "Azerbaijan", "Armenia"}
    for p in result.places:
        assert p.position is not None, p.name


def test_dates_resolved_against_publication(result):
    spans = {(f.text, f.start, f.end, f.precision) for f in result.dates}
    assert ("from May 18 to 21", date(2025, 5, 18), date(2025, 5, 21), "day") in spans
    assert ("November 24", date(2024, 11, 24), date(2024, 11, 27), "day") in spans
    assert ("in March", date(2025, 3, 1), None, "month") in spans
    assert ("earlier today", date(2025, 5, 18), None, "day") in spans


def test_drafts_field_by_field(result, article):
    drafts = {(d.kind, d.name): d for d in result.drafts}
    aras = drafts[("exercise", "Aras 2025")].fields
    assert (aras["start"], aras["end"]) == (date(2025, 5, 18), date(2025, 5, 21))
    assert aras["places"] == ["Karabakh"] and aras["participants"] == ["IRN", "AZE"] and aras["host"] == ["AZE"]
    assert "Azerbaijani Army" in aras["forces"] and any("IRGC" in f for f in aras["forces"])
    joint = drafts[("exercise", "Aras Joint Exercise")].fields
    assert (joint["start"], joint["end"]) == (date(2024, 11, 24), date(2024, 11, 27))
    assert joint["places"] == ["Aslanduz region", "Ardabil Province"]
    assert sorted(joint["participants"]) == ["AZE", "IRN"] and joint["host"] == ["IRN"]
    crossing = drafts[("crossing", "Bileh-Savar")].fields
    assert (crossing["country_a"], crossing["country_b"]) == ("IRN", "AZE")
    assert crossing["status_date"] == date(2025, 5, 18)
    region = drafts[("region", "Karabakh")].fields
    assert sorted(region["claimants"]) == ["ARM", "AZE"] and region["internationally_recognised_as"] == "AZE"
    event = next(d for d in result.drafts if d.kind == "event").fields
    assert (event["start"], event["date_precision"], sorted(event["participants"])) == (
        date(2025, 3, 1), "month", ["ARM", "AZE"])
    # every value points back at the words it came from
    name_span = drafts[("exercise", "Aras 2025")].spans["name"][0]
    assert article[slice(*name_span)] == "“Aras 2025”"


def test_relative_and_absolute_dates():
    text = "The drill began on Sunday.\n\nIt ran from 3 to 7 March 2024. On 12 January 2023 ... yesterday."
    found = {f.rule: (f.start, f.end) for f in find_dates(text, date(2025, 5, 21))}  # a Wednesday
    assert found["weekday before publication"][0] == date(2025, 5, 18)
    assert found["range day month"] == (date(2024, 3, 3), date(2024, 3, 7))
    assert found["day month year"][0] == date(2023, 1, 12)
    assert found["yesterday"][0] == date(2025, 5, 20)


def test_uploads(tmp_path: Path):
    html = "<html><head><style>x{}</style><script>alert(1)</script></head><body><p>Drill in <b>Karabakh</b>" \
           "</p><p>Second&nbsp;paragraph</p></body></html>"
    assert html_to_text(html) == "Drill in Karabakh\n\nSecond paragraph"
    assert read_upload("a.html", html.encode("cp1252")) == "Drill in Karabakh\n\nSecond paragraph"
    assert read_upload("a.txt", "Bīleh Savār crossing".encode("utf-16")) == "Bīleh Savār crossing"
    with pytest.raises(UploadError, match="only .txt and .html"):
        read_upload("a.pdf", b"%PDF")
    with pytest.raises(UploadError, match="over the limit"):
        read_upload("a.txt", b"x" * 11, max_bytes=10)


def test_a_country_named_before_a_place_chooses_between_homonyms():
    geo = GeocoderChain(load_dataset(SEED).places)
    from frontier_atlas.ingest.entities import find_places

    text = "Troops crossed at Iran’s Julfa while observers watched from Azerbaijan’s Julfa."
    found = [(p.name, p.position.country) for p in find_places(text, geo)]
    assert ("Julfa", "IR") in found and ("Julfa", "AZ") in found
