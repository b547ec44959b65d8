"""Records users add (from articles), kept apart from the curated files.

SQLite in the user data folder, in WAL mode; a save is one transaction, so it is
there whole or not at all. Each record keeps its provenance: the source fields
the user gave, a hash of the article text, who entered it and when. The curated
files in data/ are never written here.

Every write takes the acting user (``domain.access.Actor``) and checks their role
first, inside the write's transaction where it concerns someone's record (its owner
is read there). Each change is logged, with who made it and the record before and
after, in the ``audit`` table of the same file and the same transaction: a change
is never there without its entry, nor an entry without its change.

Every record has a version, raised by each change. An edit names the version it
opened and sends only the fields the user changed; it lands unless another session
changed one of those same fields meanwhile (then ``Conflict`` says which, and what
they hold now), so two people editing different fields of one record both keep theirs.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from frontier_atlas.data.durable import check_database, open_or_set_aside
from frontier_atlas.domain.access import Action, Actor, Role, check
from frontier_atlas.domain.issues import Issue
from frontier_atlas.domain.records import RECORD_MODELS, Dataset, Place, Record, Source

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, article_sha256 TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, source_id TEXT NOT NULL,
    entered_by TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, version INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL,
    action TEXT NOT NULL, record_id TEXT NOT NULL, before TEXT, after TEXT);
CREATE TABLE IF NOT EXISTS pins (
    name TEXT PRIMARY KEY, data TEXT NOT NULL, by_id TEXT NOT NULL, by_name TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS checks (
    record_id TEXT PRIMARY KEY, by_id TEXT NOT NULL, by_name TEXT NOT NULL, at REAL NOT NULL, note TEXT);
CREATE TABLE IF NOT EXISTS roles (
    user_id TEXT PRIMARY KEY, role TEXT NOT NULL, by_id TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS signouts (
    session TEXT PRIMARY KEY, user_id TEXT NOT NULL, at REAL NOT NULL);
"""
_UNVERSIONED = ["id", "kind", "data", "source_id", "entered_by", "created", "updated"]  # records before versions
_NOT_EDITED = ("id", "kind", "source_ids")  # fixed at save: an edit may not change them


class Conflict(Exception):
    """An edit or delete measured against a version that is no longer current.

    ``theirs`` is the record's fields now (None: deleted), ``version`` its version now,
    and ``fields`` the fields another session changed that this one also changed (an
    edit) or that differ from what was opened (a delete). The caller shows them and
    lets the user choose: again against ``version`` keeps theirs, dropping the edit
    takes the other.
    """

    def __init__(self, record_id: str, theirs: dict[str, Any] | None, version: int | None,
                 fields: list[str]) -> None:
        self.record_id, self.theirs, self.version, self.fields = record_id, theirs, version, fields
        self.deleted = theirs is None
        what = "was deleted" if self.deleted else f"was changed ({', '.join(fields) or 'other fields'})"
        super().__init__(f"record {record_id} {what} by someone else since it was opened")


@dataclass(frozen=True)
class AuditEntry:
    """One change to a record: who, when, what (added, edited, deleted), before and after."""

    seq: int
    at: float
    actor_id: str
    actor_name: str
    action: str
    record_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class Mark:
    """Who did something to a thing, and when: a pin's author, a record's verifier."""

    by_id: str
    by_name: str
    at: float
    note: str | None = None


class PinConflict(Exception):
    """``name`` was pinned (or its pin replaced) by someone else since the page showed it.

    ``theirs`` is the pin now, as its override row; ``version`` its version now. Pinning
    again with that version replaces it knowingly.
    """

    def __init__(self, name: str, theirs: dict[str, str] | None, version: str) -> None:
        self.name, self.theirs, self.version = name, theirs, version
        where = f"{theirs.get('country') or '?'} {theirs.get('lat')}, {theirs.get('lon')}" if theirs else "nothing"
        super().__init__(f"{name} was pinned by someone else meanwhile (now: {where})")


def pin_token(row: dict[str, Any] | None) -> str:
    """A pin's version: its content (two pins alike are one version); "" for no pin."""
    if row is None:
        return ""
    return hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()[:16]


