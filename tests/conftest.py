"""Shared fixtures: copies of the curated data to break on purpose, the real app on a
free port, and a real headless Chromium (Debian's, not Playwright's download)."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import settings

# property-based tests: the same examples on every CI run (no flaky red), more when searching
settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("wide", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"  # the curated dataset (tests/test_dataset.py checks all of it)
# a small fixed dataset (the seed article's records) for tests that count what filters leave
SEED = ROOT / "tests" / "fixtures" / "seed"
CHROMIUM = os.environ.get("FRONTIER_ATLAS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed dataset."""
    dest = tmp_path / "data"
    shutil.copytree(SEED, dest)
    return dest


def folder_digest(folder: Path) -> str:
    """One hash of every file under ``folder`` (names and bytes): proves curated data was not touched."""
    h = hashlib.sha256()
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def edit_csv(path: Path, row_id: str, **changes: str) -> None:
    """Change cells of the row whose ``id`` (or first column) is ``row_id``."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    fields = fields + [k for k in changes if k not in fields]  # new columns are added
    for row in rows:
        if row[fields[0]] == row_id:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def append_csv(path: Path, **row: str) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        fields = csv.DictReader(f).fieldnames
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=fields).writerow(row)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, data_dir: Path, user_dir: Path):
        self.port = _free_port()
        self.url = f"http://localhost:{self.port}"
        env = dict(os.environ, FRONTIER_ATLAS_DATA=str(data_dir), FRONTIER_ATLAS_USER_DIR=str(user_dir))
        self.log = (user_dir / "streamlit.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def start_app(tmp_path: Path):
    """Start the real app on given data; stopped at the end of the test."""
    servers: list[AppServer] = []

    def start(data_dir: Path = SEED, user_dir: Path | None = None) -> AppServer:
        """``user_dir``: an existing user folder (e.g. holding a damaged store); a new one if None."""
        if user_dir is None:
            user_dir = tmp_path / f"user{len(servers)}"
            user_dir.mkdir()
        server = AppServer(data_dir, user_dir)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser page that refuses, and records, any request off this machine.

    Every browser test thereby also proves the app works offline.
    """
    from urllib.parse import urlparse

    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    foreign: list[str] = []

    def guard(route):
        if urlparse(route.request.url).hostname in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.foreign_requests = foreign
    yield pg
    context.close()
    assert foreign == [], f"requests left the machine: {foreign}"


@pytest.fixture
def seed_env(monkeypatch, tmp_path):
    """Point the app (for AppTest) at the seed dataset and a fresh user folder."""
    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(SEED))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("FRONTIER_ATLAS_OVERRIDES", str(tmp_path / "overrides.csv"))
    return SEED


def pytest_collection_modifyitems(items):
    """Every test that drives Chromium is marked ``browser``, whether or not its file says
    so, so ``-m "not browser"`` runs on a machine without it."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
