"""Which view is on screen: the page's last request, or the user's later move."""

from __future__ import annotations

import pytest

from frontier_atlas.app.state import MAP_PX, MapSync
from frontier_atlas.domain.viewport import Viewport


def report(lat: float, lng: float, zoom: int, south: float, west: float, north: float, east: float) -> dict:
    """What st_folium returns for a view."""
    return {"center": {"lat": lat, "lng": lng}, "zoom": zoom,
            "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}}


def test_nothing_known_yet():
    assert MapSync().current(None, None) is None


def test_the_request_holds_until_the_user_moves_the_map():
    sync = MapSync()
    first = report(40.0, 47.0, 6, 35.0, 40.0, 45.0, 54.0)
    sync.note_report(first)  # the map's first report
    sync.request(((39.6, 47.5), 8))  # a refit: the map will not echo it
    sync.note_report(first)  # a later run, same old report
    here = sync.current(first, sync.goto)
    assert (here.centre, here.zoom) == ((39.6, 47.5), 8)
    # aimed with the size the map reported: 14 degrees of longitude at zoom 6
    assert here.viewport.west < 47.5 < here.viewport.east and here.viewport.zoom == 8
    assert here.viewport.size_px() == pytest.approx(sync.px, abs=2)

    panned = report(41.0, 45.0, 8, 40.0, 43.0, 42.0, 47.0)
    sync.note_report(panned)
    here = sync.current(panned, sync.goto)
    assert (here.centre, here.zoom) == ((41.0, 45.0), 8)
    assert here.viewport == Viewport(40.0, 43.0, 42.0, 47.0, 8)


def test_a_report_without_bounds_or_a_broken_one_falls_back():
    sync = MapSync(moved=True)
    here = sync.current({"center": {"lat": 10, "lng": 20}, "zoom": 5}, None)
    assert here.centre == (10.0, 20.0) and here.viewport.size_px() == pytest.approx(MAP_PX, abs=2)
    assert sync.current({"center": {"lat": "x"}, "zoom": 5}, ((1.0, 2.0), 3)).centre == (1.0, 2.0)


@pytest.mark.parametrize("centre,zoom", [((0.0, 0.0), 2), ((40.0, 47.0), 6), ((-33.9, 18.4), 11), ((70.0, -150.0), 4)])
def test_around_is_the_view_of_that_centre_and_size(centre, zoom):
    vp = Viewport.around(centre, zoom, 700, 600)
    assert vp.south < centre[0] < vp.north and vp.west < centre[1] < vp.east
    w, h = vp.size_px()
    assert abs(h - 600) <= 2 and (abs(w - 700) <= 2 or vp.west == -180 or vp.east == 180)
