"""Team mode, each role in a real browser against a real OpenID Connect provider: what each
may do, the audit trail naming who did it, crafted writes, and sign-ins that no longer count.

One provider and one app serve the whole file (starting both takes ~10 s); each test
measures the store before and after what it does.
"""

from __future__ import annotations

import hashlib
import re
import shutil

import pytest
from support.browsing import choose, screenshot, settle, wait_until
from support.csvfiles import append_csv
from support.identity import OidcProvider, sign_in, team_app
from support.paths import ROOT, SEED

from frontier_atlas.data.userstore import UserStore

DRILL = (ROOT / "tests/fixtures/reports/drill-announcement.txt").read_text(encoding="utf-8")


def _user(name: str, role: str) -> dict:
    email = name.split()[0].lower() + "@desk.example"
    return {"sub": email, "email": email, "name": name, "roles": [role]}


VERA, EDDIE, ESME = _user("Vera Viewer", "viewer"), _user("Eddie Editor", "editor"), _user("Esme Editor", "editor")
RITA, ADAM = _user("Rita Reviewer", "reviewer"), _user("Adam Admin", "admin")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """(server, its user folder) in team mode, on the seed data plus an event at Julfa (a
    name with two candidates, so the Places page offers a pin)."""
    tmp = tmp_path_factory.mktemp("team")
    data = tmp / "data"
    shutil.copytree(SEED, data)
    append_csv(data / "events.csv", id="julfa-test", name="Test event at Julfa", event_type="test",
               start="2025-01-01", places="Julfa", source_ids="tehrantimes-2025-05-18")
    provider = OidcProvider([VERA, EDDIE, ESME, RITA, ADAM], tmp / "idp.log")
    try:
        server, user = team_app(provider, tmp, data_dir=data)
        try:
            yield server, user
        finally:
            server.stop()
    finally:
        provider.stop()


def _store(user) -> UserStore:
    return UserStore(user / "user-records.sqlite3")


def _store_bytes(user) -> str:
    h = hashlib.sha256()
    for path in sorted(user.glob("user-records.sqlite3*")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def _signed_in(browser, server, who: dict):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(page, server.url, who["sub"])
    return page


def _read_the_drill(page, url: str) -> None:
    page.goto(url + "/add_article")
    page.get_by_label("…or paste its text").fill(DRILL)
    page.get_by_label("Publisher").fill("Desk notes")
    page.get_by_label("Title").fill("A drill announced")
    page.get_by_role("button", name="Find places, dates and records").click()
    page.get_by_text("1 draft record(s)").wait_for(timeout=60_000)
    settle(page)


def test_each_role_does_what_it_may_and_the_audit_trail_names_who(team, browser, tmp_path):
    server, user = team
    store = _store(user)
    seen = len(store.audit())

    # an editor adds a record: it is theirs, by name
    eddie = _signed_in(browser, server, EDDIE)
    _read_the_drill(eddie, server.url)
    eddie.get_by_role("button", name="Confirm and save").click()
    eddie.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=30_000)
    eddie.get_by_text(re.compile(r"^Your records \(1\)")).wait_for()
    (rid,) = [r.id for r in store.load()[0] if store.load()[2][r.id]["entered_by"] == EDDIE["email"]][-1:]

    # another editor may not change or delete it: it is not among the records they may change
    esme = _signed_in(browser, server, ESME)
    esme.goto(server.url + "/add_article")
    esme.get_by_text(re.compile(r"^Your records \(0\)")).wait_for()
    assert esme.get_by_role("button", name="Delete").count() == 0

    # a reviewer pins Julfa, sees every record to change, and marks Eddie's verified
    rita = _signed_in(browser, server, RITA)
    rita.goto(server.url + "/places")
    rita.get_by_role("heading", name="Ambiguous names").wait_for()
    settle(rita)
    rita.get_by_text(re.compile(r"\(IR\)")).first.click()
    settle(rita)
    rita.get_by_role("button", name="Pin this one").first.click()
    rita.get_by_role("heading", name="Pinned places").wait_for(timeout=30_000)
    settle(rita)
    screenshot(rita, tmp_path, "team-reviewer-pinned.png")
    assert store.pins()["Julfa"][1].by_name == RITA["name"]
    rita.goto(server.url + "/add_article")
    rita.get_by_text(re.compile(r"^Records you may change, as a reviewer \(\d+\)")).wait_for()
    rita.goto(f"{server.url}/?record={rid}")
    rita.locator(".st-key-details").wait_for(timeout=30_000)
    rita.locator(".st-key-details").get_by_text("Added by", exact=False).first.wait_for()
    rita.get_by_role("button", name="Mark verified").first.click()
    rita.get_by_label("Note (what you checked)").fill("matches the desk's notes")
    rita.get_by_label("Note (what you checked)").press("Tab")
    rita.get_by_role("button", name="Mark verified").last.click()
    rita.get_by_text(re.compile(r"Checked by a reviewer:")).wait_for(timeout=30_000)
    settle(rita)
    screenshot(rita, tmp_path, "team-reviewer-verified.png")
    assert store.verified()[rid].by_name == RITA["name"]

    # an admin makes the viewer an editor; the viewer's next page says so
    adam = _signed_in(browser, server, ADAM)
    adam.goto(server.url + "/admin")
    adam.get_by_label(re.compile("^User: their e-mail")).fill(VERA["email"])
    choose(adam, adam.get_by_role("combobox", name="Role"), "editor", exact=True)
    adam.get_by_role("button", name="Save role").click()
    wait_until(lambda: VERA["email"] in store.roles(), what="the role saved")
    settle(adam)
    screenshot(adam, tmp_path, "team-admin-role.png")
    vera = _signed_in(browser, server, VERA)
    vera.get_by_text("Signed in as Vera Viewer (editor)").wait_for()
    assert vera.get_by_role("link", name="Admin").count() == 0  # the Admin page is not listed for her

    # the reviewer reads it all in the audit trail, and filters it by user
    rita.goto(server.url + "/audit")
    rita.get_by_text(re.compile(r"^\d+ of \d+ changes")).wait_for(timeout=30_000)
    settle(rita)
    screenshot(rita, tmp_path, "team-audit-trail.png")
    choose(rita, rita.get_by_role("combobox", name="User"), f"{ADAM['name']} ({ADAM['email']})")
    rita.get_by_text("1 of ").wait_for(timeout=30_000)
    got = [(e.action, e.actor_id, e.record_id) for e in store.audit()[seen:]]
    assert got == [("added", EDDIE["email"], rid), ("pinned", RITA["email"], "place:Julfa"),
                   ("verified", RITA["email"], rid), ("role", ADAM["email"], f"user:{VERA['email']}")]
    for page in (eddie, esme, rita, adam, vera):
        page.context.close()
