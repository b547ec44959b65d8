"""Imported events in the real app and a real Chromium: 100,000 synthetic events drawn as
counted cells, a click on a cell answered with its breakdown, zooming in, and the
Import page listing the rows it could not read."""

from __future__ import annotations

import json
import re
from pathlib import Path

from support.browsing import MAP_IFRAME, map_frame, screenshot, wait_until
from support.paths import SEED

from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header
from frontier_atlas.events.synthetic import acled_frame

EVENTS_JS = """() => JSON.stringify(Object.assign({}, window.__faEvents || {},
    {cells: document.querySelectorAll('.fa-agg').length, points: document.querySelectorAll('path.fa-event').length}))"""
NEAREST_CELL_JS = """() => {
    const r = document.querySelector('.leaflet-container').getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    let best = -1, bestDistance = 1e9;
    document.querySelectorAll('.fa-agg').forEach((el, i) => {
        const b = el.getBoundingClientRect();
        const d = Math.hypot(b.left + b.width / 2 - cx, b.top + b.height / 2 - cy);
        if (d < bestDistance) { bestDistance = d; best = i; }
    });
    return best;
}"""


def folium_frame(page):
    """The newest map iframe as a Frame (for evaluating JS in it)."""
    return [f for f in page.frames if "streamlit_folium" in f.url][-1]


def map_state(page) -> dict:
    frame = folium_frame(page)
    text = frame.evaluate(EVENTS_JS)
    zoom = frame.evaluate("() => window.map ? window.map.getZoom() : null")
    return {**(json.loads(text) if text else {}), "zoom": zoom}


def settled(page, mode: str) -> dict | None:
    """The layer once it stopped changing: the first draw aims at an estimated view and is
    redrawn when the map reports its real one."""
    first = map_state(page)
    page.wait_for_timeout(1500)
    again = map_state(page)
    return again if again == first and again.get("mode") == mode else None


def test_100k_imported_events_draw_as_cells_and_a_cell_click_is_answered(start_app, page, tmp_path):
    csv = tmp_path / "synthetic.csv"
    acled_frame(100_000, seed=11).to_csv(csv, index=False)
    user = tmp_path / "user"
    info, _ = import_events(csv, csv.name, guess_mapping(read_header(csv.read_bytes()[:100_000], csv.name)),
                            ImportStore(user / "imports"), "Synthetic 100k", by=local_actor())
    assert info.rows == 100_000
    app = start_app(SEED, user)
    page.goto(app.url)
    page.get_by_text(re.compile(r"100,000 of 100,000 imported events")).wait_for()
    cells = map_frame(page).locator(".fa-agg")
    cells.first.wait_for(state="attached")
    state = wait_until(lambda: settled(page, "grid"), what="grid drawn and settled")
    # bounded: a few hundred counted cells stand for 100,000 events
    assert 10 < state["shapes"] < 500 and state["cells"] == state["shapes"]
    total = sum(int(t.replace("k", "00").replace(".", "")) if "k" in t else int(t)
                for t in cells.all_inner_texts())
    assert total > 50_000  # the counts drawn add up to the events in view (labels are rounded)
    screenshot(page, tmp_path, "imports-100k.png")

    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    pick = folium_frame(page).evaluate(NEAREST_CELL_JS)
    label = cells.nth(pick).inner_text()
    cells.nth(pick).click()
    heading = page.locator(".st-key-cell-details h4")
    heading.wait_for()
    count = int(re.match(r"([\d,]+) imported events here", heading.inner_text()).group(1).replace(",", ""))
    if "k" not in label:
        assert count == int(label)
    by_type = page.locator(".st-key-cell-details").get_by_text("By type")
    assert by_type.is_visible()
    screenshot(page, tmp_path, "imports-cell.png")

    before = map_state(page)["zoom"]
    page.get_by_role("button", name=re.compile(r"Zoom in to these")).click()
    wait_until(lambda: map_state(page)["zoom"] > before, what="the map to zoom in")
    wait_until(lambda: (s := map_state(page)).get("mode") in ("grid", "points") and s["shapes"] > 0,
               what="the layer redrawn for the new view")
    assert page.locator("[data-testid='stException']").count() == 0


def test_import_page_lists_rows_it_could_not_read(start_app, page, tmp_path):
    from support.acled import acled_csv, acled_row

    lines = acled_csv("text").strip().splitlines()
    lines.insert(2, acled_row("BAD1", "32 May 2024", "1", "Battles", "Armed clash", "A", "B", "31", "Azerbaijan",
                              "", "P", "40", "45", "1", "n", "0"))
    upload = tmp_path / "acled-export.csv"
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = start_app(SEED)
    page.goto(app.url + "/imports")
    page.locator("input[type=file]").set_input_files(str(upload))
    page.get_by_text(re.compile(r"recognised as ACLED export")).wait_for()
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Rows not read", exact=True).wait_for()
    box = page.locator("[class*='st-key-set-box-']").first
    assert "3" in box.locator("[data-testid='stMetricValue']").first.inner_text()
    assert "1" in box.locator("[data-testid='stMetricValue']").nth(1).inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download the rows not read")).click()
    listing = Path(download.value.path()).read_text(encoding="utf-8")
    assert "acled-export.csv,3,event_date,'32 May 2024' is not a date" in listing
    screenshot(page, tmp_path, "imports-page.png")
    # the set is on the map, as its own layer
    page.get_by_role("link", name="Map").first.click()
    page.get_by_text(re.compile(r"3 of 3 imported events")).wait_for()
    # few events: drawn one by one; a click opens the event, read back from the stored set
    points = map_frame(page).locator("path.fa-event")
    wait_until(lambda: points.count() == 3, what="three imported points")
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    points.first.click(force=True)
    title = page.locator(".st-key-event-details h4")
    title.wait_for()
    assert title.inner_text() in {"Agdam", "Yerevan", "Tbilisi"}
    assert page.locator(".st-key-event-details").get_by_text("Example source").is_visible()
