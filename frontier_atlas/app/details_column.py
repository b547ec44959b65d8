"""The details column: whatever the one selection holds, or a hint to click something."""

from __future__ import annotations

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.app.loading import Atlas
from frontier_atlas.app.panels import cell_panel, details_panel, event_panel
from frontier_atlas.events.breakdown import cell_breakdown
from frontier_atlas.events.view import EventView


def _zoom_to(centre: tuple[float, float], zoom: int) -> None:
    keys.map_sync_of(st.session_state).request((centre, zoom))


def details_column(atlas: Atlas, sets: list, masks: list[EventView]) -> None:
    selection = keys.selection_of(st.session_state)
    by_id = {es.id: es for es in sets}
    event = selection.event
    if event and event[0] in by_id and 0 <= event[1] < by_id[event[0]].n:
        event_panel(by_id[event[0]], event[1])
    elif selection.cell and masks:
        cell_panel(cell_breakdown(masks, *selection.cell), _zoom_to)
    elif selection.record in atlas.ds.records:
        details_panel(atlas, selection.record)
    else:
        st.info("Click a marker, region or line on the map to read its details and sources.")
