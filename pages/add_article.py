"""Add from article: paste or upload a report, review what was found, save it as your records."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from streamlit_folium import st_folium

from frontier_atlas.app import state as keys
from frontier_atlas.app.loading import Atlas, load_atlas, reload_atlas
from frontier_atlas.app.page import prepare_page
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.data.userstore import UserStore, draft_record
from frontier_atlas.domain.records import KIND_LABELS
from frontier_atlas.ingest.confirm import SourceInput, confirm
from frontier_atlas.ingest.drafts import Extraction, extract
from frontier_atlas.ingest.reading import MAX_BYTES, UploadError, read_upload
from frontier_atlas.map.canvas import build_places_map
from frontier_atlas.places.review import position_row
from frontier_atlas.present.article import marked_article
from frontier_atlas.present.escaping import md_text


def article_input() -> tuple[str, SourceInput]:
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
    return text, SourceInput(publisher, title, published, url)


def your_records(atlas: Atlas) -> None:
    """The user's own records: edit a field or delete one; the curated data is never touched."""
    mine = list(atlas.ds.user)
    st.subheader(f"Your records ({len(mine)})")
    if not mine:
        st.caption("None yet.")
        return
    store = UserStore(atlas.settings.user_records_path)
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


def review_drafts(result: Extraction) -> tuple[dict[int, bool], dict[int, dict]]:
    """The article with its finds marked beside the drafts, each editable; what to keep, as edited."""
    col_text, col_drafts = st.columns([1, 1], gap="medium")
    with col_text:
        st.markdown("**The article** (blue: places, amber: dates, violet: parties)")
        st.html(marked_article(result))
    keep, edited = {}, {}
    with col_drafts:
        st.markdown(f"**{len(result.drafts)} draft record(s)**: edit any field; untick what should not be saved.")
        for i, d in enumerate(result.drafts):
            with st.expander(md_text(f"{KIND_LABELS[d.kind]}: {d.name}"), expanded=True):
                keep[i] = st.checkbox("Save this record", value=True, key=f"keep-{i}")
                rows = [{"field": k, "value": "; ".join(v) if isinstance(v, list) else str(v)}
                        for k, v in d.fields.items()]
                table = st.data_editor(pd.DataFrame(rows, columns=["field", "value"]), key=f"draft-{i}",
                                       num_rows="dynamic", hide_index=True, width="stretch")
                edited[i] = {r["field"]: r["value"] for r in table.to_dict("records") if r.get("field")}
                spans = d.spans.get("name", [])
                if spans:
                    st.caption(md_text("from: " + result.text[spans[0][0]:spans[0][1]]))
    return keep, edited


def found_places(result: Extraction, outlines_only: bool) -> None:
    """Where the places were found, on a small map, and which had close runners-up."""
    places = pd.DataFrame([position_row(p.name, None, p.position) for p in result.places
                           if p.position and p.kind != "country"], columns=list(position_row("", None, None)))
    places = places.drop_duplicates("name")
    if places.empty:
        return
    st.markdown("**Where the places were found** (check the candidates before saving)")
    st_folium(build_places_map(places, height=320, outlines_only=outlines_only), key="article-map", height=320,
              use_container_width=True, returned_objects=[])
    for p in result.places:
        if p.position is not None and p.position.candidates:
            others = "; ".join(f"{c.matched} ({c.country or '?'}) {c.lat:.3f}, {c.lon:.3f}"
                               for c in p.position.candidates)
            st.warning(md_text(f"{p.name}: took {p.position.matched} ({p.position.country}), "
                               f"confidence {p.position.confidence:.2f}; other candidates: {others}. "
                               "Edit the draft's places (for example Julfa|AZE) or pin one on the Places page."))


def save(atlas: Atlas, result: Extraction, keep: dict, edited: dict, given: SourceInput) -> None:
    store = UserStore(atlas.settings.user_records_path)
    taken = set(atlas.ds.records) | set(atlas.ds.sources) | store.used_ids()
    done = confirm(result.drafts, keep, edited, given, taken)
    if done.problems:
        for p in done.problems:
            st.error(md_text(p))
    elif done.records:
        keys.SAVED.set(st.session_state, store.save(done.records, done.source, result.text))
        keys.EXTRACTION.pop(st.session_state)
        reload_atlas()
        st.rerun()


def article_page() -> None:
    prepare_page("Add from article")
    atlas = load_atlas()
    shared_view(atlas)
    state = st.session_state
    st.title("Add from article")
    st.caption("Paste a report or upload a .txt or .html file. Places, dates and participants are "
               "found offline; nothing is saved until you confirm. Your records are kept apart from "
               "the curated data and marked as user-added.")
    text, given = article_input()
    if st.button("Find places, dates and records", type="primary", key="extract", disabled=not text.strip()):
        keys.EXTRACTION.set(state, extract(text, given.published, atlas.geocoder))
        keys.SAVED.pop(state)
    result = keys.EXTRACTION.get(state)
    saved = keys.SAVED.get(state)
    if saved:
        st.success(md_text(f"Saved {len(saved)} record(s): " + ", ".join(saved) + ". They are on the map now."))
    if result is not None:
        keep, edited = review_drafts(result)
        found_places(result, atlas.outlines_only)
        if st.button("Confirm and save", type="primary", key="confirm"):
            save(atlas, result, keep, edited, given)
    your_records(atlas)


article_page()
