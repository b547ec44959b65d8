"""The details column's three panels: a record, an imported event, a counted grid cell.

What they say is decided in ``present`` and ``events.breakdown``; here it is written
to the page, every value escaped, and their buttons change the one selection.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.app.identity import acting_user
from frontier_atlas.app.loading import Atlas, import_store, reload_atlas, user_store
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.domain.access import Action, NotAllowed, allowed
from frontier_atlas.domain.link import to_query
from frontier_atlas.events import EventSet
from frontier_atlas.events.breakdown import Breakdown
from frontier_atlas.present.details import event_fields, record_details
from frontier_atlas.present.escaping import md_link, md_text


def select_record(rid: str | None) -> None:
    keys.selection_of(st.session_state).select_record(rid)


def clear_selection() -> None:
    keys.selection_of(st.session_state).clear()


def details_panel(atlas: Atlas, rid: str) -> None:
    """The selected record; linked records open in turn."""
    d = record_details(rid, atlas.ds, atlas.located)
    with st.container(border=True, key="details"):
        st.markdown(f"#### {md_text(d.title)}")
        st.caption(md_text(d.kind))
        for label, text in d.fields:
            st.markdown(f"**{md_text(label)}:** {md_text(text)}")
        st.markdown("**Sources**")
        view = keys.VIEW.get(st.session_state)
        for src in d.sources:
            title = md_link(md_text(src["title"]), src["url"])
            st.markdown(f"- {md_text(src['publisher'])}, “{title}”, {md_text(src['published'])} "
                        f"({md_text(src['type'])})")
            st.page_link("pages/sources.py", label="every record citing it", icon=":material/menu_book:",
                         query_params={**(to_query(view) if view else {}), "source": src["id"]})
        if d.linked:
            st.markdown("**Linked records**")
            for role, target, name in d.linked:
                st.button(md_text(f"{role}: {name}"), key=f"link-{rid}-{role}-{target}",
                          on_click=select_record, args=(target,))
        if allowed(acting_user(), Action.VERIFY_RECORD):
            verify_control(rid)
        st.button("Close", key=f"close-{rid}", on_click=select_record, args=(None,))


def _mark_verified(rid: str) -> None:
    try:
        user_store().mark_verified(rid, keys.VERIFY_NOTE.get(st.session_state) or None, by=acting_user())
    except (NotAllowed, StoreUnavailable) as exc:
        keys.VERIFY_REFUSED.set(st.session_state, str(exc))
    else:
        reload_atlas()


def verify_control(rid: str) -> None:
    """A reviewer says they checked the record against its sources (kept in the user store)."""
    refused = keys.VERIFY_REFUSED.get(st.session_state)
    if refused:
        st.error(md_text(refused))
        keys.VERIFY_REFUSED.set(st.session_state, "")
    with st.popover("Mark verified", icon=":material/verified:"):
        st.text_input("Note (what you checked)", key=keys.VERIFY_NOTE.name)
        st.button("Mark verified", key=f"verify-{rid}", on_click=_mark_verified, args=(rid,), type="primary")


def event_panel(es: EventSet, row: int) -> None:
    """One imported event; its notes and source are read from disk."""
    try:
        full = import_store().events(es.id, [row]).iloc[0]
    except FileNotFoundError:  # another session deleted the set meanwhile
        st.info(md_text(f"The imported set “{es.name}” was removed; this event is gone with it."))
        return
    with st.container(border=True, key="event-details"):
        title, caption, fields = event_fields(es, row, full)
        st.markdown(f"#### {md_text(title)}")
        st.caption(md_text(caption))
        for label, text in fields:
            st.markdown(f"**{label}:** {md_text(text)}")
        st.button("Close", key=f"close-event-{es.id}-{row}", on_click=clear_selection)


def cell_panel(b: Breakdown, zoom_in: Callable[[tuple[float, float], int], None]) -> None:
    """The breakdown of a clicked grid bubble, with a button that zooms in to its events."""
    with st.container(border=True, key="cell-details"):
        if not b.count:
            st.info("No events of the current filters in this cell any more.")
            st.button("Close", key="close-cell", on_click=clear_selection)
            return
        st.markdown(f"#### {b.count:,} imported events here")
        st.caption(md_text(f"{b.first} to {b.last} · {b.fatalities:,} fatalities reported"))
        st.button(f"Zoom in to these {b.count:,} events", key="zoom-cell", icon=":material/zoom_in:",
                  on_click=zoom_in, args=(b.centre, b.zoom), type="primary")
        for title, table in (("By type", b.by_type), ("By country", b.by_country), ("By year", b.by_year),
                             ("Top locations", b.top_locations), ("Top actors", b.top_actors)):
            st.markdown(f"**{title}**")
            st.dataframe(table, hide_index=True, width="stretch")
        st.button("Close", key="close-cell", on_click=clear_selection)
