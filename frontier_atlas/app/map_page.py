"""The map page, composed of its parts: sidebar -> view and filters, map -> click,
details column. Each part is a module of ``frontier_atlas.app``."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from frontier_atlas.app import state as keys
from frontier_atlas.app.details_column import details_column
from frontier_atlas.app.loading import Atlas, load_atlas
from frontier_atlas.app.map_column import Shown, draw_map, unplaced_list
from frontier_atlas.app.page import prepare_page, show_link_notices, show_load_issues
from frontier_atlas.app.sidebar import (
    FilterChoice,
    ShownSets,
    all_countries,
    date_range,
    filter_widgets,
    imported_sets,
    keep_dates_in_span,
)
from frontier_atlas.app.timeline_controls import TimelineChoice, timeline_controls
from frontier_atlas.app.viewlink import publish_view, restore_view
from frontier_atlas.domain.filters import apply_filters, data_span, filters_for_view, highlighted, moment_of
from frontier_atlas.domain.link import ViewState
from frontier_atlas.events.filtering import filter_sets
from frontier_atlas.present.wording import format_dates


def _view(span, chosen: FilterChoice, timeline: TimelineChoice) -> ViewState:
    """The widgets' choice as the shared view (dates at the range's ends are left open)."""
    lo, hi = chosen.dates or (None, None)
    return ViewState(
        date_from=lo if span and lo != span[0] else None, date_to=hi if span and hi != span[1] else None,
        timeline=timeline.on, step=timeline.step, moment=timeline.moment, mode=timeline.mode, days=timeline.days,
        countries=tuple(chosen.countries), kinds=tuple(chosen.kinds), query=chosen.query,
    )


def _shown(atlas: Atlas, view: ViewState, span, sets: ShownSets) -> Shown:
    filters = filters_for_view(view, span)
    records = apply_filters(atlas.frame, filters)
    moment = moment_of(view, span)
    return Shown(records, highlighted(records, filters, moment.window if moment else None),
                 filter_sets(sets.sets, filters, sets.event_types), filters.moment)


def _count_line(atlas: Atlas, shown: Shown, sets: ShownSets) -> str:
    counted = f"**{len(shown.records)} of {len(atlas.frame)} records**"
    if sets.sets:
        total = sum(es.n for es in sets.sets)
        counted += f" · **{sum(v.matched() for v in shown.masks):,} of {total:,} imported events**"
    return counted + (f" · under way {format_dates(*shown.moment)}" if shown.moment else "")


def map_page() -> None:
    """The map: filters in the sidebar, the map with its details column beside it."""
    prepare_page("Map")
    atlas = load_atlas()
    state = st.session_state
    sidebar_filters, sidebar_imports = st.sidebar.container(), st.sidebar.container()
    with sidebar_imports:
        sets = imported_sets()
    span = date_range(data_span(atlas.frame), sets)
    restore_view(atlas, span, all_countries(atlas, sets))  # fills the widget keys from the link or the session
    keep_dates_in_span(state, span)
    st.title("Frontier Atlas")
    show_load_issues(atlas.ds, atlas.geocoder, atlas.notices)
    show_link_notices()
    with sidebar_filters:
        chosen = filter_widgets(span, all_countries(atlas, sets))
        timeline = timeline_controls(chosen.dates)
    view = _view(span, chosen, timeline)
    shown = _shown(atlas, view, span, sets)
    st.markdown(_count_line(atlas, shown, sets))
    col_map, col_details = st.columns([3, 2], gap="medium")
    with col_map:
        map_fragment(atlas, shown, view)
        unplaced_list(atlas, shown.records)
    with col_details:
        details_column(atlas, sets.sets, shown.masks)


@st.fragment
def map_fragment(atlas: Atlas, shown: Shown, view: ViewState) -> None:
    """The map alone: a pan or a zoom reruns this, not the page (the sidebar, the counts and
    the details column stay as they are, and are not sent again). A click that chose
    something reruns the page, for the details column to show it."""
    state = st.session_state
    before = keys.selection_of(state).chosen()
    out, goto = draw_map(atlas, shown)
    selection = keys.selection_of(state)
    here = keys.map_sync_of(state).current(out, goto)
    publish_view(replace(view, selected=selection.record,
                         center=here.centre if here else None, zoom=here.zoom if here else None))
    if selection.chosen() != before and _in_fragment_run():
        st.rerun(scope="app")


def _in_fragment_run() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)
