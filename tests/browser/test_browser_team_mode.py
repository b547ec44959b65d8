"""Team mode, each role in a real browser against a real OpenID Connect provider: what each
may do, the audit trail naming who did it, crafted writes, and sign-ins that no longer count.

One provider and one app serve the whole file (starting both takes ~10 s); each test
measures the store before and after what it does.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest
from support.browsing import choose, read_the_drill, screenshot, settle, wait_until
from support.csvfiles import append_csv
from support.identity import OidcProvider, forged_user_cookie, read_user_cookie, sign_in, team_app
from support.paths import SEED
from support.stores import store_digest, store_rows

from frontier_atlas.data.userstore import UserStore


def _user(name: str, role: str) -> dict:
    email = name.split()[0].lower() + "@desk.example"
    return {"sub": email, "email": email, "name": name, "roles": [role]}


VERA, EDDIE, ESME = _user("Vera Viewer", "viewer"), _user("Eddie Editor", "editor"), _user("Esme Editor", "editor")
RITA, ADAM = _user("Rita Reviewer", "reviewer"), _user("Adam Admin", "admin")
VICTOR = _user("Victor Viewer", "viewer")  # stays a viewer (the first test makes Vera an editor)


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """(server, its user folder) in team mode, on the seed data plus an event at Julfa (a
    name with two candidates, so the Places page offers a pin)."""
    tmp = tmp_path_factory.mktemp("team")
    data = tmp / "data"
    shutil.copytree(SEED, data)
    append_csv(data / "events.csv", id="julfa-test", name="Test event at Julfa", event_type="test",
               start="2025-01-01", places="Julfa", source_ids="tehrantimes-2025-05-18")
    provider = OidcProvider([VERA, EDDIE, ESME, RITA, ADAM, VICTOR], tmp / "idp.log")
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


def _signed_in(browser, server, who: dict):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    sign_in(page, server.url, who["sub"])
    return page


def test_a_viewer_has_no_write_controls_and_an_editor_saves_under_their_name(team, browser, tmp_path):
    server, user = team
    store = _store(user)
    viewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    viewer.set_default_timeout(60_000)
    viewer.goto(server.url)
    viewer.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert viewer.get_by_text("Single-user mode").count() == 0

    sign_in(viewer, server.url, VICTOR["sub"])
    assert viewer.get_by_text("Signed in as Victor Viewer (viewer)").count() == 1
    before = store_digest(user)
    read_the_drill(viewer, server.url)  # reading an article writes nothing: a viewer may
    viewer.get_by_text("Saving takes the editor role; Victor Viewer's is viewer.").wait_for()
    assert viewer.get_by_role("button", name="Confirm and save").count() == 0
    screenshot(viewer, tmp_path, "team-viewer-no-save.png")
    viewer.goto(server.url + "/places")
    viewer.get_by_role("heading", name="Places").wait_for()
    settle(viewer)
    assert viewer.get_by_role("button", name="Pin this one").count() == 0
    viewer.goto(server.url + "/imports")
    viewer.get_by_text("Importing takes the editor role.").wait_for()
    viewer.goto(server.url + "/?record=aras-2025")
    viewer.locator(".st-key-details").wait_for(timeout=60_000)
    settle(viewer)
    assert viewer.get_by_role("button", name="Mark verified").count() == 0
    for name in ("Audit trail", "Admin"):  # not listed for a viewer
        assert viewer.get_by_role("link", name=name).count() == 0
    assert store_digest(user) == before

    editor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    editor.set_default_timeout(60_000)
    sign_in(editor, server.url, EDDIE["sub"])
    seen = len(store.audit())
    read_the_drill(editor, server.url)
    editor.get_by_role("button", name="Confirm and save").click()
    editor.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=60_000)
    screenshot(editor, tmp_path, "team-editor-saved.png")
    records, _, provenance = store.load()
    assert [provenance[r.id]["entered_by"] for r in records] == [EDDIE["email"]]
    assert [(e.action, e.actor_id, e.actor_name) for e in store.audit()[seen:]] == [
        ("added", EDDIE["email"], "Eddie Editor")]

    editor.get_by_role("button", name="Sign out").click()
    editor.wait_for_url(re.compile(r"end_session"), timeout=60_000)  # the provider ends its session too
    editor.goto(server.url + "/add_article")  # signed out: this browser may write nothing any more
    editor.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert editor.get_by_text("Signed in as").count() == 0
    editor.context.close()
    viewer.context.close()


def test_each_role_does_what_it_may_and_the_audit_trail_names_who(team, browser, tmp_path):
    server, user = team
    store = _store(user)
    seen = len(store.audit())

    # an editor adds a record: it is theirs, by name
    eddie = _signed_in(browser, server, EDDIE)
    read_the_drill(eddie, server.url)
    eddie.get_by_role("button", name="Confirm and save").click()
    eddie.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=60_000)
    records, _, provenance = store.load()
    his = [r.id for r in records if provenance[r.id]["entered_by"] == EDDIE["email"]]
    eddie.get_by_text(f"Your records ({len(his)})", exact=True).wait_for()  # the list before the save may linger
    rid = his[-1]

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
    rita.get_by_role("heading", name="Pinned places").wait_for(timeout=60_000)
    settle(rita)
    screenshot(rita, tmp_path, "team-reviewer-pinned.png")
    assert store.pins()["Julfa"][1].by_name == RITA["name"]
    rita.goto(server.url + "/add_article")
    rita.get_by_text(re.compile(r"^Records you may change, as a reviewer \(\d+\)")).wait_for()
    rita.goto(f"{server.url}/?record={rid}")
    rita.locator(".st-key-details").wait_for(timeout=60_000)
    rita.locator(".st-key-details").get_by_text("added by Eddie Editor", exact=False).first.wait_for()
    settle(rita)  # a click while the page still runs can be lost with the rerun
    rita.get_by_role("button", name="Mark verified").first.click()
    rita.get_by_label("Note (what you checked)").fill("matches the desk's notes")
    rita.get_by_label("Note (what you checked)").press("Tab")
    rita.get_by_role("button", name="Mark verified").last.click()
    rita.get_by_text(re.compile(r"Checked by a reviewer:")).wait_for(timeout=60_000)
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
    rita.get_by_text(re.compile(r"^\d+ of \d+ changes")).wait_for(timeout=60_000)
    settle(rita)
    screenshot(rita, tmp_path, "team-audit-trail.png")
    choose(rita, rita.get_by_role("combobox", name="User"), f"{ADAM['name']} ({ADAM['email']})")
    rita.get_by_text("1 of ").wait_for(timeout=60_000)
    got = [(e.action, e.actor_id, e.record_id) for e in store.audit()[seen:]]
    assert got == [("added", EDDIE["email"], rid), ("pinned", RITA["email"], "place:Julfa"),
                   ("verified", RITA["email"], rid), ("role", ADAM["email"], f"user:{VERA['email']}")]
    for page in (eddie, esme, rita, adam, vera):
        page.context.close()


class StreamTap:
    """A page's Streamlit websocket, passed through Playwright's route: what the server
    sends is counted, and a frame can be sent to the server as if the page had sent it."""

    def __init__(self, page) -> None:
        self.page = page
        self.answers: list[bytes | str] = []
        self.server = None
        page.route_web_socket(re.compile(r"/_stcore/stream"), self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()

        def relay(message) -> None:
            self.answers.append(message)
            ws.send(message)

        server.on_message(relay)
        self.server = server

    def replay(self, frame: bytes) -> None:
        """Send ``frame`` on this page's connection, and wait for the server to answer it."""
        answered = len(self.answers)
        self.server.send(frame)
        for _ in range(300):  # Playwright relays only while the test is inside one of its calls
            if len(self.answers) > answered:
                return
            self.page.wait_for_timeout(100)
        raise AssertionError("the server did not answer the replayed frame in 30 s")


