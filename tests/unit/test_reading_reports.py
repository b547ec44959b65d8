"""Reading real reports (issue 18): one test per failure class the labelled set showed.

Every text here is written for this test; the names are real places of the region, the
events are not.
"""

from __future__ import annotations

from datetime import date

import pytest
from support.paths import SEED

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.countries import country_index
from frontier_atlas.ingest.codenames import find_codenames
from frontier_atlas.ingest.dates import find_dates
from frontier_atlas.ingest.drafts import extract
from frontier_atlas.ingest.entities import find_countries, find_places
from frontier_atlas.ingest.sentences import sentence_spans

PUBLISHED = date(2024, 11, 27)  # a Wednesday


@pytest.fixture(scope="module")
def geo() -> GeocoderChain:
    return GeocoderChain(load_dataset(SEED).places)


def places(text: str, geo: GeocoderChain) -> dict[str, tuple]:
    return {p.name: (p.kind, p.role, p.position.country if p.position else None) for p in find_places(text, geo)}


# ---- countries

def test_russia_has_a_position_and_is_read_in_every_form():
    assert country_index()["russia"].country == "RU"  # its outline crosses the antimeridian
    found = find_countries("Russia-brokered talks went on while Russian peacekeepers left; the U.S. and "
                           "South Korea watched.")
    assert [(c.code, c.text, c.named) for c in found] == [
        ("RUS", "Russia", True), ("RUS", "Russian", False), ("USA", "U.S.", True), ("KOR", "South Korea", True)]


def test_russia_is_a_country_not_a_town_in_ohio(geo):
    assert places("Trains left Russia for Georgia.", geo)["Russia"] == ("country", None, "RU")


# ---- towns kept without their country named

def test_a_dateline_a_capital_and_a_country_written_after_keep_a_town(geo):
    found = places("ANKARA – Officials met.\n\nTalks in Tehran went on. Trucks waited at Astara, Iran.", geo)
    assert found["ANKARA"] == (None, "dateline", "TR")
    assert found["Tehran"] == (None, None, "IR")
    assert found["Astara"][2] == "IR"  # Iranian Astara, not the Azerbaijani town across the river


def test_a_town_of_a_country_the_report_never_names_is_still_left_out(geo):
    assert "Nardaran" not in places("Nardaran residents spoke.", geo)


# ---- features without a point, and borders

def test_rivers_seas_corridors_and_borders_are_found_without_a_point(geo):
    found = places("Convoys used the Lachin corridor. Boats on the Aras and the Caspian Sea were checked "
                   "along the Azerbaijani-Iranian border.", geo)
    assert found["Lachin"] == ("corridor", None, None)  # the lower-case word is not part of the name
    assert found["Aras"] == ("river", None, None)
    assert found["Caspian Sea"] == ("sea", None, None)
    assert found["Azerbaijani-Iranian border"] == ("border", None, None)


def test_a_region_used_as_an_adjective_is_not_a_place(geo):
    assert "South Caucasus" not in places("The two South Caucasus countries met.", geo)
    assert "South Caucasus" in places("Tension rose in the South Caucasus.", geo)


def test_a_province_by_another_name_and_its_variant(geo):
    found = places("Iran and Azerbaijan: trucks from East Azarbaijan reached the Nakhchivan Autonomous Region.", geo)
    assert found["East Azarbaijan"][2] == "IR" and found["Nakhchivan Autonomous Region"][2] == "AZ"


# ---- joined and local forms

def test_each_side_of_a_hyphen_joined_route(geo):
    found = places("Turkey and Armenia discussed the Kars-Gyumri railway.", geo)
    assert found["Kars"][2] == "TR" and found["Gyumri"][2] == "AM"


def test_places_no_gazetteer_has_are_read_from_the_words_around_them(geo):
    found = places("Armenia and Azerbaijan: shots were fired near Zorakan village and at the Hakari bridge; "
                   "residents of Sotk, Kut and Vardenis heard them.", geo)
    assert found["Zorakan"][:2] == ("village", None)
    assert found["Hakari"][:2] == ("crossing", None)
    assert "Kut" in found  # listed with Sotk and Vardenis, which are known


def test_a_crossing_named_after_its_cue(geo):
    assert places("Iran and Azerbaijan reopened the border crossing at Astara.", geo)["Astara"][0] == "crossing"


# ---- governments named by their capitals

def test_a_capital_standing_for_its_government_is_a_metonym(geo):
    found = find_places("Azerbaijan and Iran: Baku said the talks between Tehran and Moscow helped. "
                        "A drill was held in Baku.", geo)
    roles = [(p.name, p.role) for p in found]
    assert roles[:4] == [("Azerbaijan", None), ("Iran", None), ("Baku", "metonym"), ("Tehran", "metonym")]
    assert ("Moscow", "metonym") in roles and roles[-1] == ("Baku", None)
    countries = {p.name: p.position.country for p in found}
    assert countries["Baku"] == "AZ" and countries["Moscow"] == "RU"


