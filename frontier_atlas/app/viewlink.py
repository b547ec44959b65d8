"""The shared view between the session, the pages and the address bar.

A link opens a view (``domain.link.from_query``); after that the session holds it,
every page reads it, and the page that changes it writes it back to the address
bar, so the link in it always reopens what the user sees.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.app.loading import Atlas
from frontier_atlas.domain.filters import data_span
from frontier_atlas.domain.link import ViewState, from_query, to_query
from frontier_atlas.present.escaping import md_text


def _link_view(atlas: Atlas, span, extra_countries: list[str] = ()) -> ViewState:
    countries = {c for cs in atlas.frame["countries"] for c in cs} | set(extra_countries)
    return from_query(dict(st.query_params), set(atlas.ds.records), countries, span)


def restore_view(atlas: Atlas, span: tuple[date, date] | None, extra_countries: list[str] = ()) -> ViewState:
    """The shared view for the map page: from the link on a session's first page, else
    the one kept in the session. Widget keys that Streamlit dropped while another page
    ran are filled from it. What a link got wrong stays listed until dismissed."""
    state = st.session_state
    kept = keys.VIEW.get(state)
    if kept is not None:
        view = replace(kept, notices=())
    else:
        view = _link_view(atlas, span, extra_countries)  # imported sets' countries are valid too
        keys.LINK_NOTICES.set(state, list(view.notices))
        if view.center is not None:
            keys.map_sync_of(state).link_view = (None, (view.center, view.zoom))
    wanted = [(keys.KINDS, list(view.kinds)), (keys.COUNTRIES, list(view.countries)), (keys.QUERY, view.query),
              (keys.TIMELINE_ON, view.timeline), (keys.STEP, view.step), (keys.MODE, view.mode),
              (keys.DAYS, view.days)]
    if span:
        wanted.append((keys.DATES, (view.date_from or span[0], view.date_to or span[1])))
    for key, value in wanted:
        key.setdefault(state, value)
    if not keys.has_selection(state):
        keys.selection_of(state).select_record(view.selected)
    if view.timeline and view.moment and not keys.MOMENT_INDEX.is_set(state):
        keys.player_of(state).link_moment = view.moment
    return view


def publish_view(view: ViewState) -> None:
    """Keep the view for the other pages and put it in the address bar."""
    keys.VIEW.set(st.session_state, view)
    params = to_query(view)
    if st.query_params.to_dict() != params:  # each write is a history entry in the browser
        st.query_params.from_dict(params)


def shared_view(atlas: Atlas) -> ViewState:
    """For pages other than the map: the shared view, kept in the URL here too
    (Streamlit clears the query parameters when the page changes)."""
    state = st.session_state
    view = keys.VIEW.get(state)
    if view is None:
        view = _link_view(atlas, data_span(atlas.frame))
        for notice in view.notices:
            st.info(md_text(notice))
        view = replace(view, notices=())
    publish_view(view)
    return view


def change_view(view: ViewState, *, dates_changed: bool = False) -> None:
    """A page other than the map changed the view: publish it; if its dates changed, the
    map's date slider is dropped so that it takes the new range."""
    if dates_changed:
        keys.DATES.pop(st.session_state)
    publish_view(view)
