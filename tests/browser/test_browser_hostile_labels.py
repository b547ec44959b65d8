"""Data that looks like Markdown, HTML or a template, on every page of the real app.

An imported set and a curated record carry an image that would call a tracker, a
"log in again" link, raw tags and Jinja braces in every text the app shows: the set's
name, event types, actors, locations, notes, the record's name. Each page must show
those characters as they are: no image fetched (the ``page`` fixture fails on any
request off this machine), no <img> or link made from the data, no page broken.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from support.browsing import MAP_IFRAME, map_frame, settle, wait_until
from support.csvfiles import append_csv, edit_csv

from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header

BEACON, PHISH = "beacon.invalid", "phish.invalid"
# one line each: Markdown image and link, an emoji shortcode, LaTeX, raw HTML, template braces
MARKS = f"![b](http://{BEACON}/b.png)[Log in again](http://{PHISH}/p) :red[x] $y$ <u>u</u> {{# {{{{ 7*7 }}}} {{% if %}}"
SET_NAME = f"Set {MARKS}"
TYPE = f"Type {MARKS}"
ACTOR = f"Actor {MARKS}"
PLACE = f"Place {MARKS}"
NOTES = f"Notes <img src=http://{BEACON}/n.png> {MARKS}"
RECORD = f"Record {MARKS}"
GAZETTEER = "Camp {# here {{ 7*7 }} {% if %} #} }}"  # a place name: on the Places page's map
PAGES = ["", "data", "timeline", "sources", "places", "about", "imports", "add_article"]

TOOLTIPS_JS = """() => { const out = [];
    window.map.eachLayer(l => { const t = l.getTooltip && l.getTooltip(); if (t) out.push(String(t.getContent())); });
    return out; }"""
ESCAPES_JS = f"""() => ({{
    imgs: [...document.querySelectorAll('img')].map(i => i.src).filter(s => s.includes('{BEACON}')),
    links: [...document.querySelectorAll('a')].map(a => a.href).filter(h => h.includes('{PHISH}')),
    underlined: [...document.querySelectorAll('u')].length,
    red: [...document.querySelectorAll('[class*="red"], span[style*="color"]')]
        .filter(e => e.textContent.trim() === 'x').length,
}})"""


def csv_text(*rows: tuple[str, ...]) -> bytes:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    header = "event_id_cnty,event_date,event_type,location,actor1,notes,latitude,longitude,country"
    return "\n".join([header, *(",".join(cell(v) for v in row) for row in rows)]).encode() + b"\n"


@pytest.fixture
def hostile_app(start_app, data_copy, tmp_path):
    edit_csv(data_copy / "crossings.csv", "bileh-savar", name=RECORD)
    append_csv(data_copy / "places.csv", name=GAZETTEER, aliases="", kind="town", country="AZE", lat="40.6",
               lon="47.6", precision="town", how_found="gazetteer", region_id="", source_ids="geonames")
    edit_csv(data_copy / "events.csv", "karabakh-war-1990s", places=GAZETTEER)
    data = csv_text(("H1", "2024-03-01", TYPE, PLACE, ACTOR, NOTES, "40.2", "45.1", "Azerbaijan"),
                    ("H2", "2024-03-02", TYPE, PLACE, ACTOR, NOTES, "40.3", "45.3", "Azerbaijan"))
    user = tmp_path / "hostile-user"
    import_events(data, "hostile.csv", guess_mapping(read_header(data, "hostile.csv")), ImportStore(user / "imports"),
                  SET_NAME, by=local_actor())
    return start_app(data_copy, user)


def assert_inert(page, where: str) -> None:
    found = page.evaluate(ESCAPES_JS)
    assert found == {"imgs": [], "links": [], "underlined": 0, "red": 0}, (where, found)
    assert not page.locator("[data-testid='stException']").count(), where


def shown(locator) -> str:
    """Text as a reader sees it: the word joiners that keep addresses from becoming links are invisible."""
    return locator.inner_text().replace("\u2060", "")


def body_text(page) -> str:
    return shown(page.locator("body"))


def test_markup_in_data_shows_as_text_on_every_page(hostile_app, page):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(hostile_app.url)
    map_frame(page).locator(".leaflet-container").wait_for()
    sidebar = page.locator("[data-testid='stSidebar']")
    wait_until(lambda: SET_NAME + " (2 events)" in shown(sidebar), what="the set's switch")

    # the event types' list: its options are data too
    types = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text="Event types").locator("input")
    option = page.locator("[role='option']").first

    def open_types() -> bool:
        # a rerun (the map's first report) can redraw the sidebar under the click: click again
        types.click()
        try:
            option.wait_for(timeout=3000)
            return True
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            return False

    wait_until(open_types, what="the event types' options")
    assert shown(option).strip() == TYPE  # options are plain text: shown as they are, unescaped
    page.keyboard.press("Escape")

    # the map: tooltips and the legend are escaped in the iframe, braces and all
    frame = map_frame(page)
    frame.locator("path.fa-event").first.wait_for(state="attached")
    legend = shown(frame.locator(".fa-event-legend"))
    assert TYPE in legend, legend
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    frame.locator("path.fa-event").first.click(force=True)
    panel = page.locator(".st-key-event-details")
    panel.wait_for()
    text = wait_until(lambda: shown(panel) if ACTOR in shown(panel) else None, what="event panel")
    for wanted in (PLACE, ACTOR, NOTES, SET_NAME):
        assert wanted in text, (wanted, text)
    assert_inert(page, "map")
    assert_inert_frame = frame.locator(f"img[src*='{BEACON}'], a[href*='{PHISH}']").count()
    assert assert_inert_frame == 0

    for path in PAGES[1:]:
        page.goto(f"{hostile_app.url}/{path}")
        page.locator("h1").first.wait_for()
        settle(page)  # the page's run finished
        assert_inert(page, path)
        if path == "places":  # the map of place names draws the one named with braces, as it is
            frame = page.frame_locator(MAP_IFRAME).last
            frame.locator(".fa-place").first.wait_for(state="attached")
            folium = [f for f in page.frames if "streamlit_folium" in f.url][-1]
            tips = wait_until(lambda: folium.evaluate(TOOLTIPS_JS), what="place tooltips")
            assert any(t.startswith(f"<b>{GAZETTEER}</b>") for t in tips), tips
        if path == "sources":  # the Data page's table is drawn on a canvas
            for summary in page.locator("[data-testid='stExpander'] summary").all():  # the buttons are in expanders
                summary.click()
            wait_until(lambda: RECORD in body_text(page), what="the record's button on the Sources page")
    assert not [u for u in requests if BEACON in u or PHISH in u]
