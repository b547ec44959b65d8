"""Driving the real app's page and its map in Chromium (Playwright pages from the ``page`` fixture)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

MAP_IFRAME = "iframe[title*='streamlit_folium']"


def map_frame(page):
    """The map's iframe. While Streamlit swaps a rebuilt map in, the old one can linger
    for a moment; the newest is the last."""
    return page.frame_locator(MAP_IFRAME).last


def screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=path, full_page=True)
    keep = os.environ.get("FRONTIER_ATLAS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


def record_count(page) -> tuple[int, int]:
    text = page.get_by_text(re.compile(r"^\d+ of \d+ records")).first.inner_text()
    shown, total = re.match(r"(\d+) of (\d+)", text).groups()
    return int(shown), int(total)


def drawn_records(page) -> int:
    """Clickable record shapes on the map, counting each cluster's members."""
    frame = map_frame(page)
    singles = frame.locator(".fa-record").count()
    clustered = sum(int(t) for t in frame.locator(".marker-cluster span").all_inner_texts())
    return singles + clustered


LAYER_COUNT_JS = """() => {
    let n = 0;
    window.map.eachLayer(l => {
        if (l._gridClusters) { n += l.getLayers().length; return; }          // a MarkerCluster group
        const cls = (l.options && l.options.className) || '';
        if (cls.includes('fa-record') && !(l instanceof L.Marker)) n += 1;    // regions, movements
    });
    return n;
}"""


# canvases of the offline map's ground pane with land drawn at their centre (#f4f1ea)
LAND_DRAWN_JS = """() => [...document.querySelectorAll('.leaflet-faGround-pane canvas')].filter(c => {
    try { const p = c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data;
          return p[0] === 244 && p[1] === 241 && p[2] === 234; } catch (e) { return false; } }).length"""


def layer_records(page) -> int:
    """Record shapes Leaflet holds, including markers clustered or outside the view."""
    frame = next(f for f in page.frames if f != page.main_frame)
    return frame.evaluate(LAYER_COUNT_JS)


def wait_until(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as exc:  # the iframe may be replaced while we look
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def open_app(page, url: str) -> None:
    page.goto(url)
    map_frame(page).locator(".leaflet-container").wait_for()
    map_frame(page).locator(".fa-record").first.wait_for(state="attached")


def located_count(page) -> int:
    """Shown records minus those listed as having no position."""
    shown, _ = record_count(page)
    unplaced = page.get_by_text(re.compile(r"^\d+ shown record\(s\) without a position"))
    if unplaced.count():
        shown -= int(re.match(r"\d+", unplaced.first.inner_text()).group())
    return shown


def current_url(page) -> str:
    """The address bar as the page has it (``page.url`` can lag behind pushState)."""
    return page.evaluate("location.href")


def search(page, text: str) -> None:
    box = page.get_by_label("Search")
    box.fill(text)
    box.press("Enter")


def details_title(page) -> str:
    return page.locator(".st-key-details h4").first.inner_text()


def click_record(page, rid: str) -> None:
    # Playwright misplaces clicks inside an iframe that is scrolled half out of view
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    map_frame(page).locator(f"[data-record='{rid}']").click()


def open_record(page, rid: str, title: str, tries: int = 3) -> None:
    """Click a record's shape until its details open: a click that lands while the map's
    iframe is still busy drawing the base map can be lost, as a user's would be (they click again)."""
    for attempt in range(tries):
        click_record(page, rid)
        try:
            wait_until(lambda: details_title(page) == title, timeout=10, what=f"details of {title}")
            return
        except AssertionError:
            if attempt == tries - 1:
                raise