def _save_frame(browser, server) -> bytes:
    """The frame an editor's browser sends when they press "Confirm and save"."""
    eddie = _signed_in(browser, server, EDDIE)
    sent: list = []
    eddie.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    read_the_drill(eddie, server.url)
    mark = len(sent)
    eddie.get_by_role("button", name="Confirm and save").click()
    eddie.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=60_000)
    frames = [f for f in sent[mark:] if isinstance(f, bytes) and b"confirm" in f]
    eddie.context.close()
    assert frames, "no widget message carried the Confirm and save button"
    return frames[0]


def test_crafted_writes_replayed_on_a_viewers_connection_or_put_in_the_address_get_nothing_through(
        team, browser, tmp_path):
    server, user = team
    store = _store(user)
    frame = _save_frame(browser, server)
    saved_by = lambda who: sum(p["entered_by"] == who["email"] for p in store.load()[2].values())  # noqa: E731

    # the replay works: on another editor's connection it saves, as that editor
    esme = _signed_in(browser, server, ESME)
    tap = StreamTap(esme)
    read_the_drill(esme, server.url)
    before = saved_by(ESME)
    tap.replay(frame)
    wait_until(lambda: saved_by(ESME) == before + 1, what="the replayed save landed for an editor")
    esme.context.close()

    # on a viewer's connection the same frame writes nothing
    victor = _signed_in(browser, server, VICTOR)
    tap = StreamTap(victor)
    read_the_drill(victor, server.url)
    before, rows, audit = store_digest(user), store_rows(user), len(store.audit())
    attempts = refused = 0
    for _ in range(3):
        tap.replay(frame)
        settle(victor)
        attempts += 1
        refused += store_digest(user) == before
        assert store_rows(user) == rows, "replayed save"
    assert victor.get_by_text(re.compile(r"Saved \d+ record")).count() == 0
    screenshot(victor, tmp_path, "team-viewer-replayed-save.png")

    # nor do write parameters in the address: no page takes a write from its URL
    rid = next(iter(store.load()[2]))
    for address in ("/add_article?confirm=true&save=1", "/places?pin=Julfa&choice=1",
                    f"/?record={rid}&delete={rid}&verify=1", f"/admin?user={VICTOR['email']}&role=admin",
                    "/audit?clear=1"):
        victor.goto(server.url + address)
        victor.get_by_text("Signed in as Victor Viewer (viewer)").wait_for(timeout=60_000)
        if address.startswith("/admin"):
            victor.get_by_text("Roles and settings are for admins").wait_for()
        settle(victor)
        attempts += 1
        refused += store_digest(user) == before
        assert store_rows(user) == rows, address
    assert (attempts, refused) == (8, 8), f"{attempts - refused} of {attempts} crafted writes got through"
    assert len(store.audit()) == audit and store.roles().get(VICTOR["email"]) is None
    print(f"\ncrafted writes as a viewer: {attempts} attempts, {refused} refused, 0 written")
    victor.context.close()


