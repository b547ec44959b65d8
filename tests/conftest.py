"""Shared fixtures: copies of the curated data to break on purpose, the real app on a
free port, and a real headless Chromium (Debian's, not Playwright's download).

Only fixtures and hooks live here; the helpers tests import are in ``support/``. Each
folder's own conftest.py marks its tests with the folder's kind (``unit``, ``app``,
``browser``, ``robustness``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings
from support.appserver import AppServer
from support.paths import CHROMIUM, CHROMIUM_ARGS, SEED

# property-based tests: the same examples on every CI run (no flaky red), more when searching
settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("wide", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed dataset."""
    dest = tmp_path / "data"
    shutil.copytree(SEED, dest)
    return dest


@pytest.fixture
def start_app(tmp_path: Path):
    """Start the real app on given data; stopped at the end of the test."""
    servers: list[AppServer] = []

    def start(data_dir: Path = SEED, user_dir: Path | None = None, env: dict[str, str] | None = None) -> AppServer:
        """``user_dir``: an existing user folder (e.g. holding a damaged store); a new one if None.
        ``env``: more environment for the server (a setting under test)."""
        if user_dir is None:
            user_dir = tmp_path / f"user{len(servers)}"
            user_dir.mkdir()
        server = AppServer(data_dir, user_dir, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the whole run, started at its first use."""
    from support.postgres import Cluster

    try:
        cluster = Cluster()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield cluster
    from frontier_atlas.data.postgres_database import close_all

    close_all()
    cluster.remove()


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request, tmp_path: Path):
    """Where a new, empty user store is, on each engine in turn: a SQLite file's path, or
    the URL of a database of its own on the test server. Tests of the store's logic take
    this, so both engines pass the same tests."""
    if request.param == "sqlite":
        yield tmp_path / "user-records.sqlite3"
        return
    yield request.getfixturevalue("postgres").new_database()
    from frontier_atlas.data.postgres_database import close_all

    close_all()  # its pool, before the next test's database


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
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
