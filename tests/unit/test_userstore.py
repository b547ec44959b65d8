"""The user's own records: saved whole, read back with provenance, edited, deleted.

Tests that take ``store_target`` run on both engines (a SQLite file, a PostgreSQL
database on a real server); the others are about the SQLite file itself."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import pytest
from pydantic import ValidationError
from support.csvfiles import folder_digest
from support.paths import SEED

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.data.userstore import (
    Conflict,
    DuplicateRecord,
    UserStore,
    draft_record,
    editable,
    merge_into,
    new_id,
)
from frontier_atlas.domain.access import Actor, Role, local_actor
from frontier_atlas.domain.records import Source

ME = local_actor()  # single-user mode's actor
ANALYST = Actor(id="analyst", name="An Analyst", role=Role.EDITOR)


def source() -> Source:
    return Source(id="user-source-test", publisher="Tehran Times", title="T", published=date(2025, 5, 18),
                  type="news report")


def test_save_load_edit_delete(store_target):
    store = UserStore(store_target)
    rec = draft_record("exercise", {"name": "Aras 2025", "start": "2025-05-18", "end": "2025-05-21",
                                    "participants": "IRN; AZE", "places": "Karabakh"}, "user-aras-2025",
                       "user-source-test")
    assert store.save([rec], source(), "article text", by=ANALYST) == ["user-aras-2025"]
    records, sources, provenance = store.load()
    assert [r.model_dump() for r in records] == [rec.model_dump()]
    assert sources[0].publisher == "Tehran Times"
    assert provenance["user-aras-2025"]["entered_by"] == "analyst"
    assert provenance["user-aras-2025"]["article_sha256"] == hashlib.sha256(b"article text").hexdigest()
    store.update(rec.model_copy(update={"name": "Aras-2025"}), by=ME)
    assert store.load()[0][0].name == "Aras-2025"
    store.delete("user-aras-2025", by=ME)
    assert store.load()[0] == []


def test_a_sqlite_store_is_in_wal_mode(tmp_path):  # readers never wait for a writer
    UserStore(tmp_path / "u.sqlite3")
    assert sqlite3.connect(tmp_path / "u.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_save_leaves_nothing(store_target):
    store = UserStore(store_target)
    rec = draft_record("event", {"name": "E", "event_type": "x"}, "user-e", "user-source-test")
    store.save([rec], source(), "a", by=ME)
    with pytest.raises(DuplicateRecord):  # the second record reuses an id: the whole save fails
        store.save([draft_record("event", {"name": "F", "event_type": "x"}, "user-f", "user-source-test"), rec],
                   source(), "b", by=ME)
    assert [r.id for r in store.load()[0]] == ["user-e"]


def test_drafts_are_validated():
    with pytest.raises(ValidationError):
        draft_record("exercise", {"name": "X", "participants": "ZZZ"}, "user-x", "s")
    assert new_id("Aras 2025", {"user-aras-2025"}) == "user-aras-2025-2"


def test_merged_into_the_dataset_and_curated_files_untouched(store_target, data_copy):
    before = folder_digest(data_copy)
    store = UserStore(store_target)
    store.save([draft_record("event", {"name": "New", "event_type": "x", "places": "Tehran"}, "user-new",
                             "user-source-test")], source(), "text", by=ME)
    ds = load_dataset(data_copy)
    merge_into(ds, store)
    assert "user-new" in ds.records and "user-new" in ds.user and "user-source-test" in ds.sources
    assert len(ds.records) == len(load_dataset(SEED).records) + 1
    assert folder_digest(data_copy) == before


def test_corrupted_store_is_moved_aside(tmp_path):
    path = tmp_path / "u.sqlite3"
    path.write_bytes(b"garbage" * 500)
    store = UserStore(path)
    assert store.notice and store.load()[0] == []
    assert list(tmp_path.glob("u.corrupt-*"))


# ---- versions: an edit lands against the record as it is now, never over another's -----

def saved_exercise(target) -> tuple[UserStore, dict]:
    """A store holding one exercise, and that record's fields as an editor opens them."""
    store = UserStore(target)
    rec = draft_record("exercise", {"name": "Aras 2025", "start": "2025-05-18", "participants": "IRN; AZE",
                                    "description": "first report"}, "user-aras", "user-source-test")
    store.save([rec], source(), "article", by=ME)
    return store, editable(rec)


def stored(store: UserStore) -> tuple[dict, int]:
    records, _, provenance = store.load()
    return editable(records[0]), provenance[records[0].id]["version"]


def test_every_change_raises_the_version(store_target):
    store, opened = saved_exercise(store_target)
    assert store.version("user-aras") == 1 and stored(store)[1] == 1
    assert store.edit("user-aras", 1, opened, {"name": "Aras-2025"}, by=ME) == 2
    rec = store.load()[0][0]
    assert store.update(rec.model_copy(update={"name": "Aras"}), by=ME) == 3
    assert store.version("user-aras") == 3 and store.version("user-nothing") is None


