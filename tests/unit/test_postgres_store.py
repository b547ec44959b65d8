"""The PostgreSQL engine's own duties, on a real server: migrations that run once when
replicas start together, an audit log the database itself keeps append-only, and a
store that says it cannot be reached instead of failing with a traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import psycopg
import pytest

from frontier_atlas.data import schema
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.data.postgres_database import PostgresDatabase, close_all, describe
from frontier_atlas.data.userstore import UserStore, draft_record
from frontier_atlas.domain.access import Actor, Role
from frontier_atlas.domain.records import Source

EDITOR = Actor(id="eddie@desk.example", name="Eddie Editor", role=Role.EDITOR, mode="team")
MIGRATE = "import sys; from frontier_atlas.data.postgres_database import PostgresDatabase as D; " \
          "print(D(sys.argv[1]).migrate())"


def _source() -> Source:
    return Source(id="user-source-desk", publisher="Desk notes", title="Talks", published=date(2025, 5, 18),
                  type="news report")


def test_replicas_starting_together_apply_each_migration_once(postgres):
    url = postgres.new_database()
    procs = [subprocess.Popen([sys.executable, "-c", MIGRATE, url], stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    applied = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    every = str([n for n, _ in schema.POSTGRES_MIGRATIONS])
    assert sorted(applied) == sorted(["[]", "[]", "[]", every])  # one did the work, the others found it done
    with psycopg.connect(url) as con:
        versions = [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [n for n, _ in schema.POSTGRES_MIGRATIONS]


def test_the_database_refuses_to_change_the_audit_log(postgres):
    url = postgres.new_database()
    store = UserStore(url)
    store.save([draft_record("event", {"name": "Talks", "event_type": "meeting"}, "user-talks",
                             "user-source-desk")], _source(), "a text of ours", by=EDITOR)
    for sql in ("UPDATE audit SET actor_name = 'someone else'", "DELETE FROM audit", "TRUNCATE audit"):
        with psycopg.connect(url) as con, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            con.execute(sql)
    assert [(e.action, e.actor_name) for e in store.audit()] == [("added", "Eddie Editor")]


def test_the_url_shown_to_users_has_no_password():
    label = describe("postgresql://atlas:s3cret@db.example:5433/atlas")
    assert label == "PostgreSQL database atlas on db.example:5433" and "s3cret" not in label


def test_a_server_that_cannot_be_reached_is_said_plainly(postgres, monkeypatch):
    from support.appserver import free_port

    from frontier_atlas.data import postgres_database

    monkeypatch.setattr(postgres_database, "WAIT_SECONDS", 0.5)  # the wait for a connection before saying so
    url = f"postgresql://fa@127.0.0.1:{free_port()}/nothing"  # nothing listens there
    try:
        with pytest.raises(StoreUnavailable, match="cannot be reached") as caught:
            PostgresDatabase.shared(url)
        assert "PostgreSQL database nothing on 127.0.0.1" in str(caught.value)
        with pytest.raises(StoreUnavailable):  # each try tries again: nothing broken is kept
            UserStore(url)
    finally:
        close_all()
