"""Timeline: the filtered records in time. Brushing a stretch sets the shared date filter."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from frontier_atlas.app.loading import load_atlas
from frontier_atlas.app.page import prepare_page
from frontier_atlas.app.panels import details_panel, select_record
from frontier_atlas.app.viewlink import change_view, shared_view
from frontier_atlas.domain.filters import apply_filters, data_span, filters_for_view
from frontier_atlas.domain.link import describe_view
from frontier_atlas.present.escaping import md_text
from frontier_atlas.present.timeline_chart import brushed_dates, picked_record, timeline_chart, timeline_frame

prepare_page("Timeline")
atlas = load_atlas()
view = shared_view(atlas)
span = data_span(atlas.frame)

st.title("Timeline")
# the chart shows the whole span, so a stretch can be brushed anywhere; other filters apply
shown = apply_filters(atlas.frame, replace(filters_for_view(view, span), date_from=None, date_to=None,
                                            moment=None))
group_by = st.radio("Group by", ["kind", "country"], horizontal=True, key="tl-group")
frame = timeline_frame(atlas.ds, list(shown["id"]), group_by)
st.caption(md_text(describe_view(view)) + " Drag across the chart to set the date filter; "
           "click a bar or point to open the record.")
if frame.empty:
    st.info("No dated record matches the filters.")
    st.stop()

event = st.altair_chart(timeline_chart(frame), on_select="rerun", key="timeline-chart",
                        use_container_width=True)
selection = getattr(event, "selection", None) or (event or {}).get("selection", {})
brushed = brushed_dates(selection)
if brushed and span:
    lo, hi = max(brushed[0], span[0]), min(brushed[1], span[1])
    if (lo, hi) != (view.date_from, view.date_to):
        view = replace(view, date_from=lo, date_to=hi)
        change_view(view, dates_changed=True)
picked = picked_record(selection)
if picked and picked != view.selected:
    view = replace(view, selected=picked)
    select_record(picked)
    change_view(view)

count = len(apply_filters(atlas.frame, filters_for_view(view, span)))
st.markdown(f"**{count} of {len(atlas.frame)} records** in "
            f"{view.date_from or span[0]} – {view.date_to or span[1]}"
            + (" (brushed)" if brushed else ""))
if st.button("Clear the date filter", key="clear-dates", disabled=not (view.date_from or view.date_to)):
    change_view(replace(view, date_from=None, date_to=None), dates_changed=True)
    st.rerun()
if view.selected in atlas.ds.records:
    details_panel(atlas, view.selected)
