"""A long review shows a page of drafts at a time; an edit on one page survives a visit to another."""

from __future__ import annotations

import re

from support.browsing import choose, edit_grid_cell, screenshot, settle, wait_until
from support.paths import ROOT

from frontier_atlas.data.userstore import UserStore

DRILL = (ROOT / "tests/fixtures/reports/drill-announcement.txt").read_text(encoding="utf-8")
# 24 copies, each drill under its own codename (one name is one exercise): 24 exercise drafts
TEXT = "\n\n".join(DRILL.replace("Aras 2025", f"Aras {2000 + i}") for i in range(24))
NEW_NAME = "Aras 2025, the second week"


def _show(page, drafts: str) -> None:
    """Choose a page of drafts as a user does."""
    choose(page, "Drafts shown", drafts)


def test_an_edit_on_the_second_page_of_drafts_is_kept_and_saved(start_app, page, tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    app = start_app(user_dir=user)
    page.goto(app.url + "/add_article")
    box = page.get_by_label("…or paste its text")
    box.fill(TEXT)
    page.get_by_label("Publisher").fill("Desk notes")
    page.get_by_label("Title").fill("One announcement, many times")
    page.get_by_role("button", name="Find places, dates and records").click()
    page.get_by_text("24 draft record(s)").wait_for(timeout=60_000)
    settle(page)
    # the drafts' forms can follow their heading by a moment on a busy machine
    wait_until(lambda: page.get_by_text("Save this record").count() == 20, what="20 drafts' forms")

    _show(page, "21–24 of 24")
    assert page.get_by_text("Save this record").count() == 4
    page.get_by_text("24 draft record(s)").scroll_into_view_if_needed()
    screenshot(page, tmp_path, "article-review-pages.png")
    grids = page.locator('[data-testid="stDataFrame"]')
    edit_grid_cell(page, lambda: grids.first, 0, NEW_NAME)  # draft 21's name
    page.get_by_text("Save this record").last.click()  # draft 24: not saved
    settle(page)
    screenshot(page, tmp_path, "article-review-second-page.png")

    _show(page, "1–20 of 24")
    assert page.get_by_text("Save this record").count() == 20
    _show(page, "21–24 of 24")  # the editor opens again, from the edit, not from the draft
    _show(page, "1–20 of 24")
    page.get_by_role("button", name="Confirm and save").click()
    page.get_by_text(re.compile(r"Saved 23 record\(s\)")).wait_for(timeout=30_000)
    names = [r.name for r in UserStore(user / "user-records.sqlite3").load()[0]]
    assert len(names) == 23
    assert names.count(NEW_NAME) == 1
    # every draft but the 21st (renamed) and the 24th (left out), under its own codename
    assert sorted(n for n in names if n != NEW_NAME) == [f"Aras {2000 + i}" for i in range(24) if i not in (20, 23)]
