"""The real app in a real headless Chromium: map, filters, clicks, details, offline, escaping."""

from __future__ import annotations

import re
import time

import pytest
from support.browsing import (
    LAND_DRAWN_JS,
    MAP_IFRAME,
    click_record,
    current_url,
    details_title,
    drawn_records,
    layer_records,
    located_count,
    map_frame,
    open_app,
    record_count,
    screenshot,
    search,
    wait_until,
)
from support.csvfiles import append_csv, edit_csv
from support.runlog import STATE_LOG_JS

pytestmark = pytest.mark.browser


def test_map_filters_click_details_offline(start_app, page, tmp_path):
    app = start_app()
    open_app(page, app.url)

    shown, total = record_count(page)
    assert shown == total >= 8
    # every located record is drawn once: markers, clusters' members, polygon, line
    wait_until(lambda: drawn_records(page) == located_count(page), what="all records drawn")
    # the offline base map drew land from the app's own tiles (tests/browser/test_browser_basemap.py
    # looks closer); the light outlines are a base layer of their own, not fetched until chosen
    frame = lambda: [f for f in page.frames if "streamlit_folium" in f.url][-1]  # noqa: E731
    wait_until(lambda: frame().evaluate(LAND_DRAWN_JS) > 0, what="offline map drew land")
    assert frame().evaluate("() => { let n = 0; window.map.eachLayer(l => { if (l.faAll) n += 1; }); return n; }") == 0
    search(page, "Aras")
    wait_until(lambda: record_count(page)[0] == 3, what="search narrows to 3 records")
    wait_until(lambda: drawn_records(page) == located_count(page) == 3, what="map follows the filter")

    click_record(page, "aras-2025")
    wait_until(lambda: details_title(page) == "Aras 2025", what="details of Aras 2025")
    facts = ["18–21 May 2025", "Iran (IRN)", "Azerbaijan (AZE)", "Vali Ma'dani",
             "region precision", "Tehran Times", "Bileh-Savar / Bilasuvar"]
    # the title comes first; the linked records' buttons may still be on their way
    wait_until(lambda: [f for f in facts if f not in page.locator(".st-key-details").inner_text()] == [],
               what="every fact in the details panel")
    screenshot(page, tmp_path, "map-aras-2025.png")

    # A, B, A: a repeated click on the same marker opens it again
    click_record(page, "aras-joint-2024")
    wait_until(lambda: details_title(page) == "Aras Joint Exercise", what="details of B")
    click_record(page, "aras-2025")
    wait_until(lambda: details_title(page) == "Aras 2025", what="details of A again")

    # a linked record opens from the panel, and the map still reopens A after it
    page.locator(".st-key-details").get_by_role("button", name=re.compile("crossing: Bileh")).click()
    wait_until(lambda: details_title(page) == "Bileh-Savar / Bilasuvar", what="linked crossing")
    click_record(page, "aras-2025")
    wait_until(lambda: details_title(page) == "Aras 2025", what="A after a linked record")

    assert page.foreign_requests == [], f"requests left the machine: {page.foreign_requests}"


XSS_NAME = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`${window.__xss=3}`'
XSS_DESC = '"><svg onload="window.__xss=4"> [link](javascript:window.__xss=5) **bold**'


def test_payloads_show_as_text(start_app, data_copy, page, tmp_path):
    edit_csv(data_copy / "exercises.csv", "aras-2025", name=XSS_NAME, description=XSS_DESC,
             commander="<b onmouseover=window.__xss=6>x</b>")
    append_csv(data_copy / "sources.csv", id="bad-link", publisher="<i>Pub</i>", title="T",
               published="2025-01-01", type="news report", url="javascript:alert(1)")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    app = start_app(data_copy)
    open_app(page, app.url)

    # the payload record alone, found by a plain word of its description
    search(page, "bold")
    wait_until(lambda: record_count(page)[0] == 1, what="payload record alone")
    marker = map_frame(page).locator("[data-record='aras-2025']")
    marker.hover()
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    wait_until(lambda: "<script>" in tooltip.inner_text(), what="tooltip shows the payload as text")
    marker.click()
    wait_until(lambda: "<script>window.__xss=1</script>" in details_title(page), what="title as text")
    # the panel is drawn in parts: the title can be on screen before the description
    wait_until(lambda: '"><svg onload="window.__xss=4">' in page.locator(".st-key-details").inner_text(),
               what="description as text")
    panel = page.locator(".st-key-details").inner_text()
    assert "[link](javascript:window.__xss=5)" in panel
    assert "<b onmouseover=window.__xss=6>x</b>" in panel
    # the load problem (javascript: URL refused) is listed, escaped too
    page.get_by_text(re.compile(r"problem\(s\) in the data files")).click()
    assert "only http:// or https:// URLs are allowed" in page.inner_text("body")

    assert len(page.frames) >= 2  # the app and the map's iframe
    for f in page.frames:
        assert f.evaluate("typeof window.__xss") == "undefined", f.url
        assert f.locator("img[src='x']").count() == 0
        assert f.locator("svg[onload]").count() == 0
    assert dialogs == []
    assert page.locator(".st-key-details a[href^='javascript']").count() == 0
    screenshot(page, tmp_path, "payloads.png")