def _cookie_page(browser, server, value: str | None):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if value is not None:
        context.add_cookies([{"name": "_streamlit_user", "value": value, "domain": "localhost", "path": "/",
                              "httpOnly": True, "sameSite": "Lax"}])
    page = context.new_page()
    page.goto(server.url + "/add_article")
    page.get_by_role("heading", name="Add from article").wait_for(timeout=60_000)
    settle(page)
    return page


def test_a_tampered_or_expired_sign_in_is_refused_and_signing_out_ends_writing_at_once(team, browser, tmp_path):
    server, user = team
    eddie = _signed_in(browser, server, EDDIE)
    cookie = next(c["value"] for c in eddie.context.cookies() if c["name"] == "_streamlit_user")
    claims = read_user_cookie(cookie)
    now = time.time()
    as_admin = {**claims, "roles": ["admin"], "name": "Eddie as Admin"}
    body, rest = cookie.split(".", 1)

    # the forging works: signed with the server's secret, a fresh sign-in counts
    page = _cookie_page(browser, server, forged_user_cookie({**claims, "iat": int(now)}))
    page.get_by_text("Signed in as Eddie Editor (editor)").wait_for()
    page.context.close()
    refusals = {
        "claims changed under the old signature": body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB") + "." + rest,
        "signed with another secret": forged_user_cookie(as_admin, secret="a-guessed-secret"),
        "issued 13 hours ago (FRONTIER_ATLAS_SESSION_HOURS is 12)": forged_user_cookie(
            {**claims, "iat": int(now - 13 * 3600)}),
        "signed 32 days ago (Streamlit keeps a sign-in 30 days)": forged_user_cookie(
            {**claims, "iat": int(now)}, signed_at=now - 32 * 86400),
    }
    for why, value in refusals.items():
        page = _cookie_page(browser, server, value)
        assert page.get_by_text("Signed in as").count() == 0, why
        page.get_by_role("button", name="Sign in").wait_for()
        if "13 hours" in why:
            page.get_by_text("your sign-in is older than 12 hours").wait_for()
            screenshot(page, tmp_path, "team-sign-in-too-old.png")
        page.context.close()

    # signing out in one tab ends writing in the other at once, though its connection stays open
    other = eddie.context.new_page()
    read_the_drill(other, server.url)
    eddie.goto(server.url)
    eddie.get_by_role("button", name="Sign out").click()
    eddie.wait_for_url(re.compile(r"end_session"), timeout=60_000)
    before = store_digest(user)  # the sign-out is on record; nothing after it may be
    other.get_by_role("button", name="Confirm and save").click()
    other.get_by_text("Nothing can be saved: you signed out of this sign-in").wait_for(timeout=60_000)
    other.get_by_role("button", name="Sign in").wait_for()
    screenshot(other, tmp_path, "team-signed-out-elsewhere.png")
    assert store_digest(user) == before
    eddie.context.close()
