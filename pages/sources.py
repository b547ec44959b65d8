"""Sources: every publication the data cites, with the records that cite it."""

from __future__ import annotations

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.app.loading import load_atlas
from frontier_atlas.app.page import prepare_page
from frontier_atlas.app.panels import select_record
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.domain.records import KIND_LABELS
from frontier_atlas.domain.text import normalise
from frontier_atlas.present.escaping import md_link, md_text, safe_url
from frontier_atlas.present.wording import format_dates

prepare_page("Sources")
atlas = load_atlas()
ds = atlas.ds
focus = st.query_params.get("source")  # a record's details panel links here with ?source=
shared_view(atlas)
if focus in ds.sources:
    st.query_params["source"] = focus

st.title("Sources")
citing: dict[str, list[str]] = {sid: [] for sid in ds.sources}
for rec in ds.records.values():
    for sid in rec.source_ids:
        citing[sid].append(rec.id)
st.markdown(f"{len(ds.sources)} sources cited by {len(ds.records)} records.")
find = st.text_input("Find a source", placeholder="publisher, title, year…", key="source-find")


def open_on_map(rid: str) -> None:
    select_record(rid)
    keys.GO_TO_MAP.set(st.session_state, True)


if keys.GO_TO_MAP.pop(st.session_state):
    st.switch_page("app.py")

order = sorted(ds.sources.values(), key=lambda s: (s.id != focus, -s.published.toordinal()))
for src in order:
    text = normalise(f"{src.publisher} {src.title} {src.published.year} {src.type}")
    if find and normalise(find) not in text:
        continue
    label = f"{src.publisher}: “{src.title}”, {format_dates(src.published, None, src.published_precision)}"
    with st.expander(md_text(label) + f" ({len(citing[src.id])})", expanded=src.id == focus):
        st.markdown(f"*{md_text(src.type)}*" + (f" · {md_text(src.note)}" if src.note else ""))
        if safe_url(src.url):  # javascript:, data: and malformed URLs never become links
            st.markdown(md_link("Open the original", src.url))
        for rid in citing[src.id]:
            rec = ds.records[rid]
            st.button(md_text(f"{KIND_LABELS[rec.kind]}: {rec.name}"), key=f"src-{src.id}-{rid}",
                      on_click=open_on_map, args=(rid,))