def moment_line(page) -> str:
    return page.get_by_text(re.compile(r"records · under way")).first.inner_text()


def test_timeline_plays_and_pauses(start_app, page, tmp_path):
    app = start_app()
    open_app(page, app.url)
    page.get_by_text("Show what was under way at a moment").click()
    wait_until(lambda: "under way 1–31 January 1991" in moment_line(page), what="timeline on")
    wait_until(lambda: "timeline=month" in current_url(page) and "map=" in current_url(page), what="settled")
    def press_play() -> bool:
        # a click that lands while the map is still settling may be lost: try again
        if page.get_by_role("button", name="Pause").count() == 0:
            page.get_by_role("button", name="Play").click(timeout=5000)
            time.sleep(1.5)
        return page.get_by_role("button", name="Pause").count() == 1

    wait_until(press_play, what="playing")
    wait_until(lambda: "March 1991" in moment_line(page), timeout=20, what="two steps played")
    page.get_by_role("button", name="Pause").click()
    time.sleep(1.5)
    paused_at = moment_line(page)
    time.sleep(3)
    assert moment_line(page) == paused_at
    # the map follows the moment: the count line and the drawn shapes agree
    wait_until(lambda: drawn_records(page) == located_count(page), what="map matches the moment")
    screenshot(page, tmp_path, "timeline.png")


def test_leaving_the_country_list_does_not_move_the_widget_under_the_pointer(start_app, page, tmp_path):
    """A focused multiselect used to grow a line for its typing box beside a long chip.
    The first click below it then blurred it, the sidebar moved up under the pointer,
    and the click landed on whatever moved there: the timeline switch stayed off."""
    app = start_app()
    open_app(page, app.url)
    sidebar = page.locator("[data-testid='stSidebar']")
    switch_label = sidebar.get_by_text("Show what was under way at a moment")
    before = switch_label.bounding_box()["y"]
    box = sidebar.get_by_role("combobox")
    box.click()
    box.fill("AZE")
    page.get_by_role("option", name="(AZE)").first.click()
    page.keyboard.press("Escape")  # the list keeps the focus, as after any choice
    wait_until(lambda: record_count(page)[0] < record_count(page)[1], what="country filter applied")
    assert switch_label.bounding_box()["y"] == before, "the focused list pushed the sidebar down"
    switch_label.click()
    wait_until(lambda: "under way" in moment_line(page), timeout=15, what="timeline on after one click")


def script_runs(page) -> int:
    return page.evaluate("window.__faRuns.filter(e => e[1] === 'end').length")


def settle(page, quiet: float = 2.0, timeout: float = 30.0) -> None:
    """Until no script run has started or ended for ``quiet`` seconds."""
    js = "() => { const r = window.__faRuns; return r.length ? performance.now() - r[r.length - 1][0] : 1e9; }"
    wait_until(lambda: page.evaluate(js) > quiet * 1000, timeout=timeout, what="the app idle")


def test_a_refit_costs_one_run_and_the_users_own_moves_still_reach_the_link(start_app, page, tmp_path):
    """The map used to report every move back, its refits included: a second script run
    after each filter change. Now a filter change is one run, the link still carries
    the fitted view, and a pan of the user's is still reported."""
    page.add_init_script(STATE_LOG_JS)
    app = start_app()
    open_app(page, app.url)
    settle(page)
    before = script_runs(page)
    search(page, "Aras")
    wait_until(lambda: record_count(page)[0] == 3, what="search narrows to 3 records")
    wait_until(lambda: drawn_records(page) == 3, what="map follows the filter")
    settle(page)
    assert script_runs(page) - before == 1, "the refit was reported back as a second run"
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    assert frame.evaluate("window.faEchoesKept") >= 1  # the map did move, and kept quiet about it
    fitted = frame.evaluate("[map.getCenter().lat, map.getCenter().lng, map.getZoom()]")
    link_view = re.search(r"map=([-\d.]+)%2C([-\d.]+)%2C(\d+)", current_url(page)).groups()
    assert abs(float(link_view[0]) - fitted[0]) < 0.01 and abs(float(link_view[1]) - fitted[1]) < 0.01
    assert int(link_view[2]) == fitted[2]

    # the user drags the map: that is news, and the link follows
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    box = page.locator(MAP_IFRAME).last.bounding_box()
    x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y + 60, steps=8)
    page.mouse.up()

    def link_follows() -> bool:
        lng = frame.evaluate("map.getCenter().lng")  # after Leaflet's inertia, too
        in_link = float(re.search(r"map=([-\d.]+)%2C([-\d.]+)", current_url(page)).group(2))
        return abs(lng - fitted[1]) > 0.1 and abs(in_link - lng) < 0.01

    wait_until(link_follows, what="the dragged view in the link")


