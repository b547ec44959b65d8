"""Driving the real app's page and its map in Chromium (Playwright pages from the ``page`` fixture)."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

MAP_IFRAME = "iframe[title*='streamlit_folium']"
IDLE_JS = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"


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


def settle(pg) -> None:
    """Wait until the session's script run (if any) has finished."""
    time.sleep(0.3)  # a rerun just asked for may not have started
    pg.wait_for_function(IDLE_JS, timeout=30_000)


def edit_grid_cell(pg, grid, row: int, text: str, reopen=None, tries: int = 8) -> None:
    """Type ``text`` into the value cell of ``row`` of a data editor (``grid()``: its locator,
    found again each try), as a user does: click, Enter, type, Enter.

    A grid just swapped in (a fresh editor after a save) can miss the first click, as a
    user's would; then the cell is clicked again, and half way through ``reopen()`` (if
    given) opens the page again.
    """
    cell = pg.locator("textarea.gdg-input, input.gdg-input").first
    for attempt in range(tries):
        settle(pg)
        g = grid()
        g.scroll_into_view_if_needed()
        box = g.bounding_box()
        x, y = box["x"] + box["width"] * 0.75, box["y"] + 35 * (row + 1) + 17  # 35 px rows under a header
        if attempt % 2:
            pg.mouse.dblclick(x, y)  # opens the cell's editor too
        else:
            pg.mouse.click(x, y)
            pg.keyboard.press("Enter")
        try:
            cell.wait_for(timeout=1500)  # it opens in a tenth of that; a missed click is clicked again
            break
        except Exception:
            if attempt == tries - 1:
                raise
            pg.keyboard.press("Escape")
            if reopen is not None and attempt == tries // 2 - 1:  # a grid that keeps missing
                reopen()
    cell.fill(text)
    pg.keyboard.press("Enter")
    settle(pg)


def choose(page, label, option: str, exact: bool = False) -> None:
    """Choose ``option`` from the select box ``label`` (its label text, or a locator) as a
    user does: open the list, click the entry. A click on a box that has the focus may
    close its list instead, so the box is opened again if the entry does not show."""
    box = page.get_by_label(label) if isinstance(label, str) else label
    entry = page.get_by_role("option", name=option, exact=exact)
    for _ in range(3):
        box.click()
        try:
            entry.wait_for(timeout=3000)
            break
        except Exception:
            page.keyboard.press("Escape")
    entry.click()
    settle(page)


DRILL_REPORT = Path(__file__).resolve().parents[1] / "fixtures/reports/drill-announcement.txt"


def read_the_drill(page, url: str) -> None:
    """Paste the drill report on the Add from article page and find its draft (one record)."""
    page.goto(url + "/add_article")
    page.get_by_label("…or paste its text").fill(DRILL_REPORT.read_text(encoding="utf-8"))
    page.get_by_label("Publisher").fill("Desk notes")
    page.get_by_label("Title").fill("A drill announced")
    page.get_by_role("button", name="Find places, dates and records").click()
    page.get_by_text("1 draft record(s)").wait_for(timeout=60_000)
    settle(page)
