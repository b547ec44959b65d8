"""Imported sets carry a version (issue 15, row 6): a rename or delete checks the one the user saw.

Tests taking ``store`` run on both stores (Parquet folders, PostGIS on a real server); the
last two are about the Parquet folders themselves."""

from __future__ import annotations

import json
import os
import threading

import pytest
from support.imports import FEW

from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import (
    ImportStore,
    PostgisImportStore,
    SetChanged,
    SetGone,
    guess_mapping,
    import_events,
    read_header,
)


@pytest.fixture(params=["parquet", "postgis"])
def store(request, tmp_path):
    if request.param == "parquet":
        return ImportStore(tmp_path / "imports")
    return PostgisImportStore(request.getfixturevalue("postgres").new_database())


@pytest.fixture
def parquet_store(tmp_path) -> ImportStore:
    return ImportStore(tmp_path / "imports")


def _stored(store: ImportStore, name: str = "drills") -> str:
    info, _ = import_events(FEW, "few.csv", guess_mapping(read_header(FEW, "few.csv")), store, name, by=local_actor())
    assert info.version == 1
    return info.id


def test_a_rename_from_the_version_seen_lands_and_counts_one_up(store):
    set_id = _stored(store)
    renamed = store.rename(set_id, "Aras drills", 1, by=local_actor())
    assert (renamed.name, renamed.version) == ("Aras drills", 2)
    assert [(s.name, s.version) for s in store.sets()] == [("Aras drills", 2)]
    assert store.open(set_id).name == "Aras drills"


def test_a_change_from_an_older_version_is_refused_with_what_it_is_now(store):
    set_id = _stored(store)
    store.rename(set_id, "theirs", 1, by=local_actor())
    with pytest.raises(SetChanged) as caught:
        store.rename(set_id, "mine", 1, by=local_actor())
    assert (caught.value.now.name, caught.value.now.version) == ("theirs", 2)
    with pytest.raises(SetChanged):
        store.delete(set_id, 1, by=local_actor())
    assert [s.name for s in store.sets()] == ["theirs"]
    store.delete(set_id, 2, by=local_actor())  # chosen with what it is now
    assert store.sets() == []


def test_a_change_to_a_set_deleted_meanwhile_says_so(store):
    set_id = _stored(store)
    store.delete(set_id, 1, by=local_actor())
    with pytest.raises(SetGone):
        store.rename(set_id, "mine", 1, by=local_actor())
    with pytest.raises(SetGone):
        store.delete(set_id, 1, by=local_actor())


def test_a_set_stored_before_versions_is_version_one(parquet_store):
    store = parquet_store
    set_id = _stored(store)
    meta = store.path(set_id).with_name("meta.json")
    described = json.loads(meta.read_text())
    del described["version"]
    meta.write_text(json.dumps(described))
    assert store.sets()[0].version == 1
    assert store.rename(set_id, "renamed", 1, by=local_actor()).version == 2


def test_two_renames_from_one_version_at_once_one_lands_the_other_is_told(store):
    set_id = _stored(store)
    for trial in range(20):
        seen = store.info(set_id).version
        start, outcomes = threading.Barrier(2), []

        def rename(name: str) -> None:
            start.wait()
            try:
                store.rename(set_id, name, seen, by=local_actor())
                outcomes.append("landed")
            except SetChanged:
                outcomes.append("told")

        threads = [threading.Thread(target=rename, args=(f"{who}-{trial}",)) for who in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["landed", "told"], trial
        assert store.info(set_id).version == seen + 1


def test_what_a_stopped_import_left_is_removed_by_the_next_one(parquet_store, tmp_path):
    store = parquet_store
    import subprocess
    import sys

    _stored(store)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = store.folder / f".tmp-halfset123-{gone.stdout.strip()}"  # a writer that has ended
    left.mkdir()
    (left / "events.parquet").write_bytes(b"half")
    mine = store.folder / f".tmp-otherset123-{os.getpid()}"  # a writer still at work: kept
    mine.mkdir()
    (store.folder / ".del-oldset").mkdir()
    _stored(store, "second")
    assert not left.exists() and mine.exists() and not (store.folder / ".del-oldset").exists()
    assert len(store.sets()) == 2
