"""The user's own records: saved whole, read back with provenance, edited, deleted."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

import pytest
from pydantic import ValidationError
from support.csvfiles import folder_digest
from support.paths import SEED

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.data.userstore import UserStore, draft_record, merge_into, new_id
from frontier_atlas.domain.records import Source


def source() -> Source:
    return Source(id="user-source-test", publisher="Tehran Times", title="T", published=date(2025, 5, 18),
                  type="news report")


def test_save_load_edit_delete(tmp_path):
    store = UserStore(tmp_path / "u.sqlite3")
    rec = draft_record("exercise", {"name": "Aras 2025", "start": "2025-05-18", "end": "2025-05-21",
                                    "participants": "IRN; AZE", "places": "Karabakh"}, "user-aras-2025",
                       "user-source-test")
    assert store.save([rec], source(), "article text", entered_by="analyst") == ["user-aras-2025"]
    records, sources, provenance = store.load()
    assert [r.model_dump() for r in records] == [rec.model_dump()]
    assert sources[0].publisher == "Tehran Times"
    assert provenance["user-aras-2025"]["entered_by"] == "analyst"
    assert provenance["user-aras-2025"]["article_sha256"] == hashlib.sha256(b"article text").hexdigest()
    store.update(rec.model_copy(update={"name": "Aras-2025"}))
    assert store.load()[0][0].name == "Aras-2025"
    store.delete("user-aras-2025")
    assert store.load()[0] == []
    assert sqlite3.connect(tmp_path / "u.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_failed_save_leaves_nothing(tmp_path):
    store = UserStore(tmp_path / "u.sqlite3")
    rec = draft_record("event", {"name": "E", "event_type": "x"}, "user-e", "user-source-test")
    store.save([rec], source(), "a")
    with pytest.raises(sqlite3.IntegrityError):  # the second record reuses an id: the whole save fails
        store.save([draft_record("event", {"name": "F", "event_type": "x"}, "user-f", "user-source-test"), rec],
                   source(), "b")
    assert [r.id for r in store.load()[0]] == ["user-e"]


def test_drafts_are_validated():
    with pytest.raises(ValidationError):
        draft_record("exercise", {"name": "X", "participants": "ZZZ"}, "user-x", "s")
    assert new_id("Aras 2025", {"user-aras-2025"}) == "user-aras-2025-2"


def test_merged_into_the_dataset_and_curated_files_untouched(tmp_path, data_copy):
    before = folder_digest(data_copy)
    store = UserStore(tmp_path / "u.sqlite3")
    store.save([draft_record("event", {"name": "New", "event_type": "x", "places": "Tehran"}, "user-new",
                             "user-source-test")], source(), "text")
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
