"""Streamlit glue shared by the pages: cached loading and the details panel.

Everything that decides *what* to show lives in plain modules (loader, filters,
details, mapview); this module only caches them and writes them to the page.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import streamlit as st

from frontier_atlas.assets import missing_assets, use_local_assets
from frontier_atlas.config import settings
from frontier_atlas.details import record_details
from frontier_atlas.escaping import md_link, md_text
from frontier_atlas.eventdetails import Breakdown
from frontier_atlas.filters import data_span, records_frame
from frontier_atlas.geocode import GeocoderChain
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.imports import EventSet, ImportStore, SetInfo
from frontier_atlas.loader import Dataset, load_dataset
from frontier_atlas.models import KINDS
from frontier_atlas.positions import Located, locate_all
from frontier_atlas.selection import KEY, selection_of
from frontier_atlas.state import ViewState, from_query, to_query
from frontier_atlas.userdata import UserStore, merge_into


@dataclass(frozen=True)
class Atlas:
    ds: Dataset
    located: dict[str, Located]
    frame: pd.DataFrame
    geocoder: GeocoderChain
    notices: tuple[str, ...] = ()  # e.g. a damaged user store that was moved aside


def _data_signature(folder: Path) -> tuple:
    # Reload when a curated file changes, not on every rerun.
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                        for p in folder.glob("*") if p.is_file()))


@st.cache_resource(show_spinner="Loading data…")
def _load(folder: str, signature: tuple) -> Atlas:
    ds = load_dataset(Path(folder), settings().overrides_path)
    store = UserStore(settings().user_records_path)
    merge_into(ds, store)
    geocoder = build_geocoder(ds.places, ds.overrides)
    located = locate_all(ds, geocoder)
    notices = (store.notice,) if store.notice else ()
    gc.freeze()  # the loaded data lives for the process: keep it out of every later collection
    return Atlas(ds, located, records_frame(ds, located), geocoder, notices)


def load_atlas() -> Atlas:
    folder = settings().data_dir
    extra = [settings().overrides_path, settings().user_records_path]
    extra.append(extra[-1].with_name(extra[-1].name + "-wal"))
    signature = _data_signature(folder) + tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in extra)
    return _load(str(folder), signature)


def reload_atlas() -> None:
    """Forget the loaded data, e.g. after a place was pinned."""
    _load.clear()


PAGES = (("app.py", "Map", ":material/map:"), ("pages/data.py", "Data", ":material/table:"),
         ("pages/add_article.py", "Add from article", ":material/post_add:"),
         ("pages/imports.py", "Import events", ":material/upload_file:"),
         ("pages/timeline.py", "Timeline", ":material/timeline:"),
         ("pages/sources.py", "Sources", ":material/menu_book:"),
         ("pages/places.py", "Places", ":material/location_on:"), ("pages/about.py", "About", ":material/info:"))


# Streamlit's multiselect widens its typing box to 48 px when focused, which wraps it
# onto a second line beside a long chip. Leaving the box (a click on the next widget)
# then shrinks the list by a line under the pointer, and that click lands on whatever
# moved there. Keeping the focused minimum at the blurred one keeps the sidebar still.
# CSS transitions and animations are off: every script run fades elements and animates
# the status widget; with 30 sessions on one machine that drawing raised the median
# latency from 0.69 s to 0.91 s (bench/load.py, N=30).
STEADY_WIDGETS_CSS = ("<style>[data-testid='stMultiSelect'] input[role='combobox']{min-width:8px !important}"
                      "*,*::before,*::after{animation:none !important;transition:none !important}</style>")


def prepare_page(title: str) -> None:
    """Page config, our navigation links, and the offline asset check every page needs.

    Streamlit's automatic page list is turned off (``showSidebarNavigation``): it
    would name the map page "app". Deep links (/places, /about) work as usual.
    """
    st.set_page_config(page_title=f"{title} · Frontier Atlas", page_icon="🗺️", layout="wide")
    st.html(STEADY_WIDGETS_CSS)
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
    use_local_assets()
    missing = missing_assets()
    if missing:
        st.error("The map's front-end files are not installed. Run `make run` (or "
                 "`python -m frontier_atlas assets`) once. Missing: " + ", ".join(missing[:3]))
        st.stop()


def show_load_issues(ds: Dataset, geocoder: GeocoderChain | None = None, notices: tuple[str, ...] = ()) -> None:
    for message in (*notices, *(geocoder.messages if geocoder else [])):
        st.warning(md_text(message))
    if ds.issues:
        with st.expander(f"⚠️ {len(ds.issues)} problem(s) in the data files; the rest loaded"):
            for issue in ds.issues:
                st.markdown("- " + md_text(str(issue)))


def select_record(rid: str | None) -> None:
    selection_of(st.session_state).select_record(rid)


def details_panel(atlas: Atlas, rid: str) -> None:
    """The selected record, every value escaped; linked records open in turn."""
    d = record_details(rid, atlas.ds, atlas.located)
    box = st.container(border=True, key="details")
    with box:
        st.markdown(f"#### {md_text(d.title)}")
        st.caption(md_text(d.kind))
        for label, text in d.fields:
            st.markdown(f"**{md_text(label)}:** {md_text(text)}")
        st.markdown("**Sources**")
        view = st.session_state.get("view")
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
        st.button("Close", key=f"close-{rid}", on_click=select_record, args=(None,))


def import_store() -> ImportStore:
    return ImportStore(settings().imports_dir)


@st.cache_resource(show_spinner="Opening imported events…", max_entries=8)
def _open_set(folder: str, set_id: str, version: float) -> EventSet:
    # read-only once opened: every session shares one copy of a set's columns
    return ImportStore(Path(folder)).open(set_id)


def open_event_set(info: SetInfo) -> EventSet:
    store = import_store()
    return _open_set(str(store.folder), info.id, store.version(info.id))


def select_event(set_id: str, row: int) -> None:
    selection_of(st.session_state).select_event(set_id, row)


def close_event_panel() -> None:
    selection_of(st.session_state).clear()


def event_panel(es: EventSet, row: int) -> None:
    """One imported event, every value escaped; notes and source are read from disk."""
    full = import_store().events(es.id, [row]).iloc[0]
    with st.container(border=True, key="event-details"):
        d = es.describe(row)
        when = d["date_start"].isoformat() + ("" if d["date_end"] == d["date_start"] else f" to {d['date_end']}")
        st.markdown(f"#### {md_text(d['location'] or 'Imported event')}")
        st.caption(md_text(f"imported event · {es.name} · id {full['event_id']} (row {full['row']} of the file)"))
        fields = [
            ("Date", f"{when} (precision: {d['date_precision'] or 'not given'})"),
            ("Type", " / ".join(x for x in (d["event_type"], d["sub_type"]) if x)),
            ("Actors", " — ".join(x for x in (d["actor1"], d["actor2"]) if x)),
            ("Where", ", ".join(x for x in (d["location"], d["admin1"], d["country"]) if x)),
            ("Position", f"{d['lat']:.4f}, {d['lon']:.4f} (precision: {d['geo_precision'] or 'not given'})"),
            ("Fatalities", "" if d["fatalities"] is None else str(d["fatalities"])),
            ("Notes", str(full["notes"] or "")),
            ("Source", str(full["source"] or "")),
        ]
        for label, text in fields:
            if text:
                st.markdown(f"**{label}:** {md_text(text)}")
        st.button("Close", key=f"close-event-{es.id}-{row}", on_click=close_event_panel)


def cell_panel(b: Breakdown, zoom_in) -> None:
    """The breakdown of a clicked grid bubble, with a button that zooms in to its events."""
    with st.container(border=True, key="cell-details"):
        if not b.count:
            st.info("No events of the current filters in this cell any more.")
            st.button("Close", key="close-cell", on_click=close_event_panel)
            return
        st.markdown(f"#### {b.count:,} imported events here")
        st.caption(md_text(f"{b.first} to {b.last} · {b.fatalities:,} fatalities reported"))
        st.button(f"Zoom in to these {b.count:,} events", key="zoom-cell", icon=":material/zoom_in:",
                  on_click=zoom_in, args=(b.centre, b.zoom), type="primary")
        for title, table in (("By type", b.by_type), ("By country", b.by_country), ("By year", b.by_year),
                             ("Top locations", b.top_locations), ("Top actors", b.top_actors)):
            st.markdown(f"**{title}**")
            st.dataframe(table, hide_index=True, width="stretch")
        st.button("Close", key="close-cell", on_click=close_event_panel)


def _link_view(atlas: Atlas, span, extra_countries: list[str] = ()) -> ViewState:
    countries = {c for cs in atlas.frame["countries"] for c in cs} | set(extra_countries)
    return from_query(dict(st.query_params), set(atlas.ds.records), countries, span)


def restore_view(atlas: Atlas, span, extra_countries: list[str] = ()) -> ViewState:
    """The shared view for the map page: from the link on a session's first page, else
    the one kept in the session. Widget keys that Streamlit dropped while another page
    ran are filled from it. What a link got wrong stays listed until dismissed."""
    state = st.session_state
    if "view" in state:
        view = replace(state["view"], notices=())
    else:
        view = _link_view(atlas, span, extra_countries)  # imported sets' countries are valid too
        state["link_notices"] = list(view.notices)
        if view.center is not None:
            state["link_view"] = (None, (view.center, view.zoom))
    wanted = {
        "kinds": list(view.kinds), "countries": list(view.countries), "query": view.query,
        "timeline_on": view.timeline, "step": view.step, "tl_mode": view.mode, "tl_days": view.days,
    }
    if span:
        wanted["dates"] = (view.date_from or span[0], view.date_to or span[1])
    for key, value in wanted.items():
        state.setdefault(key, value)
    if KEY not in state:
        selection_of(state).select_record(view.selected)
    if view.timeline and view.moment and "tl_idx" not in state:
        state["tl_at"] = view.moment
    return view


def publish_view(view: ViewState) -> None:
    """Keep the view for the other pages and put it in the address bar."""
    st.session_state["view"] = view
    params = to_query(view)
    if st.query_params.to_dict() != params:  # each write is a history entry in the browser
        st.query_params.from_dict(params)


def shared_view(atlas: Atlas) -> ViewState:
    """For pages other than the map: the shared view, kept in the URL here too
    (Streamlit clears the query parameters when the page changes)."""
    state = st.session_state
    if "view" not in state:
        view = _link_view(atlas, data_span(atlas.frame))
        for notice in view.notices:
            st.info(md_text(notice))
        state["view"] = replace(view, notices=())
    publish_view(state["view"])
    return state["view"]


def show_link_notices() -> None:
    notices = st.session_state.get("link_notices")
    if notices:
        with st.container(border=True, key="link-notices"):
            st.markdown("**This link was partly out of date; the nearest valid view is shown.**")
            for notice in notices:
                st.markdown("- " + md_text(notice))
            if st.button("Dismiss", key="dismiss-link-notices"):
                st.session_state["link_notices"] = []
                st.rerun()


def describe_view(view: ViewState) -> str:
    """The active filters in a line, for pages that apply them without showing the widgets."""
    parts = []
    if view.date_from or view.date_to:
        parts.append(f"dates {view.date_from or '…'} to {view.date_to or '…'}")
    if view.timeline and view.moment:
        how = {"window": f"under way in the last {view.days} days", "cumulative": "everything up to it"}
        parts.append(f"timeline {view.step} of {view.moment}" + (f", {how[view.mode]}" if view.mode in how else ""))
    if view.countries:
        parts.append("countries " + ", ".join(view.countries))
    if tuple(view.kinds) != KINDS:
        parts.append("kinds " + (", ".join(view.kinds) or "none"))
    if view.query:
        parts.append(f"search “{view.query}”")
    return "Filters: " + ("; ".join(parts) if parts else "none") + " (change them on the Map page)."
