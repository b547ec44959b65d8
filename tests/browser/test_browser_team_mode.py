"""Team mode against a real OpenID Connect provider on 127.0.0.1: sign-in, roles, the check at the write."""

from __future__ import annotations

import re

import pytest
from support.browsing import screenshot, settle
from support.identity import OidcProvider, sign_in, team_app
from support.paths import ROOT
from support.stores import store_digest

from frontier_atlas.data.userstore import UserStore

DRILL = (ROOT / "tests/fixtures/reports/drill-announcement.txt").read_text(encoding="utf-8")
VERA = {"sub": "vera@desk.example", "email": "vera@desk.example", "name": "Vera Viewer", "roles": ["viewer"]}
EDDIE = {"sub": "eddie@desk.example", "email": "eddie@desk.example", "name": "Eddie Editor", "roles": ["editor"]}


@pytest.fixture
def team(tmp_path):
    provider = OidcProvider([VERA, EDDIE], tmp_path / "idp.log")
    try:
        server, user = team_app(provider, tmp_path)
        try:
            yield server, user
        finally:
            server.stop()
    finally:
        provider.stop()


def _read_the_drill(page, url: str) -> None:
    page.goto(url + "/add_article")
    page.get_by_label("…or paste its text").fill(DRILL)
    page.get_by_label("Publisher").fill("Desk notes")
    page.get_by_label("Title").fill("A drill announced")
    page.get_by_role("button", name="Find places, dates and records").click()
    page.get_by_text("1 draft record(s)").wait_for(timeout=60_000)
    settle(page)


def test_a_viewer_has_no_write_controls_and_an_editor_saves_under_their_name(team, browser, tmp_path):
    server, user = team
    viewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    viewer.goto(server.url)
    viewer.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert viewer.get_by_text("Single-user mode").count() == 0

    sign_in(viewer, server.url, VERA["sub"])
    assert viewer.get_by_text("Signed in as Vera Viewer (viewer)").count() == 1
    before = store_digest(user)
    _read_the_drill(viewer, server.url)  # reading an article writes nothing: a viewer may
    viewer.get_by_text("Saving takes the editor role; Vera Viewer's is viewer.").wait_for()
    assert viewer.get_by_role("button", name="Confirm and save").count() == 0
    screenshot(viewer, tmp_path, "team-viewer-no-save.png")
    viewer.goto(server.url + "/places")
    viewer.get_by_role("heading", name="Places").wait_for()
    settle(viewer)
    assert viewer.get_by_role("button", name="Pin this one").count() == 0
    viewer.goto(server.url + "/imports")
    viewer.get_by_text("Importing takes the editor role.").wait_for()
    assert store_digest(user) == before

    editor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(editor, server.url, EDDIE["sub"])
    _read_the_drill(editor, server.url)
    editor.get_by_role("button", name="Confirm and save").click()
    editor.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=30_000)
    screenshot(editor, tmp_path, "team-editor-saved.png")
    store = UserStore(user / "user-records.sqlite3")
    records, _, provenance = store.load()
    assert [provenance[r.id]["entered_by"] for r in records] == [EDDIE["email"]]
    assert [(e.action, e.actor_id, e.actor_name) for e in store.audit()] == [
        ("added", EDDIE["email"], "Eddie Editor")]

    editor.get_by_role("button", name="Sign out").click()
    editor.wait_for_url(re.compile(r"end_session"), timeout=30_000)  # the provider ends its session too
    editor.goto(server.url + "/add_article")  # signed out: this browser may write nothing any more
    editor.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    assert editor.get_by_text("Signed in as").count() == 0
    editor.context.close()
    viewer.context.close()
