"""The details panel's content and the escaping helpers."""

from __future__ import annotations

from datetime import date

from support.paths import SEED as DATA

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.places.locate import locate_all
from frontier_atlas.present.details import record_details
from frontier_atlas.present.escaping import html_text, md_text, safe_url
from frontier_atlas.present.wording import format_dates


def test_details_of_the_crossing():
    ds = load_dataset(DATA)
    located = locate_all(ds, GeocoderChain(ds.places))
    d = record_details("bileh-savar", ds, located)
    fields = dict(d.fields)
    assert fields["Sides"] == "Bileh-Savar (Iran) – Bilasuvar (Azerbaijan)"
    assert "town centre of Bīleh Savār" in fields["Position"]
    assert ("exercise", "aras-2025", "Aras 2025") in d.linked
    assert ("movement", "aras-2025-entry", "IRGC battalion enters Azerbaijan for Aras 2025") in d.linked
    assert {s["publisher"] for s in d.sources} == {"Tehran Times", "Iran International"}


def test_region_details_list_control_periods():
    ds = load_dataset(DATA)
    located = locate_all(ds, GeocoderChain(ds.places))
    fields = record_details("karabakh", ds, located).fields
    control = [t for label, t in fields if label == "Control"]
    assert control[-1] == "Azerbaijan: 20 September 2023 – present"
    # the real boundary from the base map's data, saying what it is and how old
    outline = next(t for label, t in fields if label == "Outline")
    assert outline.startswith("boundary") and "Natural Earth" in outline and "2018" in outline, outline


def test_unplaced_record_says_so():
    ds = load_dataset(DATA)
    located = locate_all(ds, GeocoderChain(ds.places))
    fields = dict(record_details("peace-text-2025", ds, located).fields)
    assert fields["Position"].startswith("none")


def test_escaping():
    assert html_text('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    md = md_text("<script>x</script> [a](javascript:b) **c** $d$")
    assert "<" not in md and "](" not in md and "**" not in md and "$d$" not in md
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url('https://x.org/"onmouseover') is None


def test_format_dates():
    assert format_dates(date(2025, 5, 18), date(2025, 5, 21)) == "18–21 May 2025"
    assert format_dates(date(2024, 11, 24), date(2024, 12, 2)) == "24 November – 2 December 2024"
    assert format_dates(date(2025, 3, 1), None, "month") == "March 2025"
    assert format_dates(None, None) == ""


def test_ambiguous_position_lists_its_candidates(data_copy):
    from support.csvfiles import append_csv

    append_csv(data_copy / "events.csv", id="julfa-test", name="Test at Julfa", event_type="test",
               start="2025-01-01", places="Julfa", source_ids="tehrantimes-2025-05-18")
    ds = load_dataset(data_copy)
    located = locate_all(ds, GeocoderChain(ds.places))
    fields = dict(record_details("julfa-test", ds, located).fields)
    assert "GeoNames" in fields["Position"]
    assert "Julfa (IR)" in fields["Other candidates"] or "Julfa (AZ)" in fields["Other candidates"]