def test_about_page_opens_from_navigation(start_app, page):
    app = start_app()
    open_app(page, app.url)
    page.get_by_role("link", name="About").click()
    page.get_by_role("heading", name="About Frontier Atlas").wait_for()
    page.get_by_role("heading", name="How positions are found").wait_for()


def test_places_page_shows_every_place_on_its_map(start_app, page, tmp_path):
    app = start_app()
    page.goto(app.url + "/places")
    page.get_by_role("heading", name="Places").wait_for()
    frame = map_frame(page)
    frame.locator(".fa-place").first.wait_for(state="attached")
    # one row per place name in the table, one circle per located name on the map
    wait_until(lambda: frame.locator(".fa-place").count() == 5, what="5 places drawn")
    frame.locator(".fa-place").first.dispatch_event("mouseover")
    wait_until(lambda: "precision" in frame.locator(".leaflet-tooltip").first.inner_text(timeout=2000),
               what="tooltip")
    screenshot(page, tmp_path, "places.png")


def test_curated_data_opens_on_the_region_with_every_kind(start_app, page, tmp_path):
    from support.paths import DATA

    app = start_app(DATA)
    open_app(page, app.url)
    frame = map_frame(page)
    # far-away records (a summit in Washington) are on the map but outside the opening view
    wait_until(lambda: layer_records(page) == located_count(page), what="all records on the map")
    for kind in ("exercise", "crossing", "event"):
        assert frame.locator(f".fa-kind-{kind}").count() + frame.locator(".marker-cluster").count() > 0
    assert frame.locator("path.fa-region").count() >= 6
    assert frame.locator("path.fa-movement").count() >= 1
    leaflet_frame = next(f for f in page.frames if f != page.main_frame)
    lat, lng = leaflet_frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert 36 < lat < 45 and 38 < lng < 52, (lat, lng)
    screenshot(page, tmp_path, "curated-map.png")


def test_a_shared_link_reopens_the_view_in_a_fresh_browser(start_app, browser, page, tmp_path):
    app = start_app()
    open_app(page, app.url)
    search(page, "Aras")
    wait_until(lambda: record_count(page)[0] == 3, what="filtered")
    click_record(page, "aras-joint-2024")
    wait_until(lambda: details_title(page) == "Aras Joint Exercise", what="record open")
    wait_until(lambda: "record=aras-joint-2024" in current_url(page) and "q=Aras" in current_url(page),
               what="state in the URL")
    link = current_url(page)

    other = browser.new_context(viewport={"width": 1500, "height": 1100})
    try:
        fresh = other.new_page()
        open_app(fresh, link)
        wait_until(lambda: record_count(fresh)[0] == 3, what="same filter in the new browser")
        wait_until(lambda: details_title(fresh) == "Aras Joint Exercise", what="same record open")
        assert fresh.get_by_label("Search").input_value() == "Aras"
        # a stale link: the record is gone, the rest of the view still opens, with a notice
        open_app(fresh, app.url + "/?q=Aras&record=no-such-record&from=2024-99-01")
        wait_until(lambda: record_count(fresh)[0] == 3, what="stale link still filters")
        assert fresh.get_by_text("'no-such-record' is not in the data").count() == 1
        screenshot(fresh, tmp_path, "shared-link.png")
    finally:
        other.close()


