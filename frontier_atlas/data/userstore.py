"""Records users add (from articles), kept apart from the curated files.

In a SQLite file in the user folder, or in a PostgreSQL database a team's app
processes share (``database``: the logic here is written once for both). A save is
one transaction, so it is there whole or not at all. Each record keeps its provenance: the source fields
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
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from frontier_atlas.data.database import Database, StoreUnavailable, Transaction
from frontier_atlas.data.engine import open_database
from frontier_atlas.domain.access import Action, Actor, Role, check
from frontier_atlas.domain.issues import Issue
from frontier_atlas.domain.records import RECORD_MODELS, Dataset, Place, Record, Source

_NOT_EDITED = ("id", "kind", "source_ids")  # fixed at save: an edit may not change them


class DuplicateRecord(ValueError):
    """A save names a record id the store already holds; nothing of the save was kept."""


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


def _log(con: Transaction, by: Actor, action: str, record_id: str,
         before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    con.execute("INSERT INTO audit (at, actor_id, actor_name, action, record_id, before, after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), by.id, by.name, action, record_id,
                 None if before is None else json.dumps(before, sort_keys=True),
                 None if after is None else json.dumps(after, sort_keys=True)))


def _role_row(con: Transaction, user_id: str) -> tuple | None:
    return con.execute("SELECT role FROM roles WHERE user_id = ?", (user_id,)).fetchone()


def editable(record: Record) -> dict[str, Any]:
    """A record's editable fields in stored (JSON) form: what an edit is measured against."""
    return {k: v for k, v in record.model_dump(mode="json").items() if k not in _NOT_EDITED}


