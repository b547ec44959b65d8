"""Who is acting in this session: the one rule every page and every write uses.

Single-user mode (the default) has one local actor, the machine's user, who may do
everything; every page says so in the sidebar. Team mode (``FRONTIER_ATLAS_MODE=team``)
signs in through Streamlit's ``st.login`` (OpenID Connect, configured in the ``[auth]``
table of ``.streamlit/secrets.toml``); the user's role comes from the provider's roles
claim, unless an admin gave them one on the Admin page (the roles table). The writes
themselves check the actor (``domain.access.check``), so a page passes ``acting_user()``
to each one; what the sidebar shows is for the user, not the check.
"""

from __future__ import annotations

import logging
import time

import streamlit as st

from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.data.userstore import UserStore, session_facts
from frontier_atlas.domain.access import (
    SIGN_IN_FIRST,
    SINGLE_USER,
    Actor,
    actor_from_claims,
    anonymous_actor,
    auth_problem,
    local_actor,
    refused_actor,
    session_id,
    session_problem,
    with_role,
)
from frontier_atlas.present.escaping import md_text
from frontier_atlas.settings import settings

SINGLE_USER_NOTICE = "Single-user mode: anyone who can open this page can change your records."


def _auth_config() -> object:
    try:
        return st.secrets.get("auth")
    except (FileNotFoundError, KeyError):  # no secrets file at all
        return None


def acting_user() -> Actor:
    s = settings()
    if not s.team:
        return local_actor()
    problem = s.mode_problem or auth_problem(_auth_config())
    if problem:
        return refused_actor(problem)
    if not st.user.is_logged_in:
        return anonymous_actor()
    claims = st.user.to_dict()
    expired = session_problem(claims, time.time(), s.session_hours)
    if expired:
        return anonymous_actor(expired)
    actor = actor_from_claims(claims, s.roles_claim)
    given, signed_out = session_facts(s.user_store, actor.id, session_id(claims))
    if signed_out:  # in another tab: this one's cookie is the same sign-in
        return anonymous_actor("you signed out of this sign-in; sign in again")
    return with_role(actor, given, s.admin_ids)


def _sign_out() -> None:
    if st.user.is_logged_in:
        claims = st.user.to_dict()
        try:
            UserStore(settings().user_store).sign_out(session_id(claims), actor_from_claims(claims).id)
        except StoreUnavailable as exc:  # this tab is signed out all the same; others keep theirs
            logging.getLogger(__name__).warning("sign-out not recorded: %s", exc)
    st.logout()


def show_mode(actor: Actor) -> None:
    """The sidebar's lines on who is acting and what that allows, with sign-in and sign-out."""
    if actor.mode == SINGLE_USER:
        st.sidebar.caption(SINGLE_USER_NOTICE)
        return
    if actor.id:
        st.sidebar.markdown(f"Signed in as **{md_text(actor.name)}** ({actor.role.value})")
        st.sidebar.button("Sign out", key="sign-out", on_click=_sign_out)
    elif actor.name == anonymous_actor().name:
        st.sidebar.caption("Team mode: sign in to add or change records." if actor.refused == SIGN_IN_FIRST
                           else md_text(f"Team mode: {actor.refused}."))
        st.sidebar.button("Sign in", key="sign-in", on_click=st.login, type="primary")
    else:
        st.sidebar.error(md_text(f"Nothing can be changed on this server: {actor.refused}."))
