"""The team deployment as ``deploy/`` describes it, for real: three app processes behind
Debian's nginx with the repository's own configuration, on one PostgreSQL store. A save
made through nginx is there whichever process serves the page; the app's files come from
nginx itself; and when the process holding a browser's session is killed (SIGKILL),
nginx reconnects that browser to another process, which shows everything saved."""

from __future__ import annotations

import re
import signal
import urllib.request

import pytest
from support.browsing import read_the_drill, screenshot, settle, wait_until
from support.nginx import Nginx
from support.paths import ROOT

from frontier_atlas.data.postgres_database import close_all
from frontier_atlas.data.userstore import UserStore


@pytest.fixture
def nginx(tmp_path):
    started: list[Nginx] = []

    def start(ports: list[int]) -> str:
        try:
            started.append(Nginx(tmp_path / "nginx", ports))
        except RuntimeError as exc:
            pytest.fail(str(exc))
        return started[-1].url

    yield start
    for proxy in started:
        proxy.stop()


def test_three_processes_behind_nginx_share_saves_and_survive_losing_one(postgres, start_app, nginx, browser,
                                                                          tmp_path):
    url = postgres.new_database()
    servers = [start_app(env={"FRONTIER_ATLAS_DATABASE_URL": url}) for _ in range(3)]
    front = nginx([s.port for s in servers])

    # the app's own files are nginx's to serve: asked with every process stopped, still there
    leaflet = next((ROOT / "static/vendor").rglob("leaflet.js")).relative_to(ROOT / "static")
    with urllib.request.urlopen(f"{front}/app/static/{leaflet}", timeout=5) as r:
        assert r.status == 200 and r.headers["X-Served-By"] == "nginx"

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    read_the_drill(page, front)
    page.get_by_role("button", name="Confirm and save").click()
    page.get_by_text(re.compile(r"Saved 1 record\(s\)")).wait_for(timeout=30_000)
    (record,) = UserStore(url).load()[0]
    holder = wait_until(lambda: [s for s in servers if s.active_sessions()], what="a process holding the session")
    assert len(holder) == 1  # one browser, one process: the affinity cookie holds

    holder[0].proc.send_signal(signal.SIGKILL)  # no clean shut-down: as a crash
    holder[0].proc.wait(timeout=10)
    alive = [s for s in servers if s is not holder[0]]
    # nobody touches the page: its websocket drops, reconnects through nginx, and lands on another process
    wait_until(lambda: sum(s.active_sessions() for s in alive) >= 1, timeout=60, what="the page reconnected elsewhere")
    page.get_by_text("Your records (1)", exact=True).wait_for(timeout=60_000)
    settle(page)
    screenshot(page, tmp_path, "replicas-after-kill.png")
    page.goto(front + "/add_article")  # and a reload, its cookie still naming the dead process
    page.get_by_text("Your records (1)", exact=True).wait_for(timeout=60_000)
    assert [r.id for r in UserStore(url).load()[0]] == [record.id]  # nothing lost
    page.context.close()
    close_all()
