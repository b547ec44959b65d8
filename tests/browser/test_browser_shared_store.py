"""Two app processes on one PostgreSQL store, in a real browser: what one saves the other
shows, what the other deletes is gone from the first; neither keeps a store on its own
disk. And an app started while its database is down says so and comes up by itself."""

from __future__ import annotations

import re

import psycopg
from support.browsing import map_frame, read_the_drill, screenshot, settle
from support.postgres import Cluster

from frontier_atlas.data.postgres_database import close_all
from frontier_atlas.data.userstore import UserStore


def _page(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.bring_to_front()  # headless Chromium may not render a page left behind another
    return page


def test_what_one_process_saves_the_other_shows_and_deletes(postgres, start_app, browser, tmp_path):
    url = postgres.new_database()
    first, second = (start_app(env={"FRONTIER_ATLAS_DATABASE_URL": url}) for _ in range(2))
    a = _page(browser)
    read_the_drill(a, first.url)
    a.get_by_role("button", name="Confirm and save").click()
    a.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=30_000)
    (record,) = UserStore(url).load()[0]

    b = _page(browser)
    b.goto(second.url + f"/?record={record.id}")  # the other process, its map and details panel
    b.locator(".st-key-details").get_by_text(record.name).first.wait_for(timeout=30_000)
    map_frame(b).locator(".fa-record").first.wait_for(state="attached")
    settle(b)
    screenshot(b, tmp_path, "shared-store-other-process.png")
    b.goto(second.url + "/add_article")
    b.get_by_text("Your records (1)", exact=True).wait_for(timeout=30_000)
    settle(b)  # a click during a late run can land on a widget that run replaces
    b.get_by_text(re.compile(re.escape(record.name))).first.click()  # open its editor
    delete = b.get_by_role("button", name="Delete")
    delete.wait_for()
    settle(b)
    delete.click()
    b.get_by_text("Your records (0)", exact=True).wait_for(timeout=60_000)

    a.bring_to_front()
    a.goto(first.url + "/add_article")  # and the first process no longer has it
    a.get_by_text("Your records (0)", exact=True).wait_for(timeout=30_000)
    assert UserStore(url).load()[0] == []
    assert [e.action for e in UserStore(url).audit()] == ["added", "deleted"]
    for server in (first, second):  # no store on either's disk
        assert not list(server.user_dir.glob("user-records.sqlite3*"))
    a.context.close()
    b.context.close()
    close_all()


def test_a_set_imported_on_one_process_is_counted_and_drawn_by_the_other_from_the_database(
        postgres, start_app, browser, tmp_path):
    from support.browsing import MAP_IFRAME, wait_until
    from test_browser_events import NEAREST_CELL_JS, folium_frame, settled

    from frontier_atlas.events.synthetic import acled_frame

    url = postgres.new_database()
    first, second = (start_app(env={"FRONTIER_ATLAS_DATABASE_URL": url}) for _ in range(2))
    upload = tmp_path / "acled-20k.csv"
    acled_frame(20_000, seed=3).to_csv(upload, index=False)
    a = _page(browser)
    a.goto(first.url + "/imports")
    a.locator("input[type=file]").set_input_files(str(upload))
    a.get_by_text(re.compile(r"recognised as ACLED export")).wait_for(timeout=30_000)
    a.get_by_role("button", name="Import", exact=True).click()
    a.get_by_text("Rows not read", exact=True).wait_for(timeout=90_000)  # the set's box: imported
    with psycopg.connect(url) as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 20_000

    b = _page(browser)
    b.goto(second.url)
    b.get_by_text(re.compile(r"20,000 of 20,000 imported events")).wait_for(timeout=30_000)
    map_frame(b).locator(".fa-agg").first.wait_for(state="attached", timeout=60_000)
    state = wait_until(lambda: settled(b, "grid"), what="grid drawn and settled")
    assert 10 < state["shapes"] < 500
    screenshot(b, tmp_path, "shared-store-events-grid.png")
    b.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    cells = map_frame(b).locator(".fa-agg")
    pick = folium_frame(b).evaluate(NEAREST_CELL_JS)
    label = cells.nth(pick).inner_text()
    cells.nth(pick).click()
    heading = b.locator(".st-key-cell-details h4")
    heading.wait_for(timeout=30_000)
    count = int(re.match(r"([\d,]+) imported events here", heading.inner_text()).group(1).replace(",", ""))
    assert count == int(label) if "k" not in label else count >= 1000
    screenshot(b, tmp_path, "shared-store-events-cell.png")
    for server in (first, second):  # the set lives in the database only
        assert not list(server.user_dir.glob("imports/*/events.parquet"))
    assert b.locator("[data-testid='stException']").count() == 0
    a.context.close()
    b.context.close()
    close_all()


def test_an_app_started_before_its_database_says_so_and_comes_up_by_itself(start_app, browser, tmp_path):
    cluster = Cluster()
    try:
        url = cluster.new_database()
        cluster.stop()
        server = start_app(env={"FRONTIER_ATLAS_DATABASE_URL": url})
        page = _page(browser)
        page.goto(server.url)
        page.get_by_text("This page cannot be shown yet").wait_for(timeout=30_000)
        assert page.get_by_text("Traceback").count() == 0 and "password" not in page.content()
        screenshot(page, tmp_path, "shared-store-database-down.png")
        cluster.start()  # nobody touches the page: it tries again by itself
        page.get_by_text(re.compile(r"^\d+ of \d+ records")).first.wait_for(timeout=60_000)
        assert page.get_by_text("This page cannot be shown yet").count() == 0
        screenshot(page, tmp_path, "shared-store-database-back.png")
        page.context.close()
    finally:
        cluster.remove()
