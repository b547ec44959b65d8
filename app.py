"""Frontier Atlas: the map page. Reads widgets, calls frontier_atlas, draws the result."""

from __future__ import annotations

import hashlib

import streamlit as st
from streamlit_folium import st_folium

from frontier_atlas.aggregate import Viewport
from frontier_atlas.escaping import md_text
from frontier_atlas.eventdetails import cell_breakdown
from frontier_atlas.eventlayer import build_event_layer, clicked_token, event_bounds
from frontier_atlas.filters import (
    DEFAULT_DAYS,
    MODES,
    Filters,
    Moment,
    apply_filters,
    data_span,
    timeline_steps,
    window_label,
)
from frontier_atlas.formatting import format_dates
from frontier_atlas.mapsync import current_view, note_report, request_view
from frontier_atlas.mapview import (
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    base_map,
    fit_bounds,
    record_id_from_tooltip,
    record_layer,
)
from frontier_atlas.models import KIND_LABELS, KINDS, country_name
from frontier_atlas.selection import selection_of
from frontier_atlas.state import ViewState
from frontier_atlas.ui import (
    cell_panel,
    details_panel,
    event_panel,
    import_store,
    load_atlas,
    open_event_set,
    prepare_page,
    publish_view,
    restore_view,
    select_record,
    show_link_notices,
    show_load_issues,
)


def _toggle_play() -> None:
    st.session_state.playing = not st.session_state.get("playing", False)


def _zoom_to(centre: tuple[float, float], zoom: int) -> None:
    request_view(st.session_state, (centre, zoom))


