"""Roles and the checks at the write (issue 16): what each role may write, refused writes change
nothing, and every change is in the audit log with who made it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.stores import target_digest

from frontier_atlas.data.userstore import Conflict, UserStore, draft_record, editable
from frontier_atlas.domain.access import (
    Action,
    Actor,
    NotAllowed,
    Role,
    allowed,
    check,
    local_actor,
    refused_actor,
)
from frontier_atlas.domain.records import Source

VIEWER = Actor("vera@desk.example", "Vera Viewer", Role.VIEWER, mode="team")
EDITOR = Actor("eddie@desk.example", "Eddie Editor", Role.EDITOR, mode="team")
OTHER_EDITOR = Actor("esme@desk.example", "Esme Editor", Role.EDITOR, mode="team")
REVIEWER = Actor("rita@desk.example", "Rita Reviewer", Role.REVIEWER, mode="team")
ADMIN = Actor("adam@desk.example", "Adam Admin", Role.ADMIN, mode="team")

# action -> (least role for one's own, least role for someone else's)
EXPECTED = {
    Action.ADD_RECORD: (Role.EDITOR, Role.EDITOR),
    Action.EDIT_RECORD: (Role.EDITOR, Role.REVIEWER),
    Action.DELETE_RECORD: (Role.EDITOR, Role.REVIEWER),
    Action.IMPORT_SET: (Role.EDITOR, Role.EDITOR),
    Action.CHANGE_SET: (Role.EDITOR, Role.REVIEWER),
    Action.PIN_PLACE: (Role.REVIEWER, Role.REVIEWER),
    Action.VERIFY_RECORD: (Role.REVIEWER, Role.REVIEWER),
    Action.READ_AUDIT: (Role.REVIEWER, Role.REVIEWER),
    Action.MANAGE_ROLES: (Role.ADMIN, Role.ADMIN),
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_what_its_rank_allows_on_its_own_and_on_others(action, role):
    actor = Actor("me", "Me", role, mode="team")
    own, others = EXPECTED[action]
    assert allowed(actor, action, owner="me") is (role.rank >= own.rank)
    assert allowed(actor, action, owner="someone else") is (role.rank >= others.rank)
    if role.rank < others.rank:
        with pytest.raises(NotAllowed) as caught:
            check(actor, action, owner="someone else")
        assert action.value in str(caught.value) and role.value in str(caught.value)


def test_a_team_server_whose_sign_in_is_broken_refuses_every_write_and_says_why():
    nobody = refused_actor("sign-in is not configured: [auth] has no client_id")
    for action in Action:
        assert not allowed(nobody, action)
    with pytest.raises(NotAllowed, match="client_id"):
        check(nobody, Action.ADD_RECORD)


def test_single_user_mode_is_one_actor_who_may_do_everything():
    me = local_actor()
    assert me.mode == "single-user" and all(allowed(me, a, owner="anyone") for a in Action)


def test_role_names_from_a_claim_are_read_case_blind_and_unknown_ones_are_none():
    assert Role.named(" Reviewer ") is Role.REVIEWER and Role.named("superuser") is None


def _source() -> Source:
    return Source(id="user-source-desk", publisher="Desk Wire", title="Border talks resume",
                  published=date(2025, 5, 18), type="news report")


def _talks(rid: str = "user-border-talks"):
    return draft_record("event", {"name": "Border talks", "event_type": "meeting"}, rid, "user-source-desk")


def test_refused_writes_leave_the_store_byte_identical(store_target):
    path = store_target
    store = UserStore(path)
    store.save([_talks()], _source(), "the article", by=EDITOR)
    opened, version = editable(_talks()), store.version("user-border-talks")
    before = target_digest(path)
    attempts = [
        lambda: store.save([_talks("user-more-talks")], _source(), "another", by=VIEWER),
        lambda: store.edit("user-border-talks", version, opened, {"name": "Talks off"}, by=VIEWER),
        lambda: store.edit("user-border-talks", version, opened, {"name": "Talks off"}, by=OTHER_EDITOR),
        lambda: store.delete("user-border-talks", version, opened, by=OTHER_EDITOR),
        lambda: store.delete("user-border-talks", by=VIEWER),
        lambda: store.update(_talks().model_copy(update={"name": "Talks off"}), by=OTHER_EDITOR),
        lambda: store.save([_talks("user-x")], _source(), "x", by=refused_actor("no provider")),
    ]
    refused = 0
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()
        refused += 1
    assert refused == len(attempts)
    assert target_digest(path) == before
    assert [e.action for e in store.audit()] == ["added"]


def test_an_editor_changes_their_own_a_reviewer_anyones_and_the_log_says_who(store_target, tmp_path):
    store = UserStore(store_target)
    store.save([_talks()], _source(), "the article", by=EDITOR)
    opened = editable(_talks())
    v2 = store.edit("user-border-talks", 1, opened, {"description": "talks resumed at Astara"}, by=EDITOR)
    v3 = store.edit("user-border-talks", v2, {**opened, "description": "talks resumed at Astara"},
                    {"name": "Border talks at Astara"}, by=REVIEWER)
    with pytest.raises(Conflict):  # a stale delete is still a conflict, for anyone allowed to delete
        store.delete("user-border-talks", v2, opened, by=REVIEWER)
    store.delete("user-border-talks", v3, by=REVIEWER)
    log = store.audit(record_id="user-border-talks")
    assert [(e.action, e.actor_id, e.actor_name) for e in log] == [
        ("added", EDITOR.id, "Eddie Editor"), ("edited", EDITOR.id, "Eddie Editor"),
        ("edited", REVIEWER.id, "Rita Reviewer"), ("deleted", REVIEWER.id, "Rita Reviewer")]
    assert log[0].before is None and log[0].after["name"] == "Border talks"
    assert log[1].before.get("description") is None and log[1].after["description"] == "talks resumed at Astara"
    assert log[2].before["name"] == "Border talks" and log[2].after["name"] == "Border talks at Astara"
    assert log[3].before["name"] == "Border talks at Astara" and log[3].after is None
    assert [e.action for e in store.audit(actor_id=EDITOR.id)] == ["added", "edited"]
    assert store.load()[2] == {}


def test_records_belong_to_who_saved_them(store_target, tmp_path):
    store = UserStore(store_target)
    store.save([_talks()], _source(), "the article", by=EDITOR)
    assert store.load()[2]["user-border-talks"]["entered_by"] == EDITOR.id


def test_a_signed_in_user_is_their_email_their_name_and_the_highest_role_their_claim_names():
    from frontier_atlas.domain.access import actor_from_claims

    eddie = actor_from_claims({"sub": "u-17", "email": "eddie@desk.example", "name": "Eddie Editor",
                               "roles": ["viewer", "Editor", "pilot"]})
    assert (eddie.id, eddie.name, eddie.role, eddie.mode) == ("eddie@desk.example", "Eddie Editor", Role.EDITOR, "team")
    assert actor_from_claims({"sub": "u-18", "groups": "reviewer, admin"}, roles_claim="groups").role is Role.ADMIN
    nobody = actor_from_claims({"sub": "u-19", "email": "new@desk.example"})
    assert nobody.role is Role.VIEWER and nobody.name == "new@desk.example"  # no role: a viewer
    assert not allowed(actor_from_claims({"name": "no id"}), Action.ADD_RECORD)


def test_team_mode_sign_in_configuration_is_checked_and_any_unknown_mode_is_team_mode():
    from frontier_atlas.domain.access import AUTH_KEYS, auth_problem
    from frontier_atlas.settings import Settings

    full = {k: "x" for k in AUTH_KEYS}
    assert auth_problem(full) is None
    assert "client_secret" in auth_problem({**full, "client_secret": ""})
    assert "[auth]" in auth_problem(None)
    modes = {m: Settings(mode=m) for m in ("single-user", "", "team", "teams")}
    assert [modes[m].team for m in modes] == [False, False, True, True]
    assert modes["teams"].mode_problem and modes["team"].mode_problem is None


def test_only_a_reviewer_pins_a_place_and_a_refused_pin_leaves_the_store_as_it_was(store_target, tmp_path):
    from frontier_atlas.domain.position import Position
    from frontier_atlas.places.review import pin_place, pinned_row

    store = UserStore(store_target)
    julfa = Position(1.0, 2.0, "town", "test", "Julfa", "AZ", "a position made up for this test")
    pin_place(store, "Julfa", julfa, by=REVIEWER)
    before = target_digest(store_target)
    for actor in (VIEWER, EDITOR, refused_actor("no provider")):
        with pytest.raises(NotAllowed, match="pin a place"):
            pin_place(store, "Julfa", julfa, by=actor)
    assert target_digest(store_target) == before and pinned_row(store, "Julfa")["country"] == "AZ"
    assert [(e.action, e.actor_id) for e in store.audit()] == [("pinned", REVIEWER.id)]


def test_an_editor_imports_and_changes_their_own_set_a_viewer_imports_nothing(store_target, tmp_path):
    from frontier_atlas.events import ImportStore, PostgisImportStore, guess_mapping, import_events, read_header

    data = b"event_date,latitude,longitude,event_type,location\n2024-05-18,1.0,2.0,Drill,Testville\n"
    mapping = guess_mapping(read_header(data, "few.csv"))
    store = ImportStore(tmp_path / "imports") if isinstance(store_target, Path) else PostgisImportStore(store_target)
    with pytest.raises(NotAllowed, match="import an event set"):
        import_events(data, "few.csv", mapping, store, by=VIEWER)
    assert store.sets() == [] and not (tmp_path / "imports").exists()  # refused before anything was written
    info, _ = import_events(data, "few.csv", mapping, store, "mine", by=EDITOR)
    assert info.owner == EDITOR.id
    with pytest.raises(NotAllowed, match="belongs to eddie"):
        store.rename(info.id, "theirs now", info.version, by=OTHER_EDITOR)
    with pytest.raises(NotAllowed):
        store.delete(info.id, info.version, by=OTHER_EDITOR)
    renamed = store.rename(info.id, "checked", info.version, by=REVIEWER)
    store.delete(info.id, renamed.version, by=EDITOR)
    assert store.sets() == []
    with pytest.raises(FileNotFoundError):  # its events went with it
        store.events(info.id, [0])


def test_only_a_reviewer_marks_a_record_verified_and_the_mark_says_who(store_target, tmp_path):
    store = UserStore(store_target)
    store.save([_talks()], _source(), "A text of our own about border talks.", by=EDITOR)
    before = target_digest(store_target)
    for actor in (VIEWER, EDITOR, refused_actor("no provider")):
        with pytest.raises(NotAllowed, match="mark a record verified"):
            store.mark_verified("user-border-talks", "checked", by=actor)
    assert target_digest(store_target) == before and store.verified() == {}
    store.mark_verified("user-border-talks", "matches the ministry's statement", by=REVIEWER)
    mark = store.verified()["user-border-talks"]
    assert (mark.by_id, mark.by_name, mark.note) == (REVIEWER.id, REVIEWER.name, "matches the ministry's statement")
    assert [(e.action, e.actor_id) for e in store.audit(record_id="user-border-talks")] == [
        ("added", EDITOR.id), ("verified", REVIEWER.id)]


def test_only_an_admin_gives_roles_and_the_table_wins_over_the_claim(store_target, tmp_path):
    from frontier_atlas.data.userstore import role_in_table
    from frontier_atlas.domain.access import actor_from_claims

    store = UserStore(store_target)
    assert role_in_table(store_target, VIEWER.id) is None and role_in_table(tmp_path / "none.sqlite3", "x") is None
    before = target_digest(store_target)
    for actor in (VIEWER, EDITOR, REVIEWER, refused_actor("no provider")):
        with pytest.raises(NotAllowed, match="change roles"):
            store.set_role(VIEWER.id, Role.ADMIN, by=actor)
    assert target_digest(store_target) == before and store.roles() == {}
    store.set_role(VIEWER.id, Role.EDITOR, by=ADMIN)
    assert store.roles() == {VIEWER.id: Role.EDITOR} and role_in_table(store_target, VIEWER.id) is Role.EDITOR
    claims = {"email": VIEWER.id, "name": VIEWER.name, "roles": ["viewer"]}
    assert actor_from_claims(claims, role=store.role_of(VIEWER.id)).role is Role.EDITOR
    store.set_role(VIEWER.id, None, by=ADMIN)  # the claim decides again
    assert store.roles() == {} and actor_from_claims(claims, role=store.role_of(VIEWER.id)).role is Role.VIEWER
    with pytest.raises(ValueError):
        store.set_role("  ", Role.EDITOR, by=ADMIN)
    assert [(e.action, e.record_id, e.before, e.after) for e in store.audit(actor_id=ADMIN.id)] == [
        ("role", f"user:{VIEWER.id}", None, {"role": "editor"}),
        ("role", f"user:{VIEWER.id}", {"role": "editor"}, None)]


def test_a_sign_in_counts_for_the_session_hours_and_a_signed_out_one_not_at_all(store_target, tmp_path):
    from frontier_atlas.data.userstore import session_facts
    from frontier_atlas.domain.access import session_id, session_problem
    from frontier_atlas.settings import Settings

    now = 1_800_000_000.0
    claims = {"sub": "vera", "email": "vera@desk.example", "iat": now - 3600, "nonce": "n1", "is_logged_in": True}
    assert session_problem(claims, now, 12) is None
    assert "older than 12 hours" in session_problem({**claims, "iat": now - 13 * 3600}, now, 12)
    assert "no issue time" in session_problem({k: v for k, v in claims.items() if k != "iat"}, now, 12)
    assert session_id(claims) != session_id({**claims, "nonce": "n2"})  # each sign-in is its own
    assert Settings.from_environment({}).session_hours == 12
    for bad in ("0", "-1", "inf", "nan", "a day"):
        assert Settings.from_environment({"FRONTIER_ATLAS_SESSION_HOURS": bad}).session_hours == 12
    store = UserStore(store_target)
    assert session_facts(store_target, "vera@desk.example", session_id(claims)) == (None, False)
    store.sign_out(session_id(claims), "vera@desk.example")
    assert session_facts(store_target, "vera@desk.example", session_id(claims)) == (None, True)
    assert session_facts(store_target, "vera@desk.example", session_id({**claims, "nonce": "n2"})) == (None, False)


def test_an_admin_named_in_the_settings_outranks_the_table_which_outranks_the_claim():
    from frontier_atlas.domain.access import actor_from_claims, with_role
    from frontier_atlas.settings import Settings

    admins = Settings.from_environment({"FRONTIER_ATLAS_ADMINS": " adam@desk.example, ,root-subject "}).admin_ids
    assert admins == {"adam@desk.example", "root-subject"}
    adam = actor_from_claims({"email": "adam@desk.example", "roles": []})
    vera = actor_from_claims({"email": "vera@desk.example", "roles": ["editor"]})
    assert with_role(adam, Role.VIEWER, admins).role is Role.ADMIN  # the table cannot lock the first admin out
    assert with_role(vera, Role.VIEWER, admins).role is Role.VIEWER
    assert with_role(vera, None, admins).role is Role.EDITOR
    assert Settings.from_environment({}).admin_ids == frozenset()
