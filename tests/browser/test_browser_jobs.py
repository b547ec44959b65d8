"""Long work runs in a background job (issue 15): a bar, a Cancel button, the limits said plainly."""

from __future__ import annotations

import re

from support.browsing import screenshot, wait_until
from support.paths import ROOT

REPORTS = "\n\n".join((ROOT / "tests/fixtures/reports" / n).read_text(encoding="utf-8")
                      for n in ("drill-announcement.txt", "border-villages.txt", "joint-exercise-report.txt"))
# a shape that costs the most per character (bench/robustness.py): about 2 s at the 2 MB limit
# in paragraphs of about 90,000 characters, under MAX_PARAGRAPH_CHARS and MAX_PARAGRAPHS
HEAVY_PARAGRAPH = "Tehran Iran May 18, 2025 Azerbaijan Ardabil Province on Monday " * 1_400 + "\n\n"


def _heavy(chars: int) -> str:
    return (HEAVY_PARAGRAPH * (chars // len(HEAVY_PARAGRAPH) + 1))[:chars]


def _paste_and_read(page, url: str, text: str) -> None:
    page.goto(url + "/add_article")
    box = page.get_by_label("…or paste its text")
    box.fill(text)
    box.press("Control+Enter")
    page.get_by_role("button", name="Find places, dates and records").click()


def _upload_and_read(page, url: str, path) -> None:
    """A file near the 2 MB limit (pasting that much into the text box takes the browser minutes)."""
    page.goto(url + "/add_article")
    page.locator("input[type=file]").set_input_files(str(path))
    button = page.get_by_role("button", name="Find places, dates and records")
    wait_until(button.is_enabled, what="the uploaded text read")
    button.click()


def test_a_long_article_is_read_in_a_job_and_gives_its_drafts(start_app, page, tmp_path):
    app = start_app()
    # 23,800 characters: over the size read on the page's thread; each copy's drill has its own codename
    text = "\n\n".join(REPORTS.replace("Aras 2025", f"Aras {2000 + i}") for i in range(10))
    _paste_and_read(page, app.url, text)
    page.get_by_text(re.compile(r"\d+ draft record\(s\)")).wait_for(timeout=60_000)
    drafts = int(re.search(r"(\d+) draft", page.get_by_text(re.compile(r"\d+ draft record\(s\)")).inner_text())[1])
    assert drafts >= 10
    assert page.locator(".fa-article mark").count() > 100
    wait_until(lambda: app.children() == [], what="the job's process gone")
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_bar_shows_while_it_runs_and_cancel_stops_it(start_app, page, tmp_path):
    app = start_app()
    (tmp_path / "long.txt").write_text(_heavy(1_990_000), encoding="utf-8")
    _upload_and_read(page, app.url, tmp_path / "long.txt")
    cancel = page.get_by_role("button", name="Cancel")
    cancel.wait_for(timeout=30_000)
    bar = page.locator("[data-testid='stProgress']")
    assert "Reading the article" in bar.inner_text()
    assert len(app.children()) == 1  # the job, in its own process
    screenshot(page, tmp_path, "article-job-running.png")
    cancel.click()
    page.get_by_text("Cancelled: nothing was read.").wait_for()
    wait_until(lambda: app.children() == [], what="the job's process gone")
    assert page.locator("[data-testid='stProgress']").count() == 0
    assert page.get_by_text(re.compile(r"draft record\(s\)")).count() == 0


def test_a_job_past_its_time_limit_ends_with_the_limit_named(start_app, page, tmp_path):
    app = start_app(env={"FRONTIER_ATLAS_JOB_SECONDS": "0.5"})
    (tmp_path / "long.txt").write_text(_heavy(1_990_000), encoding="utf-8")
    _upload_and_read(page, app.url, tmp_path / "long.txt")
    message = page.get_by_text(re.compile(r"longer than the limit of 0\.5 seconds"))
    message.wait_for(timeout=30_000)
    assert "FRONTIER_ATLAS_JOB_SECONDS" in message.inner_text()
    wait_until(lambda: app.children() == [], what="the job's process gone")
    screenshot(page, tmp_path, "article-job-time-limit.png")


def test_an_import_shows_its_bar_and_cancel_stores_nothing(start_app, page, tmp_path):
    from frontier_atlas.events.synthetic import write_acled_csv

    user = tmp_path / "user-imports"
    user.mkdir()
    app = start_app(user_dir=user)
    big = write_acled_csv(tmp_path / "acled-large.csv", 400_000)  # about 75 MB: seconds to import
    page.goto(app.url + "/imports")
    page.locator("input[type=file]").set_input_files(str(big))
    page.get_by_text(re.compile(r"recognised as ACLED export")).wait_for(timeout=120_000)
    page.get_by_role("button", name="Import", exact=True).click()
    cancel = page.get_by_role("button", name="Cancel")
    cancel.wait_for(timeout=30_000)
    assert "Importing" in page.locator("[data-testid='stProgress']").inner_text()
    screenshot(page, tmp_path, "import-job-running.png")
    cancel.click()
    page.get_by_text("Import cancelled: nothing was stored.").wait_for()
    wait_until(lambda: app.children() == [], what="the job's process gone")
    assert page.get_by_text("No imported sets yet.").is_visible()
    # the next import clears what the stopped one had half written
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("just imported", exact=False).wait_for(timeout=120_000)
    assert [p.name for p in (user / "imports").iterdir() if p.name.startswith(".tmp-")] == []