def _fit_span(span, extra):
    """The date slider's range: the curated records' and the shown imported sets'."""
    spans = [s for s in (span, *extra) if s]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def map_page() -> None:
    """The map: filters in the sidebar, the map with its details panel beside it."""
    prepare_page("Map")
    atlas = load_atlas()
    ds, frame = atlas.ds, atlas.frame
    state = st.session_state
    # imported event sets: their switches come first, as they widen the dates and countries
    sidebar_filters, sidebar_imports = st.sidebar.container(), st.sidebar.container()
    event_sets, event_types = [], []
    with sidebar_imports:
        infos = import_store().sets()
        if infos:
            st.header("Imported events")
            for info in infos:
                if st.checkbox(f"{info.name} ({info.rows:,} events)", value=True, key=f"set-{info.id}"):
                    event_sets.append(open_event_set(info))
            event_types = st.multiselect("Event types (imported)",
                                         sorted({t for es in event_sets for t in es.event_types() if t}),
                                         placeholder="All types", key="event_types")
        st.page_link("pages/imports.py", label="Import ACLED, UCDP, CSV or GeoJSON", icon=":material/upload_file:")
    span = _fit_span(data_span(frame), [es.span for es in event_sets])
    all_countries = sorted({c for cs in frame["countries"] for c in cs}
                           | {c for es in event_sets for c in es.countries()}, key=country_name)
    restore_view(atlas, span, all_countries)  # fills the widget keys from the link or the shared view
    if span and state.get("_span") != span:  # a set was switched on or off
        old, (lo, hi) = state.get("_span"), state.get("dates", span)
        lo, hi = (span if old and (lo, hi) == old else (max(lo, span[0]), min(hi, span[1])))
        state["dates"] = (lo, hi) if lo <= hi else span
        state["_span"] = span
    state.setdefault("playing", False)
    state["_full_run"] = True
    selection = selection_of(state)

    st.title("Frontier Atlas")
    show_load_issues(ds, atlas.geocoder, atlas.notices)
    show_link_notices()

    # ---- sidebar: filters -------------------------------------------------------
    moment = step_window = None
    step, mode, days = "month", "step", DEFAULT_DAYS
    with sidebar_filters:
        st.header("Filters")
        date_from = date_to = None
        if span:
            date_from, date_to = st.slider("Dates", min_value=span[0], max_value=span[1],
                                           format="YYYY-MM-DD", key="dates")
        kinds = st.pills("Kinds", KINDS, selection_mode="multi",
                         format_func=lambda k: KIND_LABELS[k], key="kinds")
        countries = st.multiselect("Countries (participant or location)", all_countries,
                                   format_func=lambda c: f"{country_name(c)} ({c})",
                                   placeholder="All countries", key="countries")
        query = st.text_input("Search", placeholder="name, place, unit, commander…", key="query")

        st.header("Timeline")
        if span and st.toggle("Show what was under way at a moment", key="timeline_on"):
            step = st.radio("Step", ["year", "month", "week"], horizontal=True, key="step")
            windows = timeline_steps((date_from, date_to), step)
            if "tl_next" in state:  # set by the player before the slider exists
                state["tl_idx"] = state.pop("tl_next")
            if "tl_at" in state:  # a date from a link: the window holding it
                at = state.pop("tl_at")
                state["tl_idx"] = next((i for i, w in enumerate(windows) if w[0] <= at <= w[1]), 0)
            if state.get("tl_idx", 0) >= len(windows):
                state["tl_idx"] = 0
            idx = st.select_slider("Moment", options=list(range(len(windows))), key="tl_idx",
                                   format_func=lambda i: window_label(windows[i], step))
            step_window = windows[idx]
            mode = st.radio("Show", list(MODES), format_func=MODES.get, key="tl_mode")
            if mode == "window":
                days = int(st.number_input("N days", min_value=1, max_value=3650, key="tl_days"))
            timeline = Moment(step_window, mode, days)
            moment = timeline.span(date_from)
            speed = st.select_slider("Speed (seconds per step)", [0.5, 1.0, 2.0, 3.0], value=1.0,
                                     key="speed")
            st.button("Pause" if state.playing else "Play", key="play", on_click=_toggle_play,
                      icon=":material/pause:" if state.playing else ":material/play_arrow:")

            if state.playing:
                @st.fragment(run_every=speed)
                def _player() -> None:
                    # Runs once inside the full run (do nothing), then every `speed` s.
                    if state.pop("_full_run", False):
                        return
                    if state.tl_idx + 1 >= len(windows):
                        state.playing = False  # stops at the end
                    else:
                        state["tl_next"] = state.tl_idx + 1
                    st.rerun()

                _player()
        else:
            state.playing = False

    filters = Filters(
        date_from=date_from, date_to=date_to, moment=moment,
        countries=frozenset(countries), kinds=frozenset(kinds), query=query,
    )
    shown = apply_filters(frame, filters)
    # the markers of the moment itself, highlighted in window and cumulative modes
    highlight = set()
    if step_window and moment != step_window:
        highlight = set(apply_filters(shown, Filters(moment=step_window))["id"]) - set(
            shown[shown["start"].isna()]["id"])

    # imported events: the same filters, as NumPy masks (a few ms for a million events)
    masks = []
    if event_sets and (not kinds or "event" in kinds):
        lo, hi = date_from, date_to
        if moment:
            lo, hi = max(lo, moment[0]) if lo else moment[0], min(hi, moment[1]) if hi else moment[1]
        masks = [(es, es.mask(lo, hi, frozenset(countries), frozenset(event_types), query)) for es in event_sets]

    # ---- map and details --------------------------------------------------------
    under_way = f" · under way {format_dates(*moment)}" if moment else ""
    counted = f"**{len(shown)} of {len(frame)} records**"
    if event_sets:
        total = sum(es.n for es in event_sets)
        counted += f" · **{sum(int(m.sum()) for _, m in masks):,} of {total:,} imported events**"
    st.markdown(counted + under_way)
    col_map, col_details = st.columns([3, 2], gap="medium")
    signature = hashlib.sha1(",".join(shown["id"]).encode()).hexdigest()
    with col_map:
        # a link's centre and zoom hold until the filters change; then the view fits the records
        if state.get("link_view"):
            bound_to, _ = state["link_view"]
            if bound_to is None:
                state["link_view"] = (signature, state["link_view"][1])
            elif bound_to != signature:
                state["link_view"] = None
        link = state["link_view"][1] if state.get("link_view") else None
        note_report(state, state.get("map"))
        records, points = record_layer(shown, ds, atlas.located, highlight=highlight,
                                       on_day=moment[1] if moment else None)
        fit = fit_bounds(points, event_bounds(masks))
        if link is None and fit and state.get("fit_key") != (signature, fit):
            # the records (or events) shown changed: fit the view to them, once
            state["fit_key"] = (signature, fit)
            centre = ((fit[0] + fit[2]) / 2, (fit[1] + fit[3]) / 2)
            request_view(state, (centre, min(9, Viewport.fit(*fit, width_px=560, height_px=520).zoom)))
        goto = link or state.get("map_goto")
        layer = summary = None
        if masks:
            # the events in and around the view on screen (the one just requested, if any;
            # the world before the map has one)
            here = current_view(state, state.get("map"), goto)
            layer, summary = build_event_layer(masks, here.viewport if here else Viewport(-60, -180, 75, 180, 2))
        # the base map (outlines, tiles, legend) stays the same for the session, so the
        # browser keeps it; records and events are layers swapped into it
        state.setdefault("base_view", goto or (DEFAULT_CENTER, DEFAULT_ZOOM))
        fmap = base_map(600, *state["base_view"])
        out = st_folium(
            fmap, key="map", height=600, use_container_width=True,
            feature_group_to_add=[records] + ([layer] if layer else []),
            center=goto[0] if goto else None, zoom=goto[1] if goto else None,
            returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count", "center", "zoom",
                              "bounds"],
        ) or {}
        if summary is not None:
            st.caption(f"Imported events: {summary.in_view:,} in and around the view, drawn as "
                       + {"points": f"{summary.shapes:,} points", "grid": f"{summary.shapes:,} counted cells "
                          "(zoom in or click one for details)", "none": "nothing here"}[summary.mode] + ".")
        # streamlit-folium counts clicks, so clicking the same marker again is news; the
        # map itself stays for the session (only its layers change), and so does the count
        count = out.get("last_object_clicked_count")
        if count and state.get("last_click") != count:
            state["last_click"] = count
            tooltip = out.get("last_object_clicked_tooltip")
            token = clicked_token(tooltip)
            rid = record_id_from_tooltip(tooltip)
            if token and token[0] == "x":
                selection.select_event(token[1][0], int(token[1][1]))
            elif token:
                selection.select_cell(*(int(p) for p in token[1]))
            elif rid in ds.records:
                selection.select_record(rid)

        unplaced = shown[~shown["has_position"]]
        if not unplaced.empty:
            box = st.expander(f"{len(unplaced)} shown record(s) without a position on the map",
                              expanded=len(unplaced) <= 3)
            for _, row in unplaced.iterrows():
                rec = ds.records[row["id"]]
                dates = format_dates(rec.start, rec.end, rec.date_precision)
                label = f"{rec.name} ({dates})" if dates else rec.name
                box.button(md_text(label), key=f"unplaced-{rec.id}",
                           on_click=select_record, args=(rec.id,))

    with col_details:
        by_id = {es.id: es for es in event_sets}
        event = selection.event
        if event and event[0] in by_id and 0 <= event[1] < by_id[event[0]].n:
            event_panel(by_id[event[0]], event[1])
        elif selection.cell and masks:
            cell_panel(cell_breakdown(masks, *selection.cell), _zoom_to)
        elif selection.record in ds.records:
            details_panel(atlas, selection.record)
        else:
            st.info("Click a marker, region or line on the map to read its details and sources.")

    here = current_view(state, out, goto)
    publish_view(ViewState(
        date_from=date_from if span and date_from != span[0] else None,
        date_to=date_to if span and date_to != span[1] else None,
        timeline=bool(step_window), step=step, moment=step_window[0] if step_window else None,
        mode=mode, days=days,
        countries=tuple(countries), kinds=tuple(kinds), query=query, selected=selection.record,
        center=here.centre if here else None, zoom=here.zoom if here else None,
    ))


map_page()
