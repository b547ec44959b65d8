"""The map column: the map with its layers, what a click chose, and the records shown
that have no position on the map."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from frontier_atlas.app import state as keys
from frontier_atlas.app.loading import Atlas
from frontier_atlas.app.panels import select_record
from frontier_atlas.domain.viewport import Viewport, fit_view
from frontier_atlas.events.view import EventView
from frontier_atlas.map.canvas import DEFAULT_CENTER, DEFAULT_ZOOM, base_map, fit_bounds, record_layer
from frontier_atlas.map.clicks import read_click
from frontier_atlas.map.events import build_event_layer, event_bounds
from frontier_atlas.present.escaping import md_text
from frontier_atlas.present.wording import format_dates

WORLD = Viewport(-60, -180, 75, 180, 2)  # what the event layer covers before the map has a view
RETURNED = ["last_object_clicked_tooltip", "last_object_clicked_count", "center", "zoom", "bounds"]


@dataclass(frozen=True)
class Shown:
    records: pd.DataFrame  # the curated and user records the filters keep
    highlight: set[str]  # of those, the ones of the timeline's step itself
    masks: list[EventView]  # each shown imported set under the filters
    moment: tuple[date, date] | None = None  # the days the timeline keeps; its last day dates control periods


def _aim(sync: keys.MapSync, signature: str, points, masks) -> keys.Goto | None:
    """Where the map goes this run: a link's view while it holds, else a fit to the
    records and events shown whenever they change (once), else where the user left it."""
    link = sync.hold_link(signature)
    fit = fit_bounds(points, event_bounds(masks))
    if link is None and fit and sync.fit_key != (signature, fit):
        sync.fit_key = (signature, fit)
        sync.request(fit_view(fit))
    return link or sync.goto


def _event_caption(summary) -> None:
    drawn = {"points": f"{summary.shapes:,} points",
             "grid": f"{summary.shapes:,} counted cells (zoom in or click one for details)",
             "none": "nothing here"}[summary.mode]
    st.caption(f"Imported events: {summary.in_view:,} in and around the view, drawn as {drawn}.")


def _note_click(atlas: Atlas, sync: keys.MapSync, out: dict) -> None:
    # streamlit-folium counts clicks, so clicking the same marker again is news; the
    # map itself stays for the session (only its layers change), and so does the count
    count = out.get("last_object_clicked_count")  # a forged value may be anything: only a count counts
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0 or sync.last_click == count:
        return
    sync.last_click = count
    click = read_click(out.get("last_object_clicked_tooltip"))
    selection = keys.selection_of(st.session_state)
    if click and click.event:
        selection.select_event(*click.event)
    elif click and click.cell:
        selection.select_cell(*click.cell)
    elif click and click.record in atlas.ds.records:
        selection.select_record(click.record)


def draw_map(atlas: Atlas, shown: Shown) -> tuple[dict, keys.Goto | None]:
    """The map; returns st_folium's report and the view asked for on this run."""
    state = st.session_state
    sync = keys.map_sync_of(state)
    signature = hashlib.sha1(",".join(shown.records["id"]).encode()).hexdigest()
    sync.note_report(keys.MAP_WIDGET.get(state))
    records, points = record_layer(shown.records, atlas.ds, atlas.located, highlight=shown.highlight,
                                   on_day=shown.moment[1] if shown.moment else None)
    goto = _aim(sync, signature, points, shown.masks)
    layer = summary = None
    if shown.masks:
        # the events in and around the view on screen (the one just requested, if any)
        here = sync.current(keys.MAP_WIDGET.get(state), goto)
        layer, summary = build_event_layer(shown.masks, here.viewport if here else WORLD)
    # the base map (outlines, tiles, legend) stays the same for the session, so the
    # browser keeps it; records and events are layers swapped into it
    if sync.base_view is None:
        sync.base_view = goto or (DEFAULT_CENTER, DEFAULT_ZOOM)
    fmap = base_map(600, *sync.base_view, outlines_only=atlas.outlines_only)
    out = st_folium(fmap, key=keys.MAP_WIDGET.name, height=600, use_container_width=True,
                    feature_group_to_add=[records] + ([layer] if layer else []), center=goto[0] if goto else None,
                    zoom=goto[1] if goto else None, returned_objects=RETURNED)
    out = out if isinstance(out, dict) else {}  # the browser's value: checked, never trusted
    if summary is not None:
        _event_caption(summary)
    _note_click(atlas, sync, out)
    return out, goto


def unplaced_list(atlas: Atlas, shown: pd.DataFrame) -> None:
    """The records shown that have no position: a button each, opening its details."""
    unplaced = shown[~shown["has_position"]]
    if unplaced.empty:
        return
    box = st.expander(f"{len(unplaced)} shown record(s) without a position on the map",
                      expanded=len(unplaced) <= 3)
    for rid in unplaced["id"]:
        rec = atlas.ds.records[rid]
        dates = format_dates(rec.start, rec.end, rec.date_precision)
        box.button(md_text(f"{rec.name} ({dates})" if dates else rec.name), key=f"unplaced-{rec.id}",
                   on_click=select_record, args=(rec.id,))
