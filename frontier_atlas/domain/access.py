"""Who is acting, and what their role lets them write (issue 16).

Every write function takes the acting ``Actor`` and calls ``check`` before it touches
anything: the check sits at the write, on the server, so a hidden button or a crafted
widget message cannot get round it. Pages call ``allowed`` only to decide what to show.

Two modes. Single-user (the default, a laptop app): one local actor who may do everything.
Team mode: the actor comes from the sign-in, with a role; a team server whose sign-in is
not working gives an actor who may write nothing, with the reason (``refused``), never
"everyone may write".
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass, replace
from enum import Enum

SINGLE_USER, TEAM = "single-user", "team"


class Role(str, Enum):
    """Each role may do what the ones before it may, and more."""

    VIEWER = "viewer"  # read, filter, export
    EDITOR = "editor"  # add records, edit and delete their own, import event sets
    REVIEWER = "reviewer"  # edit and delete anyone's records, pin places, mark records verified
    ADMIN = "admin"  # roles and settings

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    @classmethod
    def named(cls, name: object) -> Role | None:
        """The role a claim or the roles table names (case-blind), or None."""
        try:
            return cls(str(name).strip().lower())
        except ValueError:
            return None


class Action(str, Enum):
    ADD_RECORD = "add a record"
    EDIT_RECORD = "edit a record"
    DELETE_RECORD = "delete a record"
    IMPORT_SET = "import an event set"
    CHANGE_SET = "rename or delete an event set"
    PIN_PLACE = "pin a place"
    VERIFY_RECORD = "mark a record verified"
    READ_AUDIT = "read the audit trail"
    MANAGE_ROLES = "change roles and settings"


# the least role for each action; for an action on something owned, the least role when
# the actor is not its owner (an editor acts on their own)
_NEEDS: dict[Action, Role] = {
    Action.ADD_RECORD: Role.EDITOR,
    Action.EDIT_RECORD: Role.EDITOR,
    Action.DELETE_RECORD: Role.EDITOR,
    Action.IMPORT_SET: Role.EDITOR,
    Action.CHANGE_SET: Role.EDITOR,
    Action.PIN_PLACE: Role.REVIEWER,
    Action.VERIFY_RECORD: Role.REVIEWER,
    Action.READ_AUDIT: Role.REVIEWER,
    Action.MANAGE_ROLES: Role.ADMIN,
}
_NEEDS_FOR_OTHERS: dict[Action, Role] = {
    Action.EDIT_RECORD: Role.REVIEWER,
    Action.DELETE_RECORD: Role.REVIEWER,
    Action.CHANGE_SET: Role.REVIEWER,
}


@dataclass(frozen=True)
class Actor:
    """The person acting: ``id`` is what records are owned by (the provider's e-mail or
    subject in team mode), ``name`` what pages show."""

    id: str
    name: str
    role: Role
    mode: str = SINGLE_USER
    email: str | None = None
    refused: str | None = None  # set: this actor may write nothing, and this says why


class NotAllowed(PermissionError):
    """A write the acting user's role does not allow; the message is for them."""

    def __init__(self, actor: Actor, action: Action, why: str) -> None:
        self.actor, self.action = actor, action
        super().__init__(f"{actor.name} may not {action.value}: {why}")


def local_actor() -> Actor:
    """Single-user mode's one actor: the login name of the machine's user, who may do everything."""
    name = getpass.getuser()
    return Actor(id=name, name=name, role=Role.ADMIN, mode=SINGLE_USER)


def refused_actor(why: str) -> Actor:
    """A team server whose sign-in is not working: nobody writes until it is fixed."""
    return Actor(id="", name="Nobody signed in", role=Role.VIEWER, mode=TEAM, refused=why)


def why_not(actor: Actor, action: Action, owner: str | None = None) -> str | None:
    """Why ``actor`` may not do ``action`` (on something ``owner`` owns), or None if they may."""
    if actor.refused:
        return actor.refused
    need = _NEEDS[action]
    if owner is not None and owner != actor.id and action in _NEEDS_FOR_OTHERS:
        need = _NEEDS_FOR_OTHERS[action]
        if actor.role.rank < need.rank:
            return f"it belongs to {owner}; that takes the {need.value} role, and theirs is {actor.role.value}"
    if actor.role.rank < need.rank:
        return f"that takes the {need.value} role, and theirs is {actor.role.value}"
    return None


