"""What the map's iframe sends back is checked like a link: forged values never raise.

st_folium's value (centre, zoom, bounds, the clicked tooltip, the click count) comes
from the visitor's browser, so it may hold anything JSON can: NaN, infinity, a zoom
of 1e6, strings, lists, nested junk. Each reader below must clamp or ignore it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontier_atlas.app.state import MAP_PX_RANGE, MapSync, reported_view
from frontier_atlas.domain.access import local_actor
from frontier_atlas.domain.viewport import MAX_ZOOM, MIN_ZOOM, Viewport, finite, map_zoom
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header
from frontier_atlas.events.breakdown import cell_breakdown
from frontier_atlas.map.clicks import CLOSE, OPEN, cell_token, event_token, read_click

NASTY_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, 1e6, -1e6, 1e308, -1e308, 10**400, 2**63, 0,
                                 -1, 18.9, 19, "1e6", "nan", "inf", "x", "", True, None])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12), NASTY_NUMBERS)
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                    max_leaves=8)
POINT = st.one_of(JUNK, st.fixed_dictionaries({"lat": JUNK, "lng": JUNK}),
                  st.fixed_dictionaries({"lat": NASTY_NUMBERS, "lng": NASTY_NUMBERS}))
BOUNDS = st.one_of(JUNK, st.fixed_dictionaries({"_southWest": POINT, "_northEast": POINT}))
REPORT = st.one_of(
    JUNK,
    st.fixed_dictionaries({}, optional={"center": POINT, "zoom": st.one_of(NASTY_NUMBERS, JUNK), "bounds": BOUNDS,
                                        "last_object_clicked_count": JUNK,
                                        "last_object_clicked_tooltip": JUNK}),
)
TOKEN_PART = st.one_of(st.from_regex(r"[0-9]{1,30}", fullmatch=True), st.text("0123456789-abcx", max_size=40))
TOOLTIP = st.one_of(JUNK, TOKEN_PART.map(lambda t: f"{OPEN}g-{t}{CLOSE}"),
                    TOKEN_PART.map(lambda t: f"{OPEN}x-{t}{CLOSE}"), TOKEN_PART.map(lambda t: f"{OPEN}{t}{CLOSE}"))
GOTO = st.one_of(st.none(), st.just(((40.0, 46.5), 6)), st.just(((-33.9, 18.4), 11)))


def assert_a_view(view) -> None:
    """A view the rest of the page can compute with: finite, on the world, a map zoom."""
    assert MIN_ZOOM <= view.zoom <= MAX_ZOOM and isinstance(view.zoom, int)
    assert all(math.isfinite(v) for v in view.centre) and -90 <= view.centre[0] <= 90
    vp = view.viewport
    assert all(math.isfinite(v) for v in (vp.south, vp.west, vp.north, vp.east))
    assert MIN_ZOOM <= vp.zoom <= MAX_ZOOM
    vp.size_px()
    vp.padded().contains(np.array([40.0]), np.array([46.0]))


@settings(max_examples=400, deadline=None)
@given(reports=st.lists(REPORT, min_size=1, max_size=4), goto=GOTO)
def test_any_reported_value_gives_a_view_or_none(reports, goto):
    sync = MapSync()
    for reported in reports:
        sync.note_report(reported)
        lo, hi = MAP_PX_RANGE
        assert all(lo <= n <= hi for n in sync.px)
        here = sync.current(reported, goto)
        if here is not None:
            assert_a_view(here)
        assert here is not None or goto is None


@settings(max_examples=300, deadline=None)
@given(bounds=BOUNDS, zoom=st.one_of(NASTY_NUMBERS, JUNK))
def test_viewport_from_any_bounds(bounds, zoom):
    vp = Viewport.from_map(bounds, zoom)
    if vp is not None:
        assert vp.north > vp.south and vp.east > vp.west and MIN_ZOOM <= vp.zoom <= MAX_ZOOM
        assert all(math.isfinite(n) for n in vp.size_px())


@pytest.mark.parametrize("zoom, kept", [(1e6, MAX_ZOOM), (-1e6, MIN_ZOOM), (19, MAX_ZOOM), (-3, MIN_ZOOM),
                                        (18.7, 18), (6, 6), (10**400, None)], ids=lambda v: str(v)[:12])
def test_absurd_zooms_are_clamped_or_ignored(zoom, kept):
    assert map_zoom(zoom) == kept
    vp = Viewport.around((40.0, 46.5), zoom, 700, 600)
    assert MIN_ZOOM <= vp.zoom <= MAX_ZOOM
    report = {"center": {"lat": 40.0, "lng": 46.5}, "zoom": zoom,
              "bounds": {"_southWest": {"lat": 39, "lng": 45}, "_northEast": {"lat": 41, "lng": 48}}}
    here = MapSync(moved=True).current(report, None)
    assert (here.zoom, here.viewport.zoom) == (kept, kept) if kept is not None else here is None


@pytest.mark.parametrize("value", [math.nan, math.inf, "nan", "1e999", 10**400, None, [], {}, True])
def test_not_a_number_is_ignored(value):
    assert finite(value) is None
    assert reported_view({"center": {"lat": value, "lng": 1.0}, "zoom": 5}) is None
    assert reported_view({"center": {"lat": 1.0, "lng": 1.0}, "zoom": value}) is None


def test_a_forged_report_leaves_the_last_good_view():
    sync = MapSync()
    good = {"center": {"lat": 40.0, "lng": 46.5}, "zoom": 6}
    sync.note_report(good)
    for forged in ({"center": {"lat": math.nan, "lng": 0}, "zoom": 6}, {"center": "x", "zoom": 1e6}, [1, 2], "map"):
        sync.note_report(forged)
        assert sync.seen == ((40.0, 46.5), 6)
    assert sync.current(good, ((1.0, 2.0), 3)).centre == (40.0, 46.5)


@settings(max_examples=400, deadline=None)
@given(tooltip=TOOLTIP)
def test_any_tooltip_reads_as_a_click_or_none(tooltip):
    click = read_click(tooltip)
    if click and click.cell:
        assert MIN_ZOOM <= click.cell[0] <= MAX_ZOOM
    if click and click.event:
        assert click.event[1] >= 0


def test_well_formed_tokens_still_read():
    assert read_click("x" + cell_token(6, 40, 25)).cell == (6, 40, 25)
    assert read_click(event_token("abc123", 17)).event == ("abc123", 17)
    assert read_click(f"{OPEN}g-1000000-1-1{CLOSE}") is None
    assert read_click(f"{OPEN}x-abc-{'9' * 5000}{CLOSE}") is None
    assert read_click(12345) is None and read_click({"a": 1}) is None


@pytest.fixture(scope="module")
def masks(tmp_path_factory):
    data = ("event_id_cnty,event_date,event_type,location,actor1,latitude,longitude\n"
            "A1,2024-01-01,Battles,Agdam,Army,40.0,45.0\nA2,2024-01-02,Protests,Yerevan,Crowd,40.18,44.51\n").encode()
    store = ImportStore(tmp_path_factory.mktemp("events"))
    info, _ = import_events(data, "e.csv", guess_mapping(read_header(data, "e.csv")), store, by=local_actor())
    es = store.open(info.id)
    return [(es, es.mask())]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell=st.tuples(st.integers(-5, 10**12), st.integers(-(10**13), 10**13), st.integers(-(10**13), 10**13)))
def test_a_cell_that_does_not_exist_has_no_events(masks, cell):
    b = cell_breakdown(masks, *cell)
    assert b.count == 0 or MIN_ZOOM <= cell[0] <= MAX_ZOOM


def test_a_real_cell_still_counts_and_zooms_in_within_the_map(masks):
    from frontier_atlas.events.grid import grid

    es = masks[0][0]
    for zoom in (4, MAX_ZOOM):
        cells = grid(es.mx, es.my, es.lat, es.lon, es.fatalities, zoom)
        b = cell_breakdown(masks, zoom, int(cells.ix[0]), int(cells.iy[0]))
        assert b.count >= 1 and b.zoom <= MAX_ZOOM
