"""The shared view in URL query parameters: round trip, and links that are broken."""

from __future__ import annotations

from datetime import date

from frontier_atlas.domain.link import ViewState, from_query, to_query

IDS = {"aras-2025", "bileh-savar"}
COUNTRIES = {"IRN", "AZE", "ARM"}
SPAN = (date(1991, 1, 1), date(2025, 5, 21))


def test_default_view_is_an_empty_query():
    assert to_query(ViewState()) == {}


def test_round_trip():
    view = ViewState(date_from=date(2024, 1, 1), date_to=date(2025, 5, 1), timeline=True, step="week",
                     moment=date(2025, 5, 12), countries=("IRN", "AZE"), kinds=("exercise", "crossing"),
                     query="Aras & co", selected="aras-2025", center=(39.85, 46.77), zoom=7)
    assert from_query(to_query(view), IDS, COUNTRIES, SPAN) == view


def test_no_kinds_is_kept_as_no_kinds():
    view = ViewState(kinds=())
    assert to_query(view)["kinds"] == "none"
    assert from_query(to_query(view), IDS, COUNTRIES, SPAN).kinds == ()


def test_broken_links_open_the_nearest_valid_view():
    view = from_query({"from": "2025-13-01", "to": "2030-01-01", "record": "gone", "countries": "IRN,XXX",
                       "kinds": "exercise,bogus", "timeline": "decade", "map": "95,0,7"}, IDS, COUNTRIES, SPAN)
    assert view.date_from is None and view.date_to == SPAN[1]
    assert view.selected is None and view.countries == ("IRN",) and view.kinds == ("exercise",)
    assert view.timeline and view.step == "month" and view.center is None
    text = " ".join(view.notices)
    for word in ("from=", "span", "'gone'", "XXX", "bogus", "decade", "map="):
        assert word in text, word


def test_swapped_dates_are_put_in_order():
    view = from_query({"from": "2025-01-01", "to": "2024-01-01"}, IDS, COUNTRIES, SPAN)
    assert (view.date_from, view.date_to) == (date(2024, 1, 1), date(2025, 1, 1))
    assert view.notices


def test_a_link_keeps_the_timeline_mode_and_its_days():
    for mode, days in (("window", 90), ("cumulative", 30), ("step", 30)):
        view = ViewState(timeline=True, step="year", moment=date(2024, 1, 1), mode=mode, days=days)
        assert from_query(to_query(view), IDS, COUNTRIES, SPAN) == view
    assert to_query(ViewState(timeline=True, mode="window", days=90))["days"] == "90"


def test_a_bad_mode_or_days_falls_back_and_says_so():
    view = from_query({"timeline": "year", "mode": "sideways", "days": "0"}, IDS, COUNTRIES, SPAN)
    assert (view.mode, view.days) == ("step", 30)
    assert any("mode=" in n for n in view.notices) and any("days=" in n for n in view.notices)


def test_repeated_link_values_are_merged():
    view = from_query({"countries": ",".join(["AZE"] * 2000) + ",irn,AZE", "kinds": "crossing," * 500 + "exercise"},
                      IDS, COUNTRIES, SPAN)
    assert view.countries == ("AZE", "IRN")
    assert view.kinds == ("exercise", "crossing")
    assert not view.notices
    query = to_query(view)
    assert query["countries"] == "AZE,IRN" and len("&".join(f"{k}={v}" for k, v in query.items())) < 100


def test_notices_about_a_huge_link_stay_short():
    junk = ",".join(f"X{i:04d}" for i in range(2000))
    view = from_query({"countries": junk + "," + junk, "kinds": "bogus," * 3000, "record": "r" * 50_000,
                       "map": "9" * 50_000, "from": "x" * 50_000, "timeline": "t" * 50_000},
                      IDS, COUNTRIES, SPAN)
    assert view.countries == () and view.kinds == () and view.selected is None
    assert all(len(n) < 300 for n in view.notices), [len(n) for n in view.notices]
    text = " ".join(view.notices)
    assert "X0000" in text and "1,990 more" in text and text.count("bogus") == 1