class UserStore:
    """What users write, on either engine: ``target`` is a SQLite file's path, a
    PostgreSQL URL, or an engine already open."""

    def __init__(self, target: Path | str | Database):
        self.db: Database = target if hasattr(target, "transaction") else open_database(target)
        self.notice: str | None = self.db.notice

    def save(self, records: list[Record], source: Source, article: str, *, by: Actor) -> list[str]:
        """Store drafts confirmed by the user, with their source, in one transaction; they
        are ``by``'s (``NotAllowed`` below the editor role)."""
        check(by, Action.ADD_RECORD)
        now = time.time()
        who = by.id
        digest = hashlib.sha256(article.encode("utf-8")).hexdigest()
        with self.db.transaction() as con:
            ids = [rec.id for rec in records]
            taken = [row[0] for row in con.execute(
                f"SELECT id FROM records WHERE id IN ({', '.join('?' * len(ids))})", ids)] if ids else []
            if taken or len(set(ids)) < len(ids):
                raise DuplicateRecord(f"record ids already saved: {', '.join(sorted(set(taken)) or ids)}")
            con.execute("INSERT INTO sources VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                        "data = excluded.data, article_sha256 = excluded.article_sha256, created = excluded.created",
                        (source.id, source.model_dump_json(), digest, now))
            for rec in records:
                con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                            (rec.id, rec.kind, rec.model_dump_json(), source.id, who, now, now))
                _log(con, by, "added", rec.id, None, rec.model_dump(mode="json"))
            return ids

    @staticmethod
    def _current(con: Transaction, record_id: str) -> tuple[str, dict[str, Any], int, str] | None:
        """(kind, data, version, owner) of the record now, or None."""
        row = con.execute("SELECT kind, data, version, entered_by FROM records WHERE id = ?",
                          (record_id,)).fetchone()
        return None if row is None else (row[0], json.loads(row[1]), row[2], row[3])

    def version(self, record_id: str) -> int | None:
        """The record's version now; None if there is no such record."""
        with self.db.read() as con:
            row = con.execute("SELECT version FROM records WHERE id = ?", (record_id,)).fetchone()
        return None if row is None else row[0]

    def update(self, record: Record, version: int | None = None, *, by: Actor) -> int:
        """Write ``record`` whole; with ``version``, only if that is still the current one
        (else ``Conflict``). Returns the new version. ``edit`` is what editors use."""
        with self.db.transaction() as con:
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
            return new

    def edit(self, record_id: str, version: int, opened: dict[str, Any], changes: dict[str, Any], *,
             by: Actor) -> int:
        """Apply ``changes`` (field: new value, stored form) to the record as it is now.

        ``version`` and ``opened`` are the record as the editor opened it. If another
        session saved since, its changes are kept: the edit still lands unless it
        changes a field that session also changed to something else (``Conflict``,
        naming those fields). A deleted record is a ``Conflict`` with ``deleted``. Raises
        pydantic's ValidationError if the merged record is not valid. Returns the new version.
        """
        with self.db.transaction() as con:
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
            return current + 1

    def delete(self, record_id: str, version: int | None = None, opened: dict[str, Any] | None = None, *,
               by: Actor) -> None:
        """Delete the record; with ``version``, only if no one changed it since it was
        opened (else ``Conflict``, naming the fields that differ from ``opened``).
        Deleting a record already gone is no error: the user wanted it gone."""
        with self.db.transaction() as con:
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

    def pin(self, name: str, row: dict[str, Any], version: str | None = None, *, by: Actor) -> str:
        """Make ``row`` (a ``Place`` as stored) the answer for place ``name``, replacing an
        earlier pin; with ``version`` (``pin_token`` of the pin the page showed), only if
        that pin is still the one (else ``PinConflict``). Reviewers only. Returns the new version."""
        check(by, Action.PIN_PLACE)
        with self.db.transaction() as con:
            found = con.execute("SELECT data FROM pins WHERE name = ?", (name,)).fetchone()
            now = None if found is None else json.loads(found[0])
            if version is not None and pin_token(now) != version:
                raise PinConflict(name, now, pin_token(now))
            con.execute("INSERT INTO pins VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                        "data = excluded.data, by_id = excluded.by_id, by_name = excluded.by_name, at = excluded.at",
                        (name, json.dumps(row, sort_keys=True), by.id, by.name, time.time()))
            _log(con, by, "pinned", PLACE_PREFIX + name, now, row)
            return pin_token(row)

    def pins(self) -> dict[str, tuple[dict[str, Any], Mark]]:
        """Each pinned place name: its row and who pinned it, oldest pin first."""
        with self.db.read() as con:
            rows = con.execute("SELECT name, data, by_id, by_name, at FROM pins ORDER BY at").fetchall()
        return {name: (json.loads(data), Mark(bid, bname, at)) for name, data, bid, bname, at in rows}

    def mark_verified(self, record_id: str, note: str | None = None, *, by: Actor) -> None:
        """A reviewer says they checked the record against its sources; a later mark replaces it."""
        check(by, Action.VERIFY_RECORD)
        with self.db.transaction() as con:
            old = con.execute("SELECT by_id, by_name, at, note FROM checks WHERE record_id = ?",
                              (record_id,)).fetchone()
            con.execute("INSERT INTO checks VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET "
                        "by_id = excluded.by_id, by_name = excluded.by_name, at = excluded.at, note = excluded.note",
                        (record_id, by.id, by.name, time.time(), note))
            _log(con, by, "verified", record_id,
                 None if old is None else {"verified_by": old[1], "note": old[3]},
                 {"verified_by": by.name, "note": note})

    def verified(self) -> dict[str, Mark]:
        """Each record a reviewer marked verified, with who and when."""
        with self.db.read() as con:
            rows = con.execute("SELECT record_id, by_id, by_name, at, note FROM checks").fetchall()
        return {rid: Mark(bid, bname, at, note) for rid, bid, bname, at, note in rows}

    def set_role(self, user_id: str, role: Role | None, *, by: Actor) -> None:
        """Give ``user_id`` (their e-mail, or the provider's subject) ``role``, over what the
        provider's claim says; None takes the entry away (the claim decides again). Admins only."""
        check(by, Action.MANAGE_ROLES)
        user_id = user_id.strip()
        if not user_id:
            raise ValueError("name the user by their e-mail (or the provider's subject)")
        with self.db.transaction() as con:
            old = _role_row(con, user_id)
            if role is None:
                con.execute("DELETE FROM roles WHERE user_id = ?", (user_id,))
            else:
                con.execute("INSERT INTO roles VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                            "role = excluded.role, by_id = excluded.by_id, at = excluded.at",
                            (user_id, role.value, by.id, time.time()))
            _log(con, by, "role", "user:" + user_id, None if old is None else {"role": old[0]},
                 None if role is None else {"role": role.value})

    def roles(self) -> dict[str, Role]:
        """The roles table: user id to the role an admin gave them."""
        with self.db.read() as con:
            rows = con.execute("SELECT user_id, role FROM roles ORDER BY user_id").fetchall()
        return {uid: role for uid, name in rows if (role := Role.named(name)) is not None}

    def role_of(self, user_id: str) -> Role | None:
        """The role the table gives ``user_id``, or None (then the provider's claim decides)."""
        with self.db.read() as con:
            row = _role_row(con, user_id)
        return None if row is None else Role.named(row[0])

    def sign_out(self, session: str, user_id: str, keep_days: float = 31) -> None:
        """End one sign-in (``access.session_id``) in every tab and process that holds it.
        Anyone may end their own; entries older than a sign-in cookie lives are dropped."""
        now = time.time()
        with self.db.transaction() as con:
            con.execute("INSERT INTO signouts VALUES (?, ?, ?) ON CONFLICT (session) DO UPDATE SET "
                        "user_id = excluded.user_id, at = excluded.at", (session, user_id, now))
            con.execute("DELETE FROM signouts WHERE at < ?", (now - keep_days * 86400,))

    def load(self) -> tuple[list[Record], list[Source], dict[str, dict]]:
        """Records, their sources, and each record's provenance (with its ``version``)."""
        with self.db.read() as con:
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
        with self.db.read() as con:
            rows = con.execute(query, args).fetchall()
        return [AuditEntry(seq, at, aid, name, action, rid, None if b is None else json.loads(b),
                           None if a is None else json.loads(a)) for seq, at, aid, name, action, rid, b, a in rows]

    def used_ids(self) -> set[str]:
        with self.db.read() as con:
            return {r[0] for r in con.execute("SELECT id FROM records UNION SELECT id FROM sources")}


def role_in_table(target: Path | str, user_id: str) -> Role | None:
    """The roles table's entry for ``user_id``."""
    return session_facts(target, user_id, "")[0]


def session_facts(target: Path | str, user_id: str, session: str) -> tuple[Role | None, bool]:
    """(the role the table gives ``user_id`` or None, whether ``session`` was signed out).

    Read without the store's opening checks: every page run asks for the signed-in
    user, so an admin's change and a sign-out in another tab count at the next run.
    A store that cannot be read gives neither; its writes fail anyway."""
    try:
        with open_database(target, checked=False).read() as con:
            row = _role_row(con, user_id)
            gone = con.execute("SELECT 1 FROM signouts WHERE session = ?", (session,)).fetchone() is not None
    except StoreUnavailable:  # no store yet, or one from before roles
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
            ds.issues.append(Issue(store.db.label, None, "pins", f"pin of {name!r} is not valid: {exc}"))
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
