"""The PostgreSQL store when its server fails, on a real server stopped and killed for
the purpose: a write cut off in the middle leaves nothing of itself, a write while the
server is down fails with a message, and the same store works again once the server is
back, with no restart of the app."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from support.browsing import wait_until
from support.postgres import Cluster

from frontier_atlas.data import userstore
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.data.postgres_database import close_all
from frontier_atlas.data.userstore import UserStore, draft_record
from frontier_atlas.domain.access import Actor, Role
from frontier_atlas.domain.records import Source

EDITOR = Actor(id="eddie@desk.example", name="Eddie Editor", role=Role.EDITOR, mode="team")


def _source() -> Source:
    return Source(id="user-source-desk", publisher="Desk notes", title="Talks", published=date(2025, 5, 18),
                  type="news report")


def _event(rid: str):
    return draft_record("event", {"name": f"Talks {rid}", "event_type": "meeting"}, rid, "user-source-desk")


@pytest.fixture
def own_server():
    """A server of the test's own, to stop and kill without touching the others' tests."""
    cluster = Cluster(durable=True)
    yield cluster
    close_all()
    cluster.remove()


def test_a_save_cut_off_midway_leaves_nothing_of_itself(postgres, monkeypatch):
    url = postgres.new_database()
    store = UserStore(url)
    store.save([_event("user-first")], _source(), "first text", by=EDITOR)
    log = userstore._log
    cut = []

    def log_then_lose_the_connection(con, *args):  # after the first record of two is written
        log(con, *args)
        if not cut:
            cut.append(True)
            with psycopg.connect(url, autocommit=True) as admin:  # the server ends this session
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'")

    monkeypatch.setattr(userstore, "_log", log_then_lose_the_connection)
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        store.save([_event("user-second"), _event("user-third")], _source(), "second text", by=EDITOR)
    monkeypatch.undo()
    assert [r.id for r in store.load()[0]] == ["user-first"]  # the same pool, reconnected
    assert [e.record_id for e in store.audit()] == ["user-first"]
    store.save([_event("user-second")], _source(), "second text", by=EDITOR)  # and it writes again
    assert [r.id for r in store.load()[0]] == ["user-first", "user-second"]


def test_writes_fail_plainly_while_the_server_is_down_and_work_when_it_is_back(own_server, monkeypatch):
    from frontier_atlas.data import postgres_database

    monkeypatch.setattr(postgres_database, "WAIT_SECONDS", 1.0)  # a page waits 5 s before it says so
    url = own_server.new_database()
    store = UserStore(url)
    store.save([_event("user-before")], _source(), "before", by=EDITOR)
    own_server.stop("immediate")  # as if killed: no clean shut-down
    for attempt in (lambda: store.save([_event("user-during")], _source(), "during", by=EDITOR),
                    lambda: store.load(), lambda: UserStore(url).audit()):
        with pytest.raises(StoreUnavailable, match="cannot be reached"):
            attempt()
    own_server.start()
    # the pool tries again by itself, with a growing pause: give it the time a user would
    wait_until(lambda: store.load() is not None, timeout=60, what="the store to answer again")
    assert [r.id for r in store.load()[0]] == ["user-before"]  # the write refused while down left nothing
    store.save([_event("user-after")], _source(), "after", by=EDITOR)
    assert [r.id for r in UserStore(url).load()[0]] == ["user-before", "user-after"]