def allowed(actor: Actor, action: Action, owner: str | None = None) -> bool:
    """For what a page shows; the write itself calls ``check``."""
    return why_not(actor, action, owner) is None


def check(actor: Actor, action: Action, owner: str | None = None) -> None:
    """Raise ``NotAllowed`` unless ``actor`` may do ``action``: the first thing a write does."""
    why = why_not(actor, action, owner)
    if why is not None:
        raise NotAllowed(actor, action, why)


AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def auth_problem(auth: object) -> str | None:
    """Why team mode's sign-in configuration (the ``[auth]`` table of Streamlit's secrets) cannot
    work, or None. A team server with a problem here refuses every write and shows this."""
    if not hasattr(auth, "get"):
        return "team mode needs an [auth] table in .streamlit/secrets.toml (README, Team mode)"
    missing = [k for k in AUTH_KEYS if not str(auth.get(k) or "").strip()]
    if missing:
        return "the [auth] table in .streamlit/secrets.toml lacks " + ", ".join(missing)
    return None


def role_of(claim: object) -> Role:
    """The highest role a roles claim names (a list, or one string of names separated by commas
    or spaces); a viewer if it names none we know."""
    names = claim if isinstance(claim, (list, tuple)) else str(claim or "").replace(",", " ").split()
    known = [r for r in (Role.named(n) for n in names) if r is not None]
    return max(known, key=lambda r: r.rank, default=Role.VIEWER)


def actor_from_claims(claims: dict, roles_claim: str = "roles", role: Role | None = None) -> Actor:
    """The signed-in user: their e-mail (else the provider's subject) owns what they write, their
    name is shown; ``role``, when the roles table holds one for them, wins over the claim."""
    email = str(claims.get("email") or "").strip() or None
    ident = email or str(claims.get("sub") or "").strip()
    name = str(claims.get("name") or "").strip() or ident
    if not ident:
        return refused_actor("the provider named no e-mail or subject for this user")
    return Actor(id=ident, name=name, role=role or role_of(claims.get(roles_claim)), mode=TEAM, email=email)


def with_role(actor: Actor, table: Role | None, admins: frozenset[str] = frozenset()) -> Actor:
    """The one rule for a signed-in user's role: named in ``FRONTIER_ATLAS_ADMINS``, an admin
    (so a team always has one, even with a provider that sends no roles); else the roles
    table's entry, if an admin made one; else what the provider's claim said."""
    if actor.id in admins:
        return replace(actor, role=Role.ADMIN)
    return replace(actor, role=table) if table is not None else actor


SIGN_IN_FIRST = "sign in to change anything"


def anonymous_actor(why: str = SIGN_IN_FIRST) -> Actor:
    """Team mode before sign-in, or after a sign-in that no longer counts (``why``): may read,
    may write nothing until they sign in (again)."""
    return Actor(id="", name="Not signed in", role=Role.VIEWER, mode=TEAM, refused=why)


def session_id(claims: dict) -> str:
    """One sign-in's fingerprint: each sign-in's ID token differs (its issue time, nonce,
    expiry), so signing out can end that sign-in everywhere it is open, and no later one."""
    body = json.dumps({k: v for k, v in claims.items() if k != "is_logged_in"}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:32]


def session_problem(claims: dict, now: float, max_hours: float) -> str | None:
    """Why a sign-in no longer counts (older than ``max_hours`` by its ID token's issue
    time, or with none), or None. Streamlit keeps its sign-in cookie for 30 days; a team
    server wants a shorter day."""
    try:
        issued = float(claims["iat"])
    except (KeyError, TypeError, ValueError):
        return "the sign-in carries no issue time (iat); sign in again"
    if now - issued > max_hours * 3600:
        return f"your sign-in is older than {max_hours:g} hours; sign in again"
    return None