PLACE_PREFIX = "place:"  # a pin's entries in the audit log name the place so


def _log(con: sqlite3.Connection, by: Actor, action: str, record_id: str,
         before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    con.execute("INSERT INTO audit (at, actor_id, actor_name, action, record_id, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), by.id, by.name, action, record_id,
                 None if before is None else json.dumps(before, sort_keys=True),
                 None if after is None else json.dumps(after, sort_keys=True)))


def editable(record: Record) -> dict[str, Any]:
    """A record's editable fields in stored (JSON) form: what an edit is measured against."""
    return {k: v for k, v in record.model_dump(mode="json").items() if k not in _NOT_EDITED}


class UserStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.notice: str | None = None
        _, why = open_or_set_aside(self.path, self._check)
        if why:
            self.notice = f"Your saved records could not be read ({why}); a new, empty store was started."

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def _check(self) -> None:
        """Raise sqlite3.DatabaseError if the file is damaged or not ours; else set it up."""
        with closing(self._connect()) as con:  # closed here: a dropped connection keeps its files open
            old = [c[1] for c in con.execute("PRAGMA table_info(records)")] == _UNVERSIONED
            check_database(con, SCHEMA.replace(", version INTEGER NOT NULL DEFAULT 1", "") if old else SCHEMA)
            con.execute("PRAGMA journal_mode=WAL")  # stored in the file: every later connection has it
            with con:
                if old:  # a store from before versions: every record starts at 1
                    con.execute("ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
                con.executescript(SCHEMA)

    def save(self, records: list[Record], source: Source, article: str, *, by: Actor) -> list[str]:
        """Store drafts confirmed by the user, with their source, in one transaction; they
        are ``by``'s (``NotAllowed`` below the editor role)."""
        check(by, Action.ADD_RECORD)
        now = time.time()
        who = by.id
        digest = hashlib.sha256(article.encode("utf-8")).hexdigest()
        con = self._connect()
        try:
            with con:
                con.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?)",
                            (source.id, source.model_dump_json(), digest, now))
                ids = []
                for rec in records:
                    con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                                (rec.id, rec.kind, rec.model_dump_json(), source.id, who, now, now))
                    _log(con, by, "added", rec.id, None, rec.model_dump(mode="json"))
                    ids.append(rec.id)
            return ids
        finally:
            con.close()

    def _transaction(self) -> sqlite3.Connection:
        """A connection inside ``BEGIN IMMEDIATE``: the write lock is taken before the
        read, so a version checked is still current when the change is written."""
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        return con

    @staticmethod
    def _current(con: sqlite3.Connection, record_id: str) -> tuple[str, dict[str, Any], int, str] | None:
        """(kind, data, version, owner) of the record now, or None."""
        row = con.execute("SELECT kind, data, version, entered_by FROM records WHERE id = ?",
                          (record_id,)).fetchone()
        return None if row is None else (row[0], json.loads(row[1]), row[2], row[3])

    def version(self, record_id: str) -> int | None:
        """The record's version now; None if there is no such record."""
        with closing(self._connect()) as con:
            row = con.execute("SELECT version FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else row[0]

    def update(self, record: Record, version: int | None = None, *, by: Actor) -> int:
        """Write ``record`` whole; with ``version``, only if that is still the current one
        (else ``Conflict``). Returns the new version. ``edit`` is what editors use."""
        con = self._transaction()
        try:
            now = self._current(con, record.id)
            check(by, Action.EDIT_RECORD, None if now is None else now[3])
            if version is not None and (now is None or now[2] != version):
                raise Conflict(record.id, None if now is None else {k: v for k, v in now[1].items()
                                                                    if k not in _NOT_EDITED},
                               None if now is None else now[2], [])
            new = (now[2] if now else 0) + 1
            con.execute("UPDATE records SET data = ?, updated = ?, version = ? WHERE id = ?",
                        (record.model_dump_json(), time.time(), new, record.id))
            if now is not None:
                _log(con, by, "edited", record.id, now[1], record.model_dump(mode="json"))
            con.execute("COMMIT")
            return new
        finally:
            con.close()  # an open transaction is rolled back

    def edit(self, record_id: str, version: int, opened: dict[str, Any], changes: dict[str, Any], *,
             by: Actor) -> int:
        """Apply ``changes`` (field: new value, stored form) to the record as it is now.

        ``version`` and ``opened`` are the record as the editor opened it. If another
        session saved since, its changes are kept: the edit still lands unless it
        changes a field that session also changed to something else (``Conflict``,
        naming those fields). A deleted record is a ``Conflict`` with ``deleted``. Raises
        pydantic's ValidationError if the merged record is not valid. Returns the new version.
        """
        con = self._transaction()
        try:
            now = self._current(con, record_id)
            check(by, Action.EDIT_RECORD, None if now is None else now[3])
            if now is None:
                raise Conflict(record_id, None, None, sorted(changes))
            kind, data, current, _ = now
            theirs = {k: v for k, v in data.items() if k not in _NOT_EDITED}
            if current != version:
                clash = [f for f, mine in changes.items()
                         if theirs.get(f) != opened.get(f) and theirs.get(f) != mine]
                if clash:
                    raise Conflict(record_id, theirs, current, clash)
            merged = RECORD_MODELS[kind].model_validate({**data, **changes, "id": record_id, "kind": kind})
            con.execute("UPDATE records SET data = ?, updated = ?, version = ? WHERE id = ?",
                        (merged.model_dump_json(), time.time(), current + 1, record_id))
            _log(con, by, "edited", record_id, data, merged.model_dump(mode="json"))
            con.execute("COMMIT")
            return current + 1
        finally:
            con.close()

    def delete(self, record_id: str, version: int | None = None, opened: dict[str, Any] | None = None, *,
               by: Actor) -> None:
        """Delete the record; with ``version``, only if no one changed it since it was
        opened (else ``Conflict``, naming the fields that differ from ``opened``).
        Deleting a record already gone is no error: the user wanted it gone."""
        con = self._transaction()
        try:
            now = self._current(con, record_id)
            check(by, Action.DELETE_RECORD, None if now is None else now[3])
            if now is not None and version is not None and now[2] != version:
                theirs = {k: v for k, v in now[1].items() if k not in _NOT_EDITED}
                changed = sorted(k for k in theirs.keys() | (opened or {}).keys()
                                 if theirs.get(k) != (opened or {}).get(k))
                raise Conflict(record_id, theirs, now[2], changed if opened is not None else [])
            con.execute("DELETE FROM records WHERE id = ?", (record_id,))
            if now is not None:
                _log(con, by, "deleted", record_id, now[1], None)
            con.execute("COMMIT")
        finally:
            con.close()

    def pin(self, name: str, row: dict[str, Any], version: str | None = None, *, by: Actor) -> str:
        """Make ``row`` (a ``Place`` as stored) the answer for place ``name``, replacing an
        earlier pin; with ``version`` (``pin_token`` of the pin the page showed), only if
        that pin is still the one (else ``PinConflict``). Reviewers only. Returns the new version."""
        check(by, Action.PIN_PLACE)
        con = self._transaction()
        try:
            found = con.execute("SELECT data FROM pins WHERE name = ?", (name,)).fetchone()
            now = None if found is None else json.loads(found[0])
            if version is not None and pin_token(now) != version:
                raise PinConflict(name, now, pin_token(now))
            con.execute("INSERT OR REPLACE INTO pins VALUES (?, ?, ?, ?, ?)",
                        (name, json.dumps(row, sort_keys=True), by.id, by.name, time.time()))
            _log(con, by, "pinned", PLACE_PREFIX + name, now, row)
            con.execute("COMMIT")
            return pin_token(row)
        finally:
            con.close()

    def pins(self) -> dict[str, tuple[dict[str, Any], Mark]]:
        """Each pinned place name: its row and who pinned it, oldest pin first."""
        with closing(self._connect()) as con:
            rows = con.execute("SELECT name, data, by_id, by_name, at FROM pins ORDER BY at").fetchall()
        return {name: (json.loads(data), Mark(bid, bname, at)) for name, data, bid, bname, at in rows}

    def mark_verified(self, record_id: str, note: str | None = None, *, by: Actor) -> None:
        """A reviewer says they checked the record against its sources; a later mark replaces it."""
        check(by, Action.VERIFY_RECORD)
        con = self._transaction()
        try:
            old = con.execute("SELECT by_id, by_name, at, note FROM checks WHERE record_id = ?",
                              (record_id,)).fetchone()
            con.execute("INSERT OR REPLACE INTO checks VALUES (?, ?, ?, ?, ?)",
                        (record_id, by.id, by.name, time.time(), note))
            _log(con, by, "verified", record_id,
                 None if old is None else {"verified_by": old[1], "note": old[3]},
                 {"verified_by": by.name, "note": note})
            con.execute("COMMIT")
        finally:
            con.close()

    def verified(self) -> dict[str, Mark]:
        """Each record a reviewer marked verified, with who and when."""
        with closing(self._connect()) as con:
            rows = con.execute("SELECT record_id, by_id, by_name, at, note FROM checks").fetchall()
        return {rid: Mark(bid, bname, at, note) for rid, bid, bname, at, note in rows}

    def set_role(self, user_id: str, role: Role | None, *, by: Actor) -> None:
        """Give ``user_id`` (their e-mail, or the provider's subject) ``role``, over what the
        provider's claim says; None takes the entry away (the claim decides again). Admins only."""
        check(by, Action.MANAGE_ROLES)
        user_id = user_id.strip()
        if not user_id:
            raise ValueError("name the user by their e-mail (or the provider's subject)")
        con = self._transaction()
        try:
            old = con.execute("SELECT role FROM roles WHERE user_id = ?", (user_id,)).fetchone()
            if role is None:
                con.execute("DELETE FROM roles WHERE user_id = ?", (user_id,))
            else:
                con.execute("INSERT OR REPLACE INTO roles VALUES (?, ?, ?, ?)",
                            (user_id, role.value, by.id, time.time()))
            _log(con, by, "role", "user:" + user_id, None if old is None else {"role": old[0]},
                 None if role is None else {"role": role.value})
            con.execute("COMMIT")
        finally:
            con.close()

    def roles(self) -> dict[str, Role]:
        """The roles table: user id to the role an admin gave them."""
        with closing(self._connect()) as con:
            rows = con.execute("SELECT user_id, role FROM roles ORDER BY user_id").fetchall()
        return {uid: role for uid, name in rows if (role := Role.named(name)) is not None}

    def role_of(self, user_id: str) -> Role | None:
        """The role the table gives ``user_id``, or None (then the provider's claim decides)."""
        return role_in_table(self.path, user_id)

    def sign_out(self, session: str, user_id: str, keep_days: float = 31) -> None:
        """End one sign-in (``access.session_id``) in every tab and process that holds it.
        Anyone may end their own; entries older than a sign-in cookie lives are dropped."""
        now = time.time()
        with closing(self._connect()) as con, con:
            con.execute("INSERT OR REPLACE INTO signouts VALUES (?, ?, ?)", (session, user_id, now))
            con.execute("DELETE FROM signouts WHERE at < ?", (now - keep_days * 86400,))

    def load(self) -> tuple[list[Record], list[Source], dict[str, dict]]:
        """Records, their sources, and each record's provenance (with its ``version``)."""
        con = self._connect()
        try:
            sources = [Source.model_validate_json(row[0]) for row in con.execute("SELECT data FROM sources")]
            digests = dict(con.execute("SELECT id, article_sha256 FROM sources").fetchall())
            records, provenance = [], {}
            for rid, kind, data, sid, who, created, version in con.execute(
                    "SELECT id, kind, data, source_id, entered_by, created, version FROM records ORDER BY created"):
                records.append(RECORD_MODELS[kind].model_validate_json(data))
                provenance[rid] = {"source_id": sid, "entered_by": who, "created": created,
                                   "article_sha256": digests.get(sid), "version": version,
                                   "added_by": who, "changed_by": None, "changed": None}
            # names as the log has them (the owner column holds an id); the last edit wins
            for rid, action, name, at in con.execute(
                    "SELECT record_id, action, actor_name, at FROM audit "
                    "WHERE action IN ('added', 'edited') ORDER BY seq"):
                if rid in provenance:
                    key = ("added_by",) if action == "added" else ("changed_by", "changed")
                    provenance[rid].update(zip(key, (name, at)))
            return records, sources, provenance
        finally:
            con.close()

    def audit(self, record_id: str | None = None, actor_id: str | None = None) -> list[AuditEntry]:
        """The log of changes, oldest first; only one record's, or one person's, if given."""
        where, args = [], []
        if record_id is not None:
            where.append("record_id = ?")
            args.append(record_id)
        if actor_id is not None:
            where.append("actor_id = ?")
            args.append(actor_id)
        query = "SELECT seq, at, actor_id, actor_name, action, record_id, before, after FROM audit"
        query += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
        with closing(self._connect()) as con:
            rows = con.execute(query, args).fetchall()
        return [AuditEntry(seq, at, aid, name, action, rid, None if b is None else json.loads(b),
                           None if a is None else json.loads(a)) for seq, at, aid, name, action, rid, b, a in rows]

    def used_ids(self) -> set[str]:
        con = self._connect()
        try:
            return {r[0] for r in con.execute("SELECT id FROM records UNION SELECT id FROM sources")}
        finally:
            con.close()


def role_in_table(path: Path, user_id: str) -> Role | None:
    """The roles table's entry for ``user_id``."""
    return session_facts(path, user_id, "")[0]


def session_facts(path: Path, user_id: str, session: str) -> tuple[Role | None, bool]:
    """(the role the table gives ``user_id`` or None, whether ``session`` was signed out).

    Read without the store's opening checks: every page run asks for the signed-in
    user, so an admin's change and a sign-out in another tab count at the next run."""
    if not Path(path).exists():
        return None, False
    try:
        with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)) as con:
            row = con.execute("SELECT role FROM roles WHERE user_id = ?", (user_id,)).fetchone()
            gone = con.execute("SELECT 1 FROM signouts WHERE session = ?", (session,)).fetchone() is not None
    except sqlite3.OperationalError:  # a store from before roles: no tables yet
        return None, False
    return (None if row is None else Role.named(row[0])), gone