# ---- codenames

def test_codenames_quoted_or_not():
    text = ("The Eagle Partner 2024 exercise began. Russia held Kavkaz-2020. A drill codenamed Conquerors of "
            "Khaybar ran. The “Aras 2025” drill. In 2020 the army trained; the Joint Military exercise.")
    names = [c.name for c in find_codenames(text)]
    assert names == ["Eagle Partner 2024", "Kavkaz-2020", "Conquerors of Khaybar", "Aras 2025"]


# ---- dates

def dates(text: str) -> list[tuple[str, str, str | None]]:
    return [(f.text, f.start.isoformat(), f.end.isoformat() if f.end else None) for f in find_dates(
        text, PUBLISHED, names=[c.span for c in find_codenames(text)])]


def test_last_year_holds_for_its_own_sentence():
    found = dates("Last year talks were held in March. Trucks crossed on May 3.")
    assert ("in March", "2023-03-01", None) in found and ("May 3", "2024-05-03", None) in found


def test_relative_years_and_months():
    found = dates("Last year the border closed. It reopened last November, and again in mid-September, briefly.")
    assert ("Last year", "2023-01-01", None) in found
    assert ("last November", "2023-11-01", None) in found
    assert ("in mid-September", "2024-09-01", None) in found


def test_numeric_dates_only_where_one_reading_fits():
    found = dates("Filed 10/17/2022. Also 07/11/2024 and 05/06/2021.")
    assert ("10/17/2022", "2022-10-17", None) in found
    assert ("07/11/2024", "2024-11-07", None) in found  # 11 July is months before publication
    assert not any(text == "05/06/2021" for text, _, _ in found)  # either reading could be meant


def test_ranges_without_spaces_or_from():
    found = dates("The drill ran September 21-26 and again 3–5 October, between Oct. 23 and Oct. 25.")
    assert ("September 21-26", "2024-09-21", "2024-09-26") in found
    assert ("3–5 October", "2024-10-03", "2024-10-05") in found
    assert ("between Oct. 23 and Oct. 25", "2024-10-23", "2024-10-25") in found


def test_numbers_inside_names_are_not_years():
    found = dates("Kavkaz-2020 and the “Eagle Partner 2025” drill were compared with 2019.")
    assert [t for t, _, _ in found] == ["2019"]


def test_a_duration_belongs_to_a_start_in_its_own_sentence():
    found = dates("Fighting began on 27 September 2020. The 44-day war ended with a ceasefire.")
    assert ("27 September 2020", "2020-09-27", None) in found


def test_weekdays_before_and_after_publication():
    found = dates("The drill began Sunday and will last until Friday.")
    assert ("Sunday", "2024-11-24", None) in found and ("until Friday", "2024-11-29", None) in found


def test_sentences_split_glued_text_and_keep_abbreviations():
    text = "Gen. Madani met U.S. officials.The talks ended. News.Az reported it."
    assert [text[a:b].strip() for a, b in sentence_spans(text)] == [
        "Gen. Madani met U.S. officials.", "The talks ended.", "News.Az reported it."]


# ---- drafts per event

def test_an_unquoted_codename_gets_a_draft_with_its_span(geo):
    text = ("YEREVAN – The Eagle Partner 2024 exercise, involving Armenian and US servicemen, has kicked off in "
            "Armenia and will last until July 24, the Armenian Defense Ministry said.")
    d = next(d for d in extract(text, date(2024, 7, 15), geo).drafts if d.kind == "exercise")
    assert d.name == "Eagle Partner 2024"
    assert (d.fields["start"], d.fields["end"]) == (date(2024, 7, 15), date(2024, 7, 24))
    assert sorted(d.fields["participants"]) == ["ARM", "USA"] and d.fields["places"] == ["Armenia"]
    assert text[slice(*d.spans["end"][0])] == "July 24"


def test_participants_come_from_the_sentences_about_each_event(geo):
    text = ("Turkey and Azerbaijan opened the drill “Steel Shield” in Nakhchivan on 2 June. "
            "Separately, Russia and Armenia began the exercise “Cold Ridge” near Gyumri on 4 June. "
            "Iran's Foreign Minister said he was watching.")
    drafts = {d.name: d.fields for d in extract(text, date(2024, 6, 5), geo).drafts if d.kind == "exercise"}
    assert sorted(drafts["Steel Shield"]["participants"]) == ["AZE", "TUR"]
    assert drafts["Steel Shield"]["places"] == ["Nakhchivan"] and drafts["Steel Shield"]["start"] == date(2024, 6, 2)
    assert sorted(drafts["Cold Ridge"]["participants"]) == ["ARM", "RUS"]
    assert drafts["Cold Ridge"]["places"] == ["Gyumri"] and drafts["Cold Ridge"]["start"] == date(2024, 6, 4)


