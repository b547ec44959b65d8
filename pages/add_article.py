"""Add from article: paste or upload a report, review what was found, save it as your records."""

from __future__ import annotations

import html
from datetime import date

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from streamlit_folium import st_folium

from frontier_atlas.config import settings
from frontier_atlas.escaping import md_text
from frontier_atlas.geocode import GeocoderChain
from frontier_atlas.ingest.drafts import extract
from frontier_atlas.ingest.reading import MAX_BYTES, UploadError, read_upload
from frontier_atlas.mapview import build_places_map
from frontier_atlas.models import KIND_LABELS, Source
from frontier_atlas.places import position_row
from frontier_atlas.ui import load_atlas, prepare_page, reload_atlas, shared_view
from frontier_atlas.userdata import UserStore, draft_record, new_id

prepare_page("Add from article")
atlas = load_atlas()
shared_view(atlas)
state = st.session_state
st.title("Add from article")
st.caption("Paste a report or upload a .txt or .html file. Places, dates and participants are "
           "found offline; nothing is saved until you confirm. Your records are kept apart from "
           "the curated data and marked as user-added.")

upload = st.file_uploader("Upload a report", type=["txt", "html", "htm"], key="article-file",
                          max_upload_size=MAX_BYTES // 1_000_000 or 1)
text = st.text_area("…or paste its text", height=220, key="article-text")
if upload is not None:
    try:
        text = read_upload(upload.name, upload.getvalue())
    except UploadError as exc:
        st.error(md_text(str(exc)))
        text = ""

st.subheader("Source")
c1, c2, c3 = st.columns([2, 3, 1])
publisher = c1.text_input("Publisher", key="src-publisher")
title = c2.text_input("Title", key="src-title")
published = c3.date_input("Published", value=date.today(), key="src-published")
url = st.text_input("URL (optional, http or https)", key="src-url")

if st.button("Find places, dates and records", type="primary", key="extract", disabled=not text.strip()):
    geocoder = GeocoderChain(atlas.ds.places, atlas.ds.overrides)
    state["extraction"] = extract(text, published, geocoder)
    state.pop("saved", None)

result = state.get("extraction")
if state.get("saved"):
    st.success(md_text(f"Saved {len(state['saved'])} record(s): " + ", ".join(state["saved"])
                       + ". They are on the map now."))


def your_records() -> None:
    """The user's own records: edit a field or delete one; the curated data is never touched."""
    mine = [rid for rid in atlas.ds.user]
    st.subheader(f"Your records ({len(mine)})")
    if not mine:
        st.caption("None yet.")
        return
    store = UserStore(settings().user_records_path)
    for rid in mine:
        rec = atlas.ds.records[rid]
        with st.expander(md_text(f"{KIND_LABELS[rec.kind]}: {rec.name}"), expanded=False):
            data = {k: v for k, v in rec.model_dump().items() if k not in ("id", "kind", "source_ids")}
            rows = [{"field": k, "value": "; ".join(map(str, v)) if isinstance(v, list)
                     else ("" if v is None else str(v))} for k, v in data.items()]
            table = st.data_editor(pd.DataFrame(rows, columns=["field", "value"]), key=f"edit-{rid}",
                                   hide_index=True, disabled=["field"], width="stretch")
            c1, c2 = st.columns(2)
            if c1.button("Save changes", key=f"save-{rid}"):
                fields = {r["field"]: r["value"] for r in table.to_dict("records")}
                try:
                    store.update(draft_record(rec.kind, fields, rid, rec.source_ids[0]))
                except ValidationError as exc:
                    for e in exc.errors():
                        st.error(md_text(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"))
                else:
                    reload_atlas()
                    st.rerun()
            if c2.button("Delete", key=f"delete-{rid}", type="secondary"):
                store.delete(rid)
                reload_atlas()
                st.rerun()


if result is None:
    your_records()
    st.stop()

# ---- the article with what was found marked
marks = [(p.span, "place") for p in result.places] + [(d.span, "date") for d in result.dates] + \
        [(c.span, "party") for c in result.countries if not any(p.span[0] <= c.span[0] < p.span[1]
                                                                   for p in result.places)]
marks.sort()
out, pos = [], 0
colours = {"place": "#cfe8ff", "date": "#ffe7b3", "party": "#e3d7f5"}
for (a, b), what in marks:
    if a < pos:
        continue
    out.append(html.escape(result.text[pos:a]))
    out.append(f'<mark style="background:{colours[what]}" title="{what}">{html.escape(result.text[a:b])}</mark>')
    pos = b
out.append(html.escape(result.text[pos:]))
col_text, col_drafts = st.columns([1, 1], gap="medium")
with col_text:
    st.markdown("**The article** (blue: places, amber: dates, violet: parties)")
    st.html('<div class="fa-article" style="white-space:pre-wrap;line-height:1.5">' + "".join(out) + "</div>")

# ---- drafts, each editable, with its places on a small map
drafts = result.drafts
with col_drafts:
    st.markdown(f"**{len(drafts)} draft record(s)**: edit any field; untick what should not be saved.")
    keep = {}
    edited = {}
    for i, d in enumerate(drafts):
        with st.expander(md_text(f"{KIND_LABELS[d.kind]}: {d.name}"), expanded=True):
            keep[i] = st.checkbox("Save this record", value=True, key=f"keep-{i}")
            rows = [{"field": k, "value": "; ".join(v) if isinstance(v, list) else str(v)} for k, v in d.fields.items()]
            table = st.data_editor(pd.DataFrame(rows, columns=["field", "value"]), key=f"draft-{i}",
                                   num_rows="dynamic", hide_index=True, width="stretch")
            edited[i] = {r["field"]: r["value"] for r in table.to_dict("records") if r.get("field")}
            spans = d.spans.get("name", [])
            if spans:
                st.caption(md_text("from: " + result.text[spans[0][0]:spans[0][1]]))

places = pd.DataFrame([position_row(p.name, None, p.position) for p in result.places
                       if p.position and p.kind != "country"], columns=list(position_row("", None, None)))
places = places.drop_duplicates("name")
if not places.empty:
    st.markdown("**Where the places were found** (check the candidates before saving)")
    st_folium(build_places_map(places, height=320), key="article-map", height=320,
              use_container_width=True, returned_objects=[])
    for p in result.places:
        if p.position is not None and p.position.candidates:
            others = "; ".join(f"{c.matched} ({c.country or '?'}) {c.lat:.3f}, {c.lon:.3f}"
                               for c in p.position.candidates)
            st.warning(md_text(f"{p.name}: took {p.position.matched} ({p.position.country}), "
                               f"confidence {p.position.confidence:.2f}; other candidates: {others}. "
                               "Edit the draft's places (for example Julfa|AZE) or pin one on the Places page."))

if st.button("Confirm and save", type="primary", key="confirm"):
    problems = []
    if not publisher.strip() or not title.strip():
        problems.append("Give the source's publisher and title: every record names its source.")
    store = UserStore(settings().user_records_path)
    taken = set(atlas.ds.records) | set(atlas.ds.sources) | store.used_ids()
    source = None
    if not problems:
        try:
            source = Source(id=new_id(f"{publisher} {published.isoformat()}", taken, "user-source"),
                            publisher=publisher, title=title, published=published,
                            type="news report", url=url.strip() or None,
                            note="Entered with the Add from article page.")
        except ValidationError as exc:
            problems.extend(f"source {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    records = []
    for i, d in enumerate(drafts):
        if not keep[i] or source is None:
            continue
        try:
            records.append(draft_record(d.kind, edited[i], new_id(edited[i].get("name", d.name), taken),
                                        source.id))
        except ValidationError as exc:
            problems.extend(f"{d.name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    if problems:
        for p in problems:
            st.error(md_text(p))
    elif records:
        state["saved"] = store.save(records, source, result.text)
        state.pop("extraction", None)
        reload_atlas()
        st.rerun()

your_records()