def new_id(name: str, taken: set[str], prefix: str = "user") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "record"
    candidate, n = f"{prefix}-{slug}", 2
    while candidate in taken:
        candidate, n = f"{prefix}-{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def merge_into(ds: Dataset, store: UserStore) -> None:
    """Add what users saved to a loaded dataset: their records and sources (marked as
    user-added), reviewers' verified marks, and pinned places, which come before the
    curated override file's (a pin answers for its name)."""
    records, sources, provenance = store.load()
    pins = store.pins()
    kept = []
    for name, (row, mark) in pins.items():
        try:
            kept.append(Place.model_validate(row))
        except ValidationError as exc:  # only our own code writes pins: say it, keep the rest
            ds.issues.append(Issue(store.path.name, None, "pins", f"pin of {name!r} is not valid: {exc}"))
    ds.overrides = kept + [p for p in ds.overrides if p.name not in pins]
    ds.pinned = {name: {"by": mark.by_name, "at": mark.at} for name, (_, mark) in pins.items()}
    ds.reviewed = {rid: {"by": m.by_name, "at": m.at, "note": m.note} for rid, m in store.verified().items()}
    for src in sources:
        ds.sources.setdefault(src.id, src)
    for rec in records:
        if rec.id in ds.records:
            continue
        ds.records[rec.id] = rec
        ds.origin[rec.id] = ("user records", 0)
        ds.user[rec.id] = provenance[rec.id]


def draft_record(kind: str, fields: dict, record_id: str, source_id: str) -> Record:
    """A reviewed draft as a validated record; raises pydantic's ValidationError if it is not one."""
    clean = {k: v for k, v in fields.items() if v not in (None, "", [])}
    return RECORD_MODELS[kind].model_validate({**clean, "id": record_id, "source_ids": [source_id]})
