"""Add from article: paste or upload a report, review what was found, save it as your records."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from streamlit_folium import st_folium

from frontier_atlas.app import background
from frontier_atlas.app import state as keys
from frontier_atlas.app.identity import acting_user
from frontier_atlas.app.loading import Atlas, load_atlas, reload_atlas, user_store
from frontier_atlas.app.page import prepare_page
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.data.userstore import Conflict, UserStore, draft_record, editable
from frontier_atlas.domain.access import TEAM, Action, NotAllowed, allowed
from frontier_atlas.domain.records import KIND_LABELS
from frontier_atlas.ingest.confirm import SourceInput, confirm
from frontier_atlas.ingest.drafts import Extraction, extract
from frontier_atlas.ingest.reading import MAX_BYTES, TextLimitError, UploadError, read_upload
from frontier_atlas.jobs.tasks import INLINE_CHARS, extract_article
from frontier_atlas.jobs.worker import DONE, ZYGOTE, start_zygote
from frontier_atlas.map.canvas import build_places_map
from frontier_atlas.places.review import position_row
from frontier_atlas.present.article import marked_article, why_chosen
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
    """The user's own records: edit a field or delete one; the curated data is never touched.

    Each editor remembers the version and values it opened (``keys.RECORD_EDITORS``) and
    a save sends only the fields changed, so another session's save in between is kept
    (``UserStore.edit``); if both changed one field, or the record was deleted, the user
    is told and chooses, instead of one save silently undoing the other.
    """
    actor = acting_user()
    # the records this user may change: their own, or everyone's for a reviewer
    mine = [rid for rid, prov in atlas.ds.user.items()
            if allowed(actor, Action.EDIT_RECORD, prov.get("entered_by"))]
    editors = keys.RECORD_EDITORS.setdefault(st.session_state, {})
    anyones = actor.mode == TEAM and allowed(actor, Action.EDIT_RECORD, owner="someone else")
    st.subheader(f"{'Records you may change, as a reviewer' if anyones else 'Your records'} ({len(mine)})")
    store = user_store()
    for rid in [r for r in editors if r not in atlas.ds.user]:
        _gone_record(rid, editors)
    if not mine:
        st.caption("None yet.")
        return
    for rid in mine:
        rec = atlas.ds.records[rid]
        ed = _opened(editors, rid, rec, atlas.ds.user[rid].get("version", 1))
        # keyed: another session renaming the record must not fold this one's open editor
        with st.expander(md_text(f"{KIND_LABELS[rec.kind]}: {rec.name}"), expanded=ed.conflict is not None,
                         key=f"record-{rid}"):
            table = st.data_editor(pd.DataFrame(_rows(ed.values), columns=["field", "value"]),
                                   key=_editor_key(rid, ed), hide_index=True, disabled=["field"], width="stretch")
            c1, c2 = st.columns(2)
            if c1.button("Save changes", key=f"save-{rid}"):
                fields = {r["field"]: r["value"] for r in table.to_dict("records")}
                changed = [f for f, text in fields.items() if (text or "") != _shown(ed.values.get(f))]
                try:
                    edited = editable(draft_record(rec.kind, fields, rid, rec.source_ids[0]))
                    if changed:
                        store.edit(rid, ed.version, ed.values, {f: edited[f] for f in changed}, by=acting_user())
                except ValidationError as exc:
                    for e in exc.errors():
                        st.error(md_text(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"))
                except Conflict as conflict:
                    ed.conflict, ed.mine = conflict, {f: edited[f] for f in changed}
                except (NotAllowed, StoreUnavailable) as exc:
                    st.error(md_text(str(exc)))
                else:
                    _saved(ed)
            if c2.button("Delete", key=f"delete-{rid}", type="secondary"):
                try:
                    store.delete(rid, ed.version, ed.values, by=acting_user())
                except Conflict as conflict:
                    ed.conflict, ed.mine = conflict, None
                except (NotAllowed, StoreUnavailable) as exc:
                    st.error(md_text(str(exc)))
                else:
                    editors.pop(rid, None)
                    reload_atlas()
                    st.rerun()
            if ed.conflict is not None:
                _conflict_choice(store, rid, ed, editors)


def _shown(value: object) -> str:
    """A stored field value as the editor shows it (lists joined by "; ")."""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def _rows(values: dict) -> list[dict[str, str]]:
    return [{"field": k, "value": _shown(v)} for k, v in values.items()]


def _editor_key(rid: str, ed: keys.RecordEditor) -> str:
    return f"edit-{rid}" + (f"-{ed.generation}" if ed.generation else "")


def _opened(editors: dict[str, keys.RecordEditor], rid: str, rec, version: int) -> keys.RecordEditor:
    """The record as this session's editor opened it. Opened afresh on first sight, after
    a save, and when another session saved while this one had nothing unsaved here."""
    ed = editors.get(rid)
    if ed is None:
        ed = editors[rid] = keys.RecordEditor(version, editable(rec))
    elif ed.values is None or (ed.version != version and ed.conflict is None and not _unsaved(rid, ed)):
        ed.version, ed.values = version, editable(rec)
    return ed


def _unsaved(rid: str, ed: keys.RecordEditor) -> dict[str, str]:
    """Fields edited in the editor and not yet saved, as typed (field: text)."""
    widget = st.session_state.get(_editor_key(rid, ed)) or {}  # st.data_editor's value: its edits
    names = list(ed.values or {})
    out = {}
    for row, cells in (widget.get("edited_rows") or {}).items():
        if "value" in cells and 0 <= int(row) < len(names):
            out[names[int(row)]] = "" if cells["value"] is None else str(cells["value"])
    return out


def _saved(ed: keys.RecordEditor) -> None:
    """After a save: a fresh editor (its old edits dropped) on the record as stored now."""
    ed.values, ed.conflict, ed.mine = None, None, None
    ed.generation += 1
    reload_atlas()
    st.rerun()


def _conflict_choice(store: UserStore, rid: str, ed: keys.RecordEditor,
                     editors: dict[str, keys.RecordEditor]) -> None:
    """Say what the other session did and let the user keep theirs or take the other."""
    conflict: Conflict = ed.conflict
    if conflict.deleted:
        lost = "; ".join(f"{f}: {_shown(v)}" for f, v in (ed.mine or {}).items())
        st.warning(md_text("This record was deleted in another session while you edited it, so your "
                           f"changes were not saved ({lost or 'none'})."))
        if st.button("Dismiss", key=f"dismiss-{rid}"):
            editors.pop(rid, None)
            reload_atlas()
            st.rerun()
        return
    theirs = conflict.theirs or {}
    fields = conflict.fields or [f for f in theirs if theirs.get(f) != (ed.values or {}).get(f)]
    rows = [{"field": f, "yours": _shown((ed.mine or {}).get(f, (ed.values or {}).get(f))),
             "saved by the other session": _shown(theirs.get(f))} for f in fields]
    if ed.mine is None:
        st.warning("Someone else changed this record after you opened it; it was not deleted. Their values:")
    else:
        st.warning("Someone else saved this record while you edited it, changing the same field(s); "
                   "your save did not land. Their values:")
    st.dataframe(pd.DataFrame(rows, columns=["field", "yours", "saved by the other session"]), hide_index=True,
                 key=f"conflict-{rid}")
    c1, c2 = st.columns(2)
    if c1.button("Delete anyway" if ed.mine is None else "Keep mine", key=f"keep-mine-{rid}", type="primary"):
        try:
            if ed.mine is None:
                store.delete(rid, conflict.version, theirs, by=acting_user())
            else:
                store.edit(rid, conflict.version, theirs, ed.mine, by=acting_user())
        except Conflict as again:  # a third save came in meanwhile: show that one
            ed.conflict = again
            st.rerun()
        except ValidationError as exc:
            for e in exc.errors():
                st.error(md_text(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"))
        else:
            if ed.mine is None:
                editors.pop(rid, None)
                reload_atlas()
                st.rerun()
            _saved(ed)
    if c2.button("Take theirs", key=f"take-theirs-{rid}"):
        _saved(ed)


def _gone_record(rid: str, editors: dict[str, keys.RecordEditor]) -> None:
    """A record this session had open was deleted by another: say so, with any unsaved edits."""
    ed = editors[rid]
    if ed.values is None:  # never shown since its own save: nothing open to lose
        editors.pop(rid)
        return
    lost = _unsaved(rid, ed)
    if not lost and not ed.mine:  # nothing of this session's is lost: a word, once
        st.caption(md_text(f"{ed.values.get('name', rid)} was deleted in another session."))
        editors.pop(rid)
        return
    ed.mine = {**(ed.mine or {}), **lost}
    what = "; ".join(f"{f}: {v}" for f, v in ed.mine.items())
    st.warning(md_text(f"{ed.values.get('name', rid)} was deleted in another session"
                       + (f"; your unsaved changes were: {what}." if what else ".")))
    if st.button("Dismiss", key=f"dismiss-{rid}"):
        editors.pop(rid)
        st.rerun()


DRAFTS_PER_PAGE = 20  # editable tables drawn per run: 379 at once held the server for everyone


def _cell(value: object) -> str:
    """A table cell as text (an added row's empty cell comes back as None or NaN)."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _draft_rows(result: Extraction) -> list[keys.Rows]:
    return [[{"field": k, "value": "; ".join(v) if isinstance(v, list) else _cell(v)} for k, v in d.fields.items()]
            for d in result.drafts]


def review_drafts(result: Extraction, review: keys.DraftReview) -> tuple[dict[int, bool], dict[int, dict]]:
    """The article with its finds marked beside the drafts, a page of them at a time, each
    editable; what to keep of every draft, as edited."""
    state = st.session_state
    originals = _draft_rows(result)
    col_text, col_drafts = st.columns([1, 1], gap="medium")
    with col_text:
        st.markdown("**The article** (blue: places, amber: dates, violet: parties, "
                    "grey: a capital standing for its government)")
        st.html(marked_article(result))
    with col_drafts:
        total = len(result.drafts)
        st.markdown(f"**{total} draft record(s)**: edit any field; untick what should not be saved.")
        first = 0
        if total > DRAFTS_PER_PAGE:
            pages = range(0, total, DRAFTS_PER_PAGE)
            first = st.selectbox("Drafts shown", pages, key=keys.DRAFT_PAGE.name(str(review.generation)),
                                 format_func=lambda a: f"{a + 1}–{min(a + DRAFTS_PER_PAGE, total)} of {total}")
            st.caption("Edits and unticked drafts are kept when you show other drafts; "
                       "Confirm and save takes every page.")
        for i in range(first, min(first + DRAFTS_PER_PAGE, total)):
            d = result.drafts[i]
            item = f"{review.generation}-{i}"
            keep_key, table_key = keys.DRAFT_KEEP.name(item), keys.DRAFT_TABLE.name(item)
            with st.expander(md_text(f"{KIND_LABELS[d.kind]}: {d.name}"), expanded=True):
                keep = st.checkbox("Save this record", value=review.keep.get(i, True), key=keep_key)
                opened = review.open(i, not keys.DRAFT_TABLE.is_set(state, item), originals[i])
                table = st.data_editor(pd.DataFrame(opened, columns=["field", "value"]), key=table_key,
                                       num_rows="dynamic", hide_index=True, width="stretch")
                review.note(i, keep, [{"field": _cell(r["field"]), "value": _cell(r["value"])}
                                      for r in table.to_dict("records")])
                why = why_chosen(result.text, d)
                if why:
                    st.caption(md_text("; ".join(f"{field} from {words}" for field, words in why)))
    return review.chosen(originals)


MAX_DOUBTS = 20  # places with runners-up named one by one (each name once)


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
    doubtful = list({p.name: p for p in result.places if p.position is not None and p.position.candidates}.values())
    for p in doubtful[:MAX_DOUBTS]:
        others = "; ".join(f"{c.matched} ({c.country or '?'}) {c.lat:.3f}, {c.lon:.3f}" for c in p.position.candidates)
        st.warning(md_text(f"{p.name}: took {p.position.matched} ({p.position.country}), "
                           f"confidence {p.position.confidence:.2f}; other candidates: {others}. "
                           "Edit the draft's places (for example Julfa|AZE) or pin one on the Places page."))
    if len(doubtful) > MAX_DOUBTS:
        st.caption(f"{len(doubtful) - MAX_DOUBTS:,} more place names had close runners-up.")


def save(atlas: Atlas, result: Extraction, keep: dict, edited: dict, given: SourceInput) -> None:
    store = user_store()
    taken = set(atlas.ds.records) | set(atlas.ds.sources) | store.used_ids()
    done = confirm(result.drafts, keep, edited, given, taken)
    if done.problems:
        for p in done.problems:
            st.error(md_text(p))
    elif done.records:
        try:
            keys.SAVED.set(st.session_state, store.save(done.records, done.source, result.text, by=acting_user()))
        except (NotAllowed, StoreUnavailable) as exc:
            st.error(md_text(str(exc)))
            return
        keys.EXTRACTION.pop(st.session_state)
        reload_atlas()
        st.rerun()


def _review(result: Extraction) -> None:
    """Put a new extraction under review; its widgets' keys are new, so nothing of the last
    review's edits carries over."""
    state = st.session_state
    last = keys.DRAFT_REVIEW.get(state)
    keys.EXTRACTION.set(state, result)
    keys.DRAFT_REVIEW.set(state, keys.DraftReview(generation=last.generation + 1 if last else 0))


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
    if len(text) > INLINE_CHARS:
        start_zygote()  # the long texts' worker loads its indexes while the user fills in the source
    if st.button("Find places, dates and records", type="primary", key="extract", disabled=not text.strip()):
        keys.EXTRACTION.pop(state)
        keys.SAVED.pop(state)
        if len(text) <= INLINE_CHARS:
            try:
                _review(extract(text, given.published, atlas.geocoder))
            except TextLimitError as exc:  # too big to read without holding the server for everyone
                st.error(md_text(str(exc)))
        else:  # in a child process: other visitors' pages do not wait for it
            background.start(keys.ARTICLE_JOB, extract_article, text, given.published, atlas.ds.places,
                             atlas.ds.overrides, atlas.settings.geocode_cache_path,
                             label="Reading the article", expected=(TextLimitError,), start=ZYGOTE)
    ended = background.outcome(keys.ARTICLE_JOB, failed="The article was not read",
                               cancelled="Cancelled: nothing was read.")
    if ended is not None and ended.state == DONE:
        _review(ended.value)
    result = keys.EXTRACTION.get(state)
    review = keys.DRAFT_REVIEW.get(state)
    saved = keys.SAVED.get(state)
    if saved:
        st.success(md_text(f"Saved {len(saved)} record(s): " + ", ".join(saved) + ". They are on the map now."))
    if result is not None and review is not None:
        keep, edited = review_drafts(result, review)
        found_places(result, atlas.outlines_only)
        actor = acting_user()
        if allowed(actor, Action.ADD_RECORD):
            if st.button("Confirm and save", type="primary", key="confirm"):
                save(atlas, result, keep, edited, given)
        elif actor.refused:  # the store refuses such a save anyway; the button would only mislead
            st.caption(md_text(f"Nothing can be saved: {actor.refused}."))
        else:
            st.caption(md_text(f"Saving takes the editor role; {actor.name}'s is {actor.role.value}."))
    your_records(atlas)


article_page()
