"""Crash-safe writes and the files around them: modes kept, read-only respected, and one
clear error (``NotWritable``) when the app may not write; pins on the Places page go to
the user store, and a failed one is said."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support.paths import ROOT

from frontier_atlas.data import durable
from frontier_atlas.data.durable import NotWritable, atomic_write_text, exclusive_lock
from frontier_atlas.domain.access import local_actor


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


@pytest.fixture
def read_only_folder(tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "notes.txt").write_text("before\n")
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)  # so pytest can clean up


def test_a_new_file_gets_the_mode_the_umask_gives_not_0600(tmp_path, umask_027):
    atomic_write_text(tmp_path / "new.csv", "a\n")
    assert mode(tmp_path / "new.csv") == 0o640  # 0666 less the umask; mkstemp alone gave 0600


def test_replacing_a_file_keeps_its_mode(tmp_path):
    path = tmp_path / "shared.csv"
    path.write_text("old\n")
    path.chmod(0o664)  # group-writable, for the team
    atomic_write_text(path, "new\n")
    assert path.read_text() == "new\n"
    assert mode(path) == 0o664


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
def test_replacing_a_file_keeps_its_owner_when_allowed(tmp_path):
    path = tmp_path / "theirs.csv"
    path.write_text("old\n")
    os.chown(path, 4321, 4321)
    atomic_write_text(path, "new\n")
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4321)


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "place_overrides.csv"
    path.write_text("name\nkept\n")
    path.chmod(0o444)
    inode = path.stat().st_ino
    with pytest.raises(NotWritable) as caught:
        atomic_write_text(path, "name\nreplaced\n")
    assert caught.value.path == path and str(path) in str(caught.value)
    assert "read-only" in str(caught.value)
    assert path.read_text() == "name\nkept\n" and mode(path) == 0o444
    assert path.stat().st_ino == inode  # not replaced by another file with the same text
    assert leftovers(tmp_path) == []


def test_a_read_only_folder_is_refused_for_new_and_existing_files(read_only_folder):
    for name in ("notes.txt", "new.txt"):
        with pytest.raises(NotWritable) as caught:
            atomic_write_text(read_only_folder / name, "after\n")
        assert "read-only folder" in str(caught.value)
    assert (read_only_folder / "notes.txt").read_text() == "before\n"
    assert not (read_only_folder / "new.txt").exists()
    assert leftovers(read_only_folder) == []


def test_a_folder_that_cannot_be_made_is_not_writable(read_only_folder):
    with pytest.raises(NotWritable) as caught:
        atomic_write_text(read_only_folder / "sub" / "x.txt", "x")
    assert "read-only folder" in str(caught.value) or "cannot be made" in str(caught.value)


def test_a_read_only_disk_raises_not_writable(tmp_path, monkeypatch):
    def erofs(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", erofs)
    with pytest.raises(NotWritable, match="Read-only file system"):
        atomic_write_text(tmp_path / "x.txt", "x")


def test_a_refused_rename_raises_not_writable_and_leaves_no_temp(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(dst))

    monkeypatch.setattr(durable.os, "replace", refuse)
    with pytest.raises(NotWritable):
        atomic_write_text(tmp_path / "x.txt", "x")
    assert leftovers(tmp_path) == []


def test_not_writable_is_still_a_permission_error(tmp_path):
    # callers that caught PermissionError before keep working
    assert issubclass(NotWritable, PermissionError)
    assert NotWritable(tmp_path / "f", "is read-only").errno == errno.EACCES


def test_a_lock_that_cannot_be_created_raises_not_writable(tmp_path, monkeypatch):
    real_open = os.open

    def no_create(path, flags, *args):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(durable.os, "open", no_create)
    with pytest.raises(NotWritable, match="locked"):
        with exclusive_lock(tmp_path / "place_overrides.csv"):
            pass


def test_an_existing_read_only_lock_file_still_locks(tmp_path, monkeypatch):
    lock = tmp_path / "place_overrides.csv.lock"
    lock.touch()
    real_open = os.open

    def read_only(path, flags, *args):
        if flags & (os.O_RDWR | os.O_WRONLY | os.O_CREAT):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(durable.os, "open", read_only)
    with exclusive_lock(tmp_path / "place_overrides.csv"):
        pass


def _julfa_page(data_copy: Path, user_dir: Path, monkeypatch) -> AppTest:
    from support.csvfiles import append_csv

    # Julfa (AZ) and Julfa (IR): an ambiguous name, so the page offers a pin
    append_csv(data_copy / "events.csv", id="julfa-test", name="Test event at Julfa", event_type="test",
               start="2025-01-01", places="Julfa", source_ids="tehrantimes-2025-05-18")
    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(data_copy))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(user_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/places.py").run()
    return at


def _pin_julfa(at: AppTest) -> None:
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("pin-Julfa"))).click().run()


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_pin_goes_to_the_user_store_and_never_into_the_curated_folder(data_copy, tmp_path, monkeypatch):
    from frontier_atlas.data.userstore import UserStore

    at = _julfa_page(data_copy, tmp_path / "user", monkeypatch)
    before = _folder_bytes(data_copy)
    _pin_julfa(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert _folder_bytes(data_copy) == before  # curated files are read-only to the app
    pins = UserStore(tmp_path / "user" / "user-records.sqlite3").pins()
    assert list(pins) == ["Julfa"] and pins["Julfa"][1].by_id == local_actor().id
    assert "Pinned places" in [h.value for h in at.header] and len(at.dataframe) == 2


def test_places_page_says_a_pin_was_not_saved_when_the_user_store_cannot_be_written(
        data_copy, tmp_path, monkeypatch):
    import sqlite3

    at = _julfa_page(data_copy, tmp_path / "user", monkeypatch)
    connect = sqlite3.connect

    def read_only(*args, **kwargs):  # what SQLite says of a file the process may not write (as root, none is)
        if kwargs.get("isolation_level", "") is None:  # the store's writes open their connection so
            raise sqlite3.OperationalError("attempt to write a readonly database")
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    _pin_julfa(at)
    assert not at.exception  # no traceback
    errors = [e.value.replace("\\", "") for e in at.error]  # as shown: Markdown escapes removed
    assert any("Not pinned" in e and "readonly database" in e for e in errors), errors
    assert not any(str(tmp_path) in e for e in errors)  # the server's path stays on the server