def test_a_capital_named_as_a_government_is_a_party_not_a_place(geo):
    text = "Baku said the drill “Iron Gate” began in Shusha on 2 June with Turkish troops."
    d = next(d for d in extract(text, date(2024, 6, 3), geo).drafts if d.kind == "exercise")
    assert d.fields["places"] == ["Shusha"] and sorted(d.fields["participants"]) == ["AZE", "TUR"]


def test_an_incident_draft_with_both_sides(geo):
    text = ("Azerbaijan said Armenian forces opened fire on its positions near Tovuz district on July 12.\n\n"
            "Armenia denied it.")
    d = next(d for d in extract(text, date(2020, 7, 13), geo).drafts if d.kind == "event")
    assert d.fields["event_type"] == "incident" and d.fields["start"] == date(2020, 7, 12)
    assert sorted(d.fields["participants"]) == ["ARM", "AZE"] and d.fields["places"] == ["Tovuz district"]
    for name in ("start", "participants", "places"):
        assert d.spans[name]  # the review shows why each field was chosen


def test_a_signed_document_is_a_draft_named_by_its_title(geo):
    text = "Azerbaijan and Turkey signed the Protocol on the Igdir-Nakhchivan Railway in Baku on 25 February 2020."
    d = next(d for d in extract(text, date(2020, 2, 26), geo).drafts if d.kind == "event")
    assert d.name == "Protocol on the Igdir-Nakhchivan Railway" and d.fields["start"] == date(2020, 2, 25)
    assert sorted(d.fields["participants"]) == ["AZE", "TUR"]


def test_an_end_before_the_start_is_not_taken(geo):
    # read on 4 December: "on Sunday" is 29 November, "through May 21" the May before
    text = "Iran and Azerbaijan began the drill “Red Line” on Sunday; it runs through May 21."
    d = next(d for d in extract(text, date(2026, 12, 4), geo).drafts if d.kind == "exercise")
    assert d.fields["start"] == date(2026, 11, 29) and "end" not in d.fields  # begun; its end not said


def test_a_drill_that_started_with_no_day_named_starts_on_the_report_day(geo):
    text = ("BAKU, Azerbaijan, March 3\n\nJoint tactical exercises “Granite Step” of the armies of Azerbaijan and "
            "Turkey started in Nakhchivan, the ministry said.")
    d = next(d for d in extract(text, date(2025, 3, 5), geo).drafts if d.kind == "exercise")
    assert d.fields["start"] == date(2025, 3, 3) and "end" not in d.fields  # the dateline's day
    assert text[slice(*d.spans["start"][0])] == "March 3"


def test_a_national_drill_with_no_place_named_is_placed_in_its_country(geo):
    text = "The Iranian army launched drills codenamed Northern Lantern on Tuesday, state media said."
    d = next(d for d in extract(text, PUBLISHED, geo).drafts if d.kind == "exercise")
    assert d.fields["places"] == ["Iran"] and d.fields["host"] == ["IRN"] and d.fields["participants"] == ["IRN"]
    assert d.fields["start"] == date(2024, 11, 26) and "end" not in d.fields
    assert text[slice(*d.spans["places"][0])] == "Iranian"


def test_an_incident_told_by_the_hour_is_on_the_day_the_report_opens_with(geo):
    text = ("Armenia said on Sunday that its positions had come under fire.\n\n"
            "A soldier was wounded at about 09:40 GMT when Azerbaijani forces fired at a post near Sotk.")
    d = next(d for d in extract(text, PUBLISHED, geo).drafts if d.kind == "event")
    assert d.fields["start"] == date(2024, 11, 24) and d.fields["places"] == ["Sotk"]
    assert text[slice(*d.spans["start"][0])] == "on Sunday"


def test_a_crossing_dated_by_the_sentence_after_it(geo):
    text = ("Russia is opening an office at the Upper Lars checkpoint on the border with Georgia.\n\n"
            "This was announced by local officials on November 25.")
    d = next(d for d in extract(text, PUBLISHED, geo).drafts if d.kind == "crossing")
    assert d.fields["status_date"] == date(2024, 11, 25)


def test_a_period_of_figures_is_not_the_day_a_crossing_was_used(geo):
    text = ("More than a million trucks passed through the Astara border crossing from March 21, 2023, through "
            "March 20, 2024, officials said.")
    d = next(d for d in extract(text, PUBLISHED, geo).drafts if d.kind == "crossing")
    assert "status_date" not in d.fields and d.fields["status"] == "named in the report; no date given"


def test_every_draft_of_the_test_reports_saves_as_it_is(geo):
    from support.paths import ROOT

    from frontier_atlas.data.userstore import draft_record

    folder = ROOT / "tests" / "fixtures" / "reports"
    for path in sorted(folder.glob("*.txt")):
        for i, d in enumerate(extract(path.read_text(encoding="utf-8"), date(2025, 9, 14), geo).drafts):
            values = {k: "; ".join(v) if isinstance(v, list) else str(v) for k, v in d.fields.items()}
            draft_record(d.kind, values, f"test-{i}", "src")  # raises if a field is missing or wrong
