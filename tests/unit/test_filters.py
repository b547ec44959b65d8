"""Filtering and the timeline on the real data."""

from __future__ import annotations

from datetime import date

import pytest
from support.paths import SEED as DATA

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.domain.filters import Filters, apply_filters, data_span, records_frame
from frontier_atlas.domain.timeline import timeline_steps
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.places.locate import locate_all


@pytest.fixture(scope="module")
def frame():
    ds = load_dataset(DATA)
    return records_frame(ds, locate_all(ds, GeocoderChain(ds.places)))


def ids(frame, **kw):
    return set(apply_filters(frame, Filters(**kw))["id"])


def test_no_filter_keeps_all(frame):
    assert len(apply_filters(frame, Filters())) == len(frame) == 9


def test_date_range_keeps_overlaps_and_undated(frame):
    got = ids(frame, date_from=date(2025, 5, 20), date_to=date(2025, 6, 30))
    # Aras 2025 (18-21 May) overlaps; one-day entry on 18 May does not; standing features stay
    assert got == {"aras-2025", "bileh-savar", "karabakh"}


def test_multi_day_event_is_under_way_every_day(frame):
    for day in (date(2024, 11, 24), date(2024, 11, 26), date(2024, 11, 27)):
        assert "aras-joint-2024" in ids(frame, moment=(day, day))
    assert "aras-joint-2024" not in ids(frame, moment=(date(2024, 11, 28), date(2024, 11, 28)))


def test_kinds_countries_and_search(frame):
    assert ids(frame, kinds=frozenset({"crossing"})) == {"bileh-savar"}
    assert ids(frame, kinds=frozenset()) == set()
    # Armenia: a claimant of Karabakh, a party to the 2020 war and to the peace text
    arm = ids(frame, countries=frozenset({"ARM"}))
    assert arm == {"karabakh", "karabakh-war-1990s", "karabakh-war-2020", "peace-text-2025"}
    # location country counts too: the 2024 drill took place in Iran
    assert "aras-joint-2024" in ids(frame, countries=frozenset({"IRN"}))
    # search ignores case, diacritics and hyphens
    assert ids(frame, query="bileh savar") >= {"bileh-savar", "aras-2025-entry"}
    assert ids(frame, query="MA'DANI") == {"aras-2025"}
    assert ids(frame, query="ARAS   joint") == {"aras-joint-2024"}


def test_timeline_steps_cover_span():
    months = timeline_steps((date(2024, 11, 24), date(2025, 2, 2)), "month")
    assert months[0] == (date(2024, 11, 1), date(2024, 11, 30))
    assert months[-1] == (date(2025, 2, 1), date(2025, 2, 28))
    assert len(months) == 4
    weeks = timeline_steps((date(2025, 5, 18), date(2025, 5, 21)), "week")
    assert weeks == [(date(2025, 5, 12), date(2025, 5, 18)), (date(2025, 5, 19), date(2025, 5, 25))]


def test_data_span(frame):
    assert data_span(frame) == (date(1991, 1, 1), date(2025, 5, 21))


def test_every_page_takes_the_timeline_moment_from_one_rule(frame):
    """Bug: in "everything up to the date" mode at 2024 the map counted what was under way
    up to the end of 2024, while the Data page (and its exports) counted 2024 alone: the
    page and filters_for_view each had their own rule, and the view carried no mode."""
    from frontier_atlas.domain.filters import filters_for_view
    from frontier_atlas.domain.link import ViewState
    from frontier_atlas.domain.timeline import Moment, moment_at

    span = data_span(frame)
    for mode, days in (("cumulative", 30), ("window", 400), ("step", 30)):
        view = ViewState(timeline=True, step="year", moment=date(2024, 1, 1), mode=mode, days=days)
        # what the map page does with its widgets: the step of the slider, then the mode
        on_map = Moment(timeline_steps(span, "year")[2024 - span[0].year], mode, days).span(span[0])
        assert moment_at(span, "year", date(2024, 6, 1), mode, days).span(span[0]) == on_map
        assert filters_for_view(view, span).moment == on_map
    cumulative = filters_for_view(ViewState(timeline=True, step="year", moment=date(2024, 1, 1),
                                            mode="cumulative"), span)
    step = filters_for_view(ViewState(timeline=True, step="year", moment=date(2024, 1, 1)), span)
    assert len(apply_filters(frame, cumulative)) > len(apply_filters(frame, step))
