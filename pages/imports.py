"""Import events: ACLED and UCDP GED exports, or any CSV/GeoJSON through a column mapping.

Imported sets are stored once (Parquet, in the user data folder) and show on the map
as their own layer, which the map's filters apply to.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from frontier_atlas.app import background
from frontier_atlas.app import state as keys
from frontier_atlas.app.identity import acting_user
from frontier_atlas.app.loading import import_store
from frontier_atlas.app.page import prepare_page
from frontier_atlas.data.csvsafe import safe_file_name, unguard
from frontier_atlas.domain.access import Action, NotAllowed, allowed, check
from frontier_atlas.domain.calendar import FIRST_DAY, LAST_DAY
from frontier_atlas.events import (
    FIELDS,
    ColumnMapping,
    ImportStore,
    SetChanged,
    SetGone,
    SetInfo,
    UnreadableFile,
    guess_mapping,
)
from frontier_atlas.events.formats import DATE_PRECISIONS, GEO_PRECISIONS
from frontier_atlas.events.reader import MAX_COLUMNS
from frontier_atlas.jobs.tasks import import_file, spill, upload_header
from frontier_atlas.jobs.worker import DONE, FRESH
from frontier_atlas.present.escaping import md_text

FORMATS = {"acled": "ACLED export", "ucdp": "UCDP GED export", "custom": "other file: map its columns"}
NONE = "(none)"
LABEL_CHARS = 60  # a column's name as the pickers show it: the reader caps the count, this the length


def _short(column: str) -> str:
    """A picker's option as sent to the browser: every picker repeats every column name."""
    return column if len(column) <= LABEL_CHARS else column[: LABEL_CHARS - 1] + "…"


def upload_columns(upload) -> list[str] | None:
    """The upload's columns, read once per file in a background job (a GeoJSON is read whole)."""
    state = st.session_state
    known = keys.UPLOAD_COLUMNS.get(state)
    if known is None or known[0] != upload.file_id:
        keys.UPLOAD_COLUMNS.set(state, (upload.file_id, None))
        background.start(keys.HEADER_JOB, upload_header, upload, upload.name,
                         label="Reading the file's columns", expected=(UnreadableFile,))
    ended = background.outcome(keys.HEADER_JOB, failed="The file was not read",
                               cancelled="Cancelled: the file's columns were not read.")
    if ended is not None and ended.state == DONE:
        keys.UPLOAD_COLUMNS.set(state, (upload.file_id, ended.value))
    elif ended is not None:
        keys.UPLOAD_COLUMNS.pop(state)  # read again on the next run
    known = keys.UPLOAD_COLUMNS.get(state)
    return known[1] if known else None


def mapping_form(upload, columns: list[str]) -> tuple[ColumnMapping, str]:
    """The recognised format, the column pickers, and the set's name."""
    guess = guess_mapping(columns)
    st.success(md_text(f"{upload.name}: {len(columns)} columns; recognised as {FORMATS[guess.fmt]}."))
    options = [NONE, *columns]
    with st.expander("Columns", expanded=guess.fmt == "custom"):
        st.caption("Which column holds each field. Date, latitude and longitude are required. Precision "
                   "columns: ACLED and UCDP codes are read as their codebooks define them; in other files "
                   f"use the words {', '.join(DATE_PRECISIONS)} and {', '.join(GEO_PRECISIONS)}.")
        chosen = {}
        cols = st.columns(3)
        for k, (field, (label, required)) in enumerate(FIELDS.items()):
            default = guess.columns.get(field, NONE)
            pick = cols[k % 3].selectbox(label + (" *" if required else ""), options,
                                         index=options.index(default), format_func=_short,
                                         key=f"map-{upload.name}-{field}")
            if pick != NONE:
                chosen[field] = pick
        day_first = st.checkbox("Numeric dates are day first (03/04/2024 is 3 April)", value=True,
                                key="day_first", disabled=guess.fmt != "custom")
    mapping = ColumnMapping(guess.fmt, chosen, guess.date_codes, guess.geo_codes, guess.type_codes,
                            day_first=day_first)
    name = st.text_input("Name of the set", value=Path(upload.name).stem, max_chars=80, key="import_name")
    return mapping, name


def import_controls(upload, mapping: ColumnMapping, name: str, store: ImportStore) -> None:
    """The Import button; the import runs in a background job with its bar and Cancel."""
    missing = mapping.missing()
    if missing:
        st.warning("Choose a column for: " + ", ".join(FIELDS[f][0] for f in missing))
    busy = background.running(keys.IMPORT_JOB)
    if st.button("Import", type="primary", disabled=bool(missing) or busy, key="do_import"):
        actor = acting_user()
        try:
            check(actor, Action.IMPORT_SET)  # said at once; the import checks again where it writes
        except NotAllowed as exc:
            st.error(md_text(str(exc)))
        else:  # a fresh process, given the file on disk: no copy of the server's memory to make
            background.start(keys.IMPORT_JOB, import_file, spill(upload, upload.name), upload.name, mapping,
                             store.location, name or None, actor, label="Importing",
                             expected=(UnreadableFile, NotAllowed), start=FRESH)
    ended = background.outcome(keys.IMPORT_JOB, failed="The import did not finish",
                               cancelled="Import cancelled: nothing was stored.")
    if ended is not None and ended.state == DONE:
        keys.LAST_IMPORT.set(st.session_state, ended.value.id)
        st.toast(f"Imported {ended.value.rows:,} events")


