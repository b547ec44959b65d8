"""Who is acting in this session: the one rule every page and every write uses.

Single-user mode (the default) has one local actor, the machine's user, who may do
everything; every page says so in the sidebar. The writes themselves check the actor
(``domain.access.check``), so a page passes ``acting_user()`` to each one.
"""

from __future__ import annotations

import streamlit as st

from frontier_atlas.domain.access import SINGLE_USER, Actor, local_actor

SINGLE_USER_NOTICE = "Single-user mode: anyone who can open this page can change your records."


def acting_user() -> Actor:
    return local_actor()


def show_mode(actor: Actor) -> None:
    """The sidebar's line on who is acting and what that allows."""
    if actor.mode == SINGLE_USER:
        st.sidebar.caption(SINGLE_USER_NOTICE)
