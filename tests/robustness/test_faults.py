"""Faults a user's machine will meet: a writer killed mid-save, two users saving at
once, and damaged files in the user folder. Real processes, real SIGKILLs, the app's
own code on both sides (tests/support/fault_writer.py writes, the app's readers check)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import pytest
from support.csvfiles import folder_digest
from support.fault_writer import ARTICLE, WRITER, WRITER_ACTOR, edited_name, pin_item, user_save
from support.paths import SEED

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.data.userstore import UserStore, merge_into
from frontier_atlas.domain.access import local_actor
from frontier_atlas.geocode.cache import GeocodeCache
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.places.locate import locate_all
from frontier_atlas.places.review import pin_place
from frontier_atlas.settings import settings

ME = local_actor()
WRITER_SCRIPT = Path(__file__).parents[1] / "support" / "fault_writer.py"
ROUNDS = 60  # per kill style and mode: 2 styles x 60 = 120 kills per mode
MAX_DELAY = 0.3  # s after the fork: the writer saves back to back all along
RESET_AT = 400  # saves in the file: start again from nothing, so a check stays cheap


def writer(*args: object) -> list[str]:
    return [sys.executable, str(WRITER_SCRIPT), *map(str, args)]


# --- reading the files back as the app does, and what they must hold --------------------

@lru_cache(maxsize=None)
def expected_save(i: int) -> tuple[dict, dict]:
    """Save ``i`` as the store must give it back: records and source, as plain data."""
    records, source = user_save(i)
    return {r.id: r.model_dump() for r in records}, {source.id: source.model_dump()}


def saves_in_store(path: Path) -> int:
    """How many saves the store holds; fails unless they are exactly saves 0..n-1, whole."""
    store = UserStore(path)
    assert store.notice is None, store.notice  # a killed save is not a damaged file
    records, sources, provenance = store.load()
    n = len(sources)
    want_records, want_sources = {}, {}
    for i in range(n):
        recs, src = expected_save(i)
        want_records.update(recs)
        want_sources.update(src)
    assert {s.id: s.model_dump() for s in sources} == want_sources
    assert {r.id: r.model_dump() for r in records} == want_records
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert all(p["article_sha256"] == digest and p["entered_by"] == WRITER for p in provenance.values())
    return n


def pins(path: Path) -> dict[str, tuple]:
    """The pinned places, read by the loader as the app reads them; every row must be valid."""
    ds = load_dataset(SEED)
    merge_into(ds, UserStore(path))
    assert ds.issues == [], [str(i) for i in ds.issues]
    got = {p.name: (p.lat, p.lon, p.how_found) for p in ds.overrides if p.name in ds.pinned}
    assert len(got) == len(ds.pinned), "a name pinned twice"
    return got


def expected_pins(n: int) -> dict[str, tuple]:
    """What pins 0..n-1 read back as."""
    want = {}
    for i in range(n):
        name, pos = pin_item(i)
        want[name] = (float(f"{pos.lat:.6f}"), float(f"{pos.lon:.6f}"), f"pinned by {WRITER}: {pos.how_found}")
    return want


def pins_in_overrides(path: Path) -> int:
    """How many pins the overrides hold; fails unless exactly pins 0..n-1."""
    got = pins(path)
    assert got == expected_pins(len(got))
    return len(got)


def reset(path: Path) -> None:
    """Start again from no file (the store's WAL and index too); temp files are left alone."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)


# --- 1. killed mid-write ------------------------------------------------------------------

class ForkServer:
    """``fault_writer.py serve``: forks one writer per round, which we SIGKILL."""

    def __init__(self, mode: str, path: Path, log: Path):
        self.log = log.open("w")
        self.proc = subprocess.Popen(writer("serve", mode, path), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1)

    def words(self) -> list[str]:
        """The next line the server or its child printed, split."""
        line = self.proc.stdout.readline()
        assert line, "the writer server died; see its log"
        return line.split()

    def kill_round(self, first: int, rng: random.Random, style: str) -> tuple[int, bool, int]:
        """Start saves from ``first``, SIGKILL the writer; (saves done, one in flight, exit code)."""
        self.proc.stdin.write(f"{first} 1000000\n")
        self.proc.stdin.flush()
        word, pid = self.words()
        assert word == "pid"
        saving = saved = 0
        if style == "timed":
            time.sleep(rng.uniform(0, MAX_DELAY))
        else:  # right after its n-th "saving" marker, so inside that save
            target = rng.randint(1, 8)
            while saving < target:
                word, *_ = self.words()
                saving += word == "saving"
                saved += word == "saved"
            time.sleep(rng.uniform(0, 0.0005))
        os.kill(int(pid), signal.SIGKILL)
        while True:  # what it said before it died, then the server's word that it is gone
            word, *rest = self.words()
            if word == "exit":
                assert rest[0] == pid
                return first + saved, saving > saved, int(rest[1])
            saving += word == "saving"
            saved += word == "saved"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.mark.parametrize("mode", ["userstore", "pin"])
def test_a_writer_killed_mid_save_leaves_a_whole_file(mode: str, tmp_path: Path) -> None:
    """120 SIGKILLs per mode (240 in all): 60 after a random 0-300 ms of back-to-back saves
    and 60 right after the writer announced its 1st..8th save. After each, the file opens
    as the app opens it and holds exactly the saves before the one in flight, or that one
    too: never part of a save, never a damaged file. Pins go to the same SQLite store
    as records, so both modes are a killed transaction."""
    path = tmp_path / "user-records.sqlite3"
    count_saves = saves_in_store if mode == "userstore" else pins_in_overrides
    rng = random.Random(20250518)
    server = ForkServer(mode, path, tmp_path / "writer.log")
    kills = landed_after = 0
    n = 0
    try:
        for style in ["timed", "marker"] * ROUNDS:
            done, in_flight, code = server.kill_round(n, rng, style)
            assert code == -signal.SIGKILL, (tmp_path / "writer.log").read_text()
            kills += 1
            n = count_saves(path)
            allowed = {done, done + 1} if in_flight else {done}
            assert n in allowed, f"{n} saves after a kill; a whole sequence gives {sorted(allowed)}"
            landed_after += n == done + 1
            if n > RESET_AT:
                reset(path)
                n = 0
    finally:
        server.close()
    print(f"\n{mode}: {kills} kills, {landed_after} kept the save in flight")
    assert kills == 2 * ROUNDS
    assert not list(tmp_path.glob("*.corrupt-*")), "a killed save was taken for a damaged file"
    if mode == "pin":
        pin_place(UserStore(path), *pin_item(n), by=WRITER_ACTOR)  # the store takes a whole pin after the kills
        assert pins_in_overrides(path) == n + 1


# --- 2. two users saving at once ----------------------------------------------------------

WRITERS, SAVES = 6, 20


def run_together(commands: list[list[str]]) -> None:
    """Start writers, wait until every one is ready, then release them all at once."""
    procs = [subprocess.Popen(cmd + ["--wait"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for cmd in commands]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.communicate()[1]
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def test_parallel_saves_to_one_store_all_land(tmp_path: Path) -> None:
    """6 processes x 20 saves (2 records each) into one new store at once: all 240 records."""
    path = tmp_path / "user-records.sqlite3"
    run_together([writer("userstore", path, w * SAVES, SAVES) for w in range(WRITERS)])
    assert saves_in_store(path) == WRITERS * SAVES
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_parallel_edits_and_deletes_all_land(tmp_path: Path) -> None:
    """6 processes x 20 saves, each save followed by an update and a delete, at once."""
    path = tmp_path / "user-records.sqlite3"
    run_together([writer("userstore", path, w * SAVES, SAVES, "--churn") for w in range(WRITERS)])
    records, sources, _ = UserStore(path).load()
    assert len(sources) == WRITERS * SAVES
    want = {}
    for i in range(WRITERS * SAVES):
        drill = user_save(i)[0][0]
        want[drill.id] = drill.model_copy(update={"name": edited_name(i)}).model_dump()
    assert {r.id: r.model_dump() for r in records} == want


def test_parallel_pins_all_land(tmp_path: Path) -> None:
    """6 processes x 20 pins of distinct names into one user store at once: all 120."""
    path = tmp_path / "user-records.sqlite3"
    run_together([writer("pin", path, w * SAVES, SAVES) for w in range(WRITERS)])
    assert pins(path) == expected_pins(WRITERS * SAVES)


# --- 3. damaged files in the user folder --------------------------------------------------

def fill_store(path: Path) -> None:
    for i in range(60):
        UserStore(path).save(list(user_save(i)[0]), user_save(i)[1], ARTICLE, by=ME)


def fill_cache(path: Path) -> None:
    cache = GeocodeCache(path)
    for i in range(300):
        name, pos = pin_item(i)
        cache.put(name, None, "GeoNames", "v1", pos)
    cache.close()


FILL = {"user-records.sqlite3": fill_store, "geocode-cache.sqlite3": fill_cache}
WRONG_SCHEMA = {  # our table names, someone else's columns
    "user-records.sqlite3": "CREATE TABLE records (id TEXT PRIMARY KEY, title TEXT);"
                            "INSERT INTO records VALUES ('r1', 'not ours');",
    "geocode-cache.sqlite3": "CREATE TABLE geocode (key TEXT PRIMARY KEY, lat REAL, lon REAL);"
                             "INSERT INTO geocode VALUES ('tehran|', 35.7, 51.4);",
}


def damage(path: Path, how: str) -> bytes:
    """Leave a damaged database at ``path``; its bytes, to find them again moved aside."""
    if how == "garbage":
        path.write_bytes(bytes(range(256)) * 64)
    elif how == "truncated":
        FILL[path.name](path)
        with closing(sqlite3.connect(path)) as con:
            con.execute("PRAGMA journal_mode=DELETE")  # every page in the one file, then cut it
        data = path.read_bytes()
        path.write_bytes(data[: len(data) * 2 // 3])
    else:
        with closing(sqlite3.connect(path)) as con:
            con.executescript(WRONG_SCHEMA[path.name])
    return path.read_bytes()


def moved_aside(path: Path) -> list[Path]:
    return list(path.parent.glob(f"{path.stem}.corrupt-*"))


@pytest.mark.parametrize("how", ["garbage", "truncated", "wrong schema"])
def test_damaged_user_files_are_moved_aside_and_rebuilt(how: str, data_copy: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Both SQLite files of the user folder damaged, then loaded as the app loads them: each is
    moved aside intact (for recovery), the user is told, an empty one works; data/ is untouched."""
    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(data_copy))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(user))
    records_file, cache_file = settings().user_records_path, settings().geocode_cache_path
    damaged = {p: damage(p, how) for p in (records_file, cache_file)}
    before = folder_digest(data_copy)

    ds = load_dataset(settings().data_dir, settings().overrides_path)
    store = UserStore(records_file)
    merge_into(ds, store)
    geocoder = build_geocoder(ds.places, ds.overrides)
    located = locate_all(ds, geocoder)

    assert store.notice and "moved to" in store.notice
    assert any("geocoding cache" in m and "moved to" in m for m in geocoder.messages), geocoder.messages
    for path, data in damaged.items():
        aside = moved_aside(path)
        assert len(aside) == 1 and aside[0].read_bytes() == data, f"{path.name}: {aside}"
        assert aside[0].name in (store.notice + " ".join(geocoder.messages))
    assert len(ds.records) == len(load_dataset(SEED).records) and located
    assert len(geocoder.cache) > 0  # the rebuilt cache fills again
    store.save(list(user_save(0)[0]), user_save(0)[1], ARTICLE, by=WRITER_ACTOR)
    assert saves_in_store(records_file) == 1
    assert folder_digest(data_copy) == before


def test_a_second_damage_does_not_overwrite_the_first(tmp_path: Path) -> None:
    """Two damaged files set aside within a second: both are kept."""
    path = tmp_path / "user-records.sqlite3"
    first = damage(path, "garbage")
    UserStore(path)
    path.write_bytes(b"damaged again" * 400)
    UserStore(path)
    assert sorted(p.read_bytes() for p in moved_aside(path)) == sorted([first, b"damaged again" * 400])


def interact(url: str) -> dict:
    """Run the app's main page once over HTTP (Streamlit's agent API), without a browser."""
    request = urllib.request.Request(f"{url}/_stcore/agent/interact", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def texts(node: dict) -> list[str]:
    """Every text body the page shows, depth first."""
    body = (node.get("props") or {}).get("body")
    found = [body] if isinstance(body, str) else []
    for child in node.get("children") or []:
        found += texts(child)
    return found


def test_the_real_app_serves_with_a_damaged_user_store(start_app, data_copy: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The app started on a user folder whose record store is garbage: it serves, runs the
    map page without error, moves the file aside intact and starts an empty store."""
    user = tmp_path / "user"
    user.mkdir()
    records_file = user / "user-records.sqlite3"
    data = damage(records_file, "garbage")
    before = folder_digest(data_copy)
    monkeypatch.setenv("STREAMLIT_SERVER_ENABLE_AGENT_API", "true")
    monkeypatch.delenv("FRONTIER_ATLAS_USER_RECORDS", raising=False)
    app = start_app(data_copy, user)

    with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=10) as r:
        assert r.status == 200 and r.read() == b"ok"
    page = interact(app.url)
    assert page["status"] == "ready", json.dumps(page)[:2000]
    shown = texts(page["tree"])
    assert "Frontier Atlas" in shown and any("of 9 records" in t for t in shown), shown

    aside = moved_aside(records_file)
    assert len(aside) == 1 and aside[0].read_bytes() == data
    assert UserStore(records_file).notice is None and UserStore(records_file).load()[0] == []
    assert folder_digest(data_copy) == before
    assert any("saved records could not be read" in t for t in shown), shown  # the user is told