def set_list(store: ImportStore) -> None:
    """Every stored set: what it holds, the rows it could not read, Rename and Delete."""
    state = st.session_state
    last, seen = keys.LAST_IMPORT.get(state), keys.SETS_SEEN.get(state) or {}
    sets = store.sets()
    gone = [name for set_id, (_, name) in seen.items() if set_id not in {s.id for s in sets}]
    if gone:
        st.info(md_text("Deleted in another session since this page was shown: " + ", ".join(gone) + "."))
    if not sets:
        st.info("No imported sets yet.")
    for info in sets:
        with st.container(border=True, key=f"set-box-{info.id}"):
            set_box(store, info, seen.get(info.id, (info.version, info.name))[0], info.id == last)
    keys.SETS_SEEN.set(state, {s.id: (s.version, s.name) for s in sets})


def set_box(store: ImportStore, info: SetInfo, seen_version: int, just_imported: bool) -> None:
    st.markdown(f"#### {md_text(info.name)}" + (" · just imported" if just_imported else ""))
    st.caption(md_text(
        f"{FORMATS.get(info.fmt, info.fmt)} · file {info.file} · imported "
        f"{datetime.fromtimestamp(info.imported_at):%Y-%m-%d %H:%M} · {info.date_min} to {info.date_max}"))
    a, b = st.columns(2)
    a.metric("Events loaded", f"{info.rows:,}")
    b.metric("Rows not read", f"{info.rejected:,}")
    for note in info.notes:
        st.warning(md_text(note))
    issues = store.issues_csv(info.id)
    if info.rejected or issues.count(b"\n") > 1:
        st.download_button("Download the rows not read (CSV)", issues,
                           file_name=safe_file_name(f"{info.name}-rows-not-read", ".csv", fallback=info.id),
                           mime="text/csv", key=f"issues-{info.id}")
        if just_imported:
            table = pd.read_csv(io.BytesIO(issues), dtype=str, keep_default_na=False, nrows=500)
            # shown as read (the apostrophes guard spreadsheets, not this table)
            st.dataframe(table[["file", "row", "field", "reason", "outcome"]].map(unguard), hide_index=True,
                         width="stretch")
    if not allowed(acting_user(), Action.CHANGE_SET, info.owner):
        return
    rename, delete = st.columns(2)
    with rename.popover("Rename", icon=":material/edit:"):
        new_name = st.text_input("New name", value=info.name, max_chars=80, key=f"rename-{info.id}")
        if st.button("Save the name", key=f"rename-save-{info.id}"):
            _changed(lambda: store.rename(info.id, new_name.strip() or info.name, seen_version, by=acting_user()))
    if delete.button("Delete this set", key=f"delete-{info.id}", icon=":material/delete:"):
        _changed(lambda: store.delete(info.id, seen_version, by=acting_user()), deleted=info.id)


def _changed(change, deleted: str | None = None) -> None:
    """Make a checked change; what another session did meanwhile is said, and the page shows it now."""
    try:
        change()
    except SetChanged as exc:
        st.warning(md_text(f"This set was changed in another session since you saw it: it is now named "
                           f"“{exc.now.name}”. Nothing was done; press again to go ahead with what it is now."))
        return
    except SetGone:
        st.warning("This set was deleted in another session meanwhile.")
        return
    except NotAllowed as exc:
        st.error(md_text(str(exc)))
        return
    if deleted:  # the user's own delete is not news on the next run
        (keys.SETS_SEEN.get(st.session_state) or {}).pop(deleted, None)
    st.rerun()


def imports_page() -> None:
    prepare_page("Import events")
    st.title("Import events")
    st.markdown(
        "Load your own event set: an **ACLED** export, a **UCDP GED** CSV, or any **CSV or GeoJSON** of "
        "dated, positioned events. Rows that cannot be read are listed, with file, row and reason, and can "
        "be downloaded; the rest load. Files larger than the upload limit can be imported on the server "
        "with `python -m frontier_atlas import FILE`. Dates must fall between "
        f"{FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}; a file may have up to {MAX_COLUMNS} columns "
        "(or GeoJSON property names)."
    )
    store = import_store()
    if not allowed(acting_user(), Action.IMPORT_SET):  # the store refuses anyway; no upload to waste
        st.caption("Importing takes the editor role.")
        set_list(store)
        return
    upload = st.file_uploader("Event file", type=["csv", "geojson", "json"], key="import_file")
    columns = upload_columns(upload) if upload is not None else None
    if upload is not None and columns is not None:
        mapping, name = mapping_form(upload, columns)
        import_controls(upload, mapping, name, store)
    set_list(store)


imports_page()