def test_edits_of_different_fields_both_land(store_target):
    store, opened = saved_exercise(store_target)
    store.edit("user-aras", 1, opened, {"name": "Aras-2025"}, by=ME)  # one session
    assert store.edit("user-aras", 1, opened, {"description": "second report"}, by=ME) == 3  # the other, same base
    now, version = stored(store)
    assert (now["name"], now["description"], version) == ("Aras-2025", "second report", 3)
    assert now["participants"] == ["IRN", "AZE"]


def test_same_field_changed_twice_is_a_conflict_naming_theirs(store_target):
    store, opened = saved_exercise(store_target)
    store.edit("user-aras", 1, opened, {"name": "Aras-2025", "description": "theirs"}, by=ME)
    with pytest.raises(Conflict) as caught:
        store.edit("user-aras", 1, opened, {"name": "Araz 2025"}, by=ME)
    conflict = caught.value
    assert conflict.fields == ["name"] and conflict.theirs["name"] == "Aras-2025" and conflict.version == 2
    assert not conflict.deleted and "name" in str(conflict)
    assert stored(store) == ({**opened, "name": "Aras-2025", "description": "theirs"}, 2)  # nothing written
    # keeping mine: the same change again, measured against what they saved
    assert store.edit("user-aras", conflict.version, conflict.theirs, {"name": "Araz 2025"}, by=ME) == 3
    assert stored(store) == ({**opened, "description": "theirs", "name": "Araz 2025"}, 3)


def test_same_change_made_twice_is_no_conflict(store_target):
    store, opened = saved_exercise(store_target)
    store.edit("user-aras", 1, opened, {"name": "Aras-2025"}, by=ME)
    assert store.edit("user-aras", 1, opened, {"name": "Aras-2025"}, by=ME) == 3


def test_a_stale_whole_record_update_is_refused(store_target):
    store, _ = saved_exercise(store_target)
    rec = store.load()[0][0]
    store.update(rec.model_copy(update={"name": "first"}), version=1, by=ME)
    with pytest.raises(Conflict) as caught:
        store.update(rec.model_copy(update={"description": "second"}), version=1, by=ME)
    assert caught.value.theirs["name"] == "first" and caught.value.version == 2


def test_editing_a_deleted_record_says_so(store_target):
    store, opened = saved_exercise(store_target)
    store.delete("user-aras", version=1, by=ME)
    with pytest.raises(Conflict) as caught:
        store.edit("user-aras", 1, opened, {"name": "Aras-2025"}, by=ME)
    assert caught.value.deleted and caught.value.theirs is None and "deleted" in str(caught.value)
    assert store.load()[0] == []  # the edit did not bring it back
    store.delete("user-aras", version=1, by=ME)  # deleting it again is no error


def test_deleting_a_record_changed_since_it_was_opened_is_refused(store_target):
    store, opened = saved_exercise(store_target)
    store.edit("user-aras", 1, opened, {"description": "new facts"}, by=ME)
    with pytest.raises(Conflict) as caught:
        store.delete("user-aras", version=1, opened=opened, by=ME)
    assert caught.value.fields == ["description"] and caught.value.theirs["description"] == "new facts"
    assert [r.id for r in store.load()[0]] == ["user-aras"]
    store.delete("user-aras", version=caught.value.version, by=ME)  # deleting what they saved, knowingly
    assert store.load()[0] == []


def test_a_merged_edit_is_validated(store_target):
    store, opened = saved_exercise(store_target)
    with pytest.raises(ValidationError):
        store.edit("user-aras", 1, opened, {"participants": ["ZZZ"]}, by=ME)
    assert stored(store) == (opened, 1)


def test_a_store_from_before_versions_is_upgraded_not_set_aside(tmp_path):
    path = tmp_path / "u.sqlite3"
    rec = draft_record("event", {"name": "Old", "event_type": "x"}, "user-old", "user-source-test")
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE sources (id TEXT PRIMARY KEY, data TEXT NOT NULL, article_sha256 TEXT NOT NULL,
                              created REAL NOT NULL);
        CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, source_id TEXT NOT NULL,
                              entered_by TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);""")
    con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                (rec.id, rec.kind, rec.model_dump_json(), "user-source-test", "analyst", 1.0, 1.0))
    con.commit()
    con.close()
    store = UserStore(path)
    assert store.notice is None and not list(tmp_path.glob("u.corrupt-*"))
    assert store.version("user-old") == 1
    assert store.edit("user-old", 1, editable(rec), {"name": "Newer"}, by=ME) == 2


def test_edits_from_many_threads_at_once_all_land(store_target):
    # each thread changes its own field from the same opened version, as sessions pressing Save together do
    import threading

    store, opened = saved_exercise(store_target)
    changes = [{"name": "N"}, {"description": "D"}, {"end": "2025-05-30"}, {"places": ["Karabakh"]}]
    barrier = threading.Barrier(len(changes))
    errors = []

    def save(change: dict) -> None:
        barrier.wait()
        try:
            UserStore(store_target).edit("user-aras", 1, opened, change, by=ME)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(c,)) for c in changes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    now, version = stored(store)
    assert errors == [] and version == 1 + len(changes)
    assert (now["name"], now["description"], now["end"], now["places"]) == ("N", "D", "2025-05-30", ["Karabakh"])
