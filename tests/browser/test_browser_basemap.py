"""The offline base map in a real browser: served by the app itself, every layer drawn,
relief and labels switchable, and a look at Karabakh and the Aras at zoom 8."""

from __future__ import annotations

import re

import pytest
from support.browsing import LAND_DRAWN_JS, MAP_IFRAME, map_frame, screenshot, wait_until

pytestmark = pytest.mark.browser

KARABAKH_Z8 = "?map=39.6000,46.4000,8"

# what each of the offline map's panes holds: canvases (vector) or images (relief)
PANES_JS = """() => {
    const count = (pane, sel) => document.querySelectorAll('.leaflet-' + pane + '-pane ' + sel).length;
    const inked = [...document.querySelectorAll('.leaflet-faLabels-pane canvas')].filter(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) return true;
        return false; }).length;
    const relief = [...document.querySelectorAll('.leaflet-faRelief-pane img')].filter(
        i => i.complete && i.naturalWidth > 0).length;
    return {ground: count('faGround', 'canvas'), lines: count('faLines', 'canvas'),
            labels: inked, relief: relief};
}"""


def iframe(page):
    return [f for f in page.frames if "streamlit_folium" in f.url][-1]


def test_offline_map_tiles_come_from_the_app_and_every_layer_draws(start_app, page, tmp_path):
    app = start_app()
    answers: list[tuple[str, int]] = []
    page.on("response", lambda r: answers.append((r.url, r.status)) if "/basemap/" in r.url else None)
    page.goto(app.url + "/" + KARABAKH_Z8)
    map_frame(page).locator(".leaflet-container").wait_for()
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()

    wait_until(lambda: iframe(page).evaluate(LAND_DRAWN_JS) >= 4, what="ground tiles with land")
    wait_until(lambda: (lambda p: p["relief"] >= 4 and p["labels"] >= 2 and p["lines"] >= 4)(
        iframe(page).evaluate(PANES_JS)), what="relief images, line and label canvases")
    # every base-map file came from the app's own origin, answered in full or by range
    assert answers, "no base-map request seen"
    assert {re.sub(r".*/basemap/", "", u) for u, _ in answers} >= {"vector.pmtiles", "relief.pmtiles"}
    assert all(u.startswith(app.url) and s in (200, 206) for u, s in answers), answers
    # (the page fixture fails the test if any request left the machine)
    screenshot(page, tmp_path, "basemap-karabakh-z8.png")

    # the layer switcher: the offline map beside the online layers, relief and labels switchable
    frame = map_frame(page)
    frame.locator(".leaflet-control-layers").hover()
    names = frame.locator(".leaflet-control-layers label").all_inner_texts()
    for wanted in ("Offline map", "Offline: country outlines only", "OpenStreetMap (online)", "Relief",
                   "Place names"):
        assert any(wanted in n for n in names), (wanted, names)
    frame.locator(".leaflet-control-layers label", has_text="Relief").locator("input").click()
    frame.locator(".leaflet-control-layers label", has_text="Place names").locator("input").click()
    wait_until(lambda: (lambda p: p["relief"] == 0 and p["labels"] == 0)(iframe(page).evaluate(PANES_JS)),
               what="relief and labels switched off")
    assert iframe(page).evaluate(LAND_DRAWN_JS) >= 4, "the map itself stays"
    screenshot(page, tmp_path, "basemap-karabakh-z8-plain.png")
