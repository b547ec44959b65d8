"""Places: every place name in the data, where it resolved, how, and how sure we are.

Ambiguous names show their candidates; pinning one saves it as a curated override.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit_folium import st_folium

from frontier_atlas.app.loading import load_atlas, reload_atlas
from frontier_atlas.app.page import prepare_page, show_load_issues
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.data.durable import NotWritable
from frontier_atlas.map.canvas import build_places_map
from frontier_atlas.places.review import pin_place, place_queries, places_table
from frontier_atlas.present.escaping import md_text

prepare_page("Places")
atlas = load_atlas()
shared_view(atlas)
st.title("Places")
show_load_issues(atlas.ds, atlas.geocoder, atlas.notices)
st.caption(
    "Records name places; these are the positions the geocoder found for them, offline "
    "(our gazetteer, then GeoNames towns) unless an online service is turned on "
    f"(now: {md_text(atlas.settings.online_geocoder or 'off')})."
)

table = places_table(atlas.ds, atlas.geocoder)
col_table, col_map = st.columns([3, 2])
with col_table:
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={"confidence": st.column_config.ProgressColumn(min_value=0, max_value=1, format="%.2f")},
    )
with col_map:
    st_folium(build_places_map(table, outlines_only=atlas.outlines_only), key="places-map", height=420,
              use_container_width=True, returned_objects=[])

st.header("Ambiguous names")
ambiguous = [(name, hint) for name, hint in place_queries(atlas.ds)
             if (pos := atlas.geocoder.locate(name, hint)) is not None and pos.candidates]
if not ambiguous:
    st.success("No place name has close candidates.")
for name, hint in ambiguous:
    pos = atlas.geocoder.locate(name, hint)
    options = [pos, *pos.candidates]
    with st.container(border=True, key=f"ambiguous-{abs(hash((name, hint)))}"):
        st.markdown(f"**{md_text(name)}**" + (f" (country hint {md_text(hint)})" if hint else "")
                    + f": took {md_text(pos.matched)}, confidence {pos.confidence:.2f}")
        choice = st.radio(
            "Candidates", range(len(options)), key=f"choice-{name}-{hint}",
            format_func=lambda i: md_text(
                f"{options[i].matched} ({options[i].country or '?'}), {options[i].lat:.4f}, "
                f"{options[i].lon:.4f}: {options[i].how_found}"),
        )
        if st.button("Pin this one", key=f"pin-{name}-{hint}"):
            try:
                pin_place(atlas.settings.overrides_path, name, options[choice])
            except NotWritable as exc:
                # the file name only: the full path is the server's business (it goes to the log)
                logging.getLogger(__name__).warning("pin not saved: %s", exc)
                st.error(f"Not pinned: {md_text(exc.path.name)} {md_text(exc.why)} on the server. "
                         "Whoever runs the app can make it writable.")
            else:
                if atlas.geocoder.cache is not None:
                    atlas.geocoder.cache.forget(name)
                reload_atlas()
                st.rerun()