def test_exports_download_and_parse_back_to_the_filtered_records(start_app, page, tmp_path):
    import json as _json

    from support.paths import SEED

    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.data.export import records_from_csv, records_from_geojson

    app = start_app()
    open_app(page, app.url)
    search(page, "Aras")
    wait_until(lambda: "q=Aras" in current_url(page), what="filter in the URL")
    page.get_by_role("link", name="Data").click()
    page.get_by_text("3 of 9 records").wait_for()
    ds = load_dataset(SEED)
    expected = {r: ds.records[r].model_dump() for r in ("aras-2025", "aras-joint-2024", "aras-2025-entry")}
    files = {}
    for label in ("CSV", "GeoJSON", "KML"):
        with page.expect_download() as info:
            page.get_by_role("button", name=label, exact=True).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        files[label] = path.read_text(encoding="utf-8")
    assert {r.id: r.model_dump() for r in records_from_csv(files["CSV"])} == expected
    assert {r.id: r.model_dump() for r in records_from_geojson(files["GeoJSON"])} == expected
    assert files["KML"].count("<Placemark") == 3
    assert _json.loads(files["GeoJSON"])["type"] == "FeatureCollection"
    # the view survived the page change
    wait_until(lambda: "q=Aras" in current_url(page), what="view kept in the URL on the Data page")
    screenshot(page, tmp_path, "data.png")


def test_brushing_the_timeline_sets_the_maps_date_filter(start_app, page, tmp_path):
    app = start_app()
    open_app(page, app.url)
    assert record_count(page) == (9, 9)
    page.get_by_role("link", name="Timeline").click()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for()
    box = wait_until(lambda: chart.bounding_box(), what="chart laid out")
    time.sleep(1)
    y = box["y"] + box["height"] * 0.55
    # drag across the right tenth of the axis: the last few months of the data
    page.mouse.move(box["x"] + box["width"] * 0.90, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.995, y, steps=12)
    page.mouse.up()
    line = page.get_by_text(re.compile(r"records in .*\(brushed\)")).first
    wait_until(lambda: line.count() and "brushed" in line.inner_text(), what="brush applied")
    brushed = int(line.inner_text().split(" of ")[0])
    assert brushed < 9
    wait_until(lambda: "from=" in current_url(page) and "to=" in current_url(page), what="dates in URL")
    screenshot(page, tmp_path, "timeline-brushed.png")
    page.get_by_role("link", name="Map").click()
    wait_until(lambda: record_count(page)[0] == brushed, what="map count follows the brush")
    wait_until(lambda: drawn_records(page) == located_count(page), what="map drawn for the brushed dates")


def test_paste_an_article_confirm_and_see_it_on_the_map(start_app, page, tmp_path):
    from support.seed import seed_article

    article = seed_article()
    app = start_app()
    open_app(page, app.url)
    assert record_count(page) == (9, 9)
    page.get_by_role("link", name="Add from article").click()
    page.get_by_label("…or paste its text").fill(article)
    page.get_by_label("Publisher").fill("Tehran Times")
    page.get_by_label("Title").fill("Tehran-Baku launch joint military drill in Karabakh region")
    for part, value in (("year", "2025"), ("month", "05"), ("day", "18")):
        page.get_by_role("spinbutton", name=f"{part}, Published").click()
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    wait_until(lambda: page.get_by_role("spinbutton", name="year, Published").inner_text() == "2025",
               what="publication date set")
    page.get_by_role("button", name="Find places, dates and records").click()
    page.get_by_text("5 draft record(s)").wait_for()
    wait_until(lambda: page.locator(".fa-article mark").count() >= 15, what="article with marks")
    assert "18 to 21" in page.locator(".fa-article").inner_text()
    time.sleep(1)
    screenshot(page, tmp_path, "article-review.png")
    page.get_by_role("button", name="Confirm and save").click()
    page.get_by_text(re.compile(r"Saved 5 record\(s\)")).wait_for()
    page.get_by_role("link", name="Map").click()
    wait_until(lambda: record_count(page) == (14, 14), what="five more records")
    search(page, "Aras 2025")
    frame = map_frame(page)
    # the new Aras 2025 sits where the curated one does: their cluster opens on click
    wait_until(lambda: frame.locator(".marker-cluster").count() == 1, what="the two Aras 2025 markers")
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()

    def open_cluster() -> bool:
        if frame.locator("[data-record^='user-aras-2025']").count() == 0:
            frame.locator(".marker-cluster").last.click(timeout=3000)
        return frame.locator("[data-record^='user-aras-2025']").count() == 1

    wait_until(open_cluster, what="the new marker")
    def open_user_record() -> bool:
        panel = page.locator(".st-key-details")
        if panel.count() and "User-added" in panel.inner_text(timeout=2000):
            return True
        time.sleep(0.5)  # let the spiderfied markers settle
        if frame.locator("[data-record^='user-aras-2025']").count() == 0:
            open_cluster()
        click_record(page, "user-aras-2025")
        time.sleep(1)
        return panel.count() > 0 and "User-added" in panel.inner_text(timeout=2000)

    wait_until(open_user_record, what="user record details")
    assert details_title(page) == "Aras 2025"
    screenshot(page, tmp_path, "article-on-map.png")
