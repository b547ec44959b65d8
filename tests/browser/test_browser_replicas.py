"""The team deployment as ``deploy/`` describes it, for real: three app processes behind
Debian's nginx with the repository's own configuration, on one PostgreSQL store. A save
made through nginx is there whichever process serves the page; the app's files come from
nginx itself; and when the process holding a browser's session is killed (SIGKILL),
nginx reconnects that browser to another process, which shows everything saved."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
import streamlit
from support.appserver import free_port
from support.browsing import read_the_drill, screenshot, settle, wait_until
from support.paths import ROOT

from frontier_atlas.data.postgres_database import close_all
from frontier_atlas.data.userstore import UserStore

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _config(folder: Path, ports: list[int], listen: int) -> Path:
    """The deploy/ configuration with this machine's paths and ports, in a minimal nginx.conf."""
    site = (ROOT / "deploy/nginx/frontier-atlas.conf").read_text(encoding="utf-8")
    bundle = Path(streamlit.__file__).parent / "static/static"
    site = site.replace("/opt/frontier-atlas/.venv/lib/python3.11/site-packages/streamlit/static/static/",
                        f"{bundle}/").replace("/opt/frontier-atlas/", f"{ROOT}/")
    for default, port in zip((8501, 8502, 8503), ports):
        site = site.replace(f"127.0.0.1:{default}", f"127.0.0.1:{port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};").replace("atlas.example.org", "127.0.0.1")
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""  # the workers read the repository's files as its owner
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    {temp}
{site}
}}
""", encoding="utf-8")
    return conf


@pytest.fixture
def nginx(tmp_path):
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: apt-get install -y nginx")
    started: list[subprocess.Popen] = []

    def start(ports: list[int]) -> str:
        listen = free_port()
        conf = _config(tmp_path, ports, listen)
        subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)], check=True, capture_output=True)
        started.append(subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"]))
        url = f"http://127.0.0.1:{listen}"
        wait_until(lambda: urllib.request.urlopen(url + "/_stcore/health", timeout=2).status == 200,
                   what="nginx answering")
        return url

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=10)


def _sessions(server) -> int:
    """Browser sessions a process holds now, from its own metrics (this machine may read them)."""
    with urllib.request.urlopen(server.url.replace("localhost", "127.0.0.1") + "/_stcore/metrics",
                                timeout=5) as r:
        text = r.read().decode()
    return int(re.search(r"(?m)^active_sessions (\d+)", text).group(1))


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
    holder = wait_until(lambda: [s for s in servers if _sessions(s)], what="a process holding the session")
    assert len(holder) == 1  # one browser, one process: the affinity cookie holds

    holder[0].proc.send_signal(signal.SIGKILL)  # no clean shut-down: as a crash
    holder[0].proc.wait(timeout=10)
    alive = [s for s in servers if s is not holder[0]]
    # nobody touches the page: its websocket drops, reconnects through nginx, and lands on another process
    wait_until(lambda: sum(_sessions(s) for s in alive) >= 1, timeout=60, what="the page reconnected elsewhere")
    page.get_by_text("Your records (1)", exact=True).wait_for(timeout=60_000)
    settle(page)
    screenshot(page, tmp_path, "replicas-after-kill.png")
    page.goto(front + "/add_article")  # and a reload, its cookie still naming the dead process
    page.get_by_text("Your records (1)", exact=True).wait_for(timeout=60_000)
    assert [r.id for r in UserStore(url).load()[0]] == [record.id]  # nothing lost
    page.context.close()
    close_all()
