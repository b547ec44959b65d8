"""Places: every place name in the data, where it resolved, how, and how sure we are.

Ambiguous names show their candidates; a reviewer's pin saves one, with its author, in
the user store (the curated files are never written).
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from frontier_atlas.app import state as keys
from frontier_atlas.app.identity import acting_user
from frontier_atlas.app.loading import load_atlas, reload_atlas, user_store
from frontier_atlas.app.page import prepare_page, show_load_issues
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.domain.access import Action, NotAllowed, allowed
from frontier_atlas.map.canvas import build_places_map
from frontier_atlas.places.review import (
    PinConflict,
    pin_place,
    pin_version,
    pinned_row,
    place_queries,
    places_table,
)
from frontier_atlas.present.escaping import md_text


def _pin(name: str, chosen, version: str) -> None:
    try:
        version_now = pin_place(store, name, chosen, version=version, by=acting_user())
    except StoreUnavailable as exc:  # e.g. a read-only user folder, a database down
        logging.getLogger(__name__).warning("pin not saved: %s", exc)
        st.error(f"Not pinned: {md_text(str(exc))}. Nothing was changed; whoever runs the app can make the "
                 "user store writable (or bring its database back), then pin again.")
    except NotAllowed as exc:
        st.error(md_text(str(exc)))
    except PinConflict as exc:  # someone pinned this name since the page showed it: the user chooses
        keys.PIN_CONFLICTS.setdefault(st.session_state, {})[name] = (exc, chosen)
        st.rerun()
    else:
        keys.PIN_CONFLICTS.setdefault(st.session_state, {}).pop(name, None)
        keys.PINS_SHOWN.setdefault(st.session_state, {})[name] = version_now
        if atlas.geocoder.cache is not None:
            atlas.geocoder.cache.forget(name)
        reload_atlas()
        st.rerun()


def _where(row: dict | None) -> str:
    return f"{row.get('country') or '?'} {row.get('lat')}, {row.get('lon')}" if row else "no pin"


def pinned_meanwhile() -> None:
    """Pins another session made since this page showed a name: a clash with this user's
    own pin is put to them; any other change is said (a pinned name leaves the list)."""
    state = st.session_state
    shown = keys.PINS_SHOWN.setdefault(state, {})
    conflicts = keys.PIN_CONFLICTS.setdefault(state, {})
    for name, (conflict, chosen) in list(conflicts.items()):
        st.warning(md_text(f"Someone else pinned {name} meanwhile: {_where(conflict.theirs)}; "
                           f"yours was {chosen.country or '?'} {chosen.lat:.4f}, {chosen.lon:.4f}."))
        c1, c2 = st.columns(2)
        if c1.button("Pin mine instead", key=f"pin-anyway-{name}"):
            _pin(name, chosen, conflict.version)
        if c2.button("Keep theirs", key=f"pin-keep-{name}"):
            conflicts.pop(name, None)
            shown[name] = conflict.version
            st.rerun()
    for name, version in list(shown.items()):
        now = pin_version(store, name)
        if now != version and name not in conflicts:
            st.info(md_text(f"{name} was pinned meanwhile in another session: "
                            f"{_where(pinned_row(store, name))}."))
            shown[name] = now


def pin_button(name: str, hint: str | None, chosen) -> None:
    """Pin against the version this page showed, so a pin made meanwhile is not overwritten."""
    shown = keys.PINS_SHOWN.setdefault(st.session_state, {})
    now = pin_version(store, name)
    if not allowed(acting_user(), Action.PIN_PLACE):
        return
    if st.button("Pin this one", key=f"pin-{name}-{hint}"):
        _pin(name, chosen, shown.get(name, now))
    shown.setdefault(name, now)


prepare_page("Places")
atlas = load_atlas()
store = user_store()
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

if atlas.ds.pinned:
    st.header("Pinned places")
    st.dataframe(pd.DataFrame([{"name": name, "pinned by": mark["by"], "when": pd.Timestamp(mark["at"], unit="s")}
                               for name, mark in atlas.ds.pinned.items()]), hide_index=True, key="pins-table")

st.header("Ambiguous names")
pinned_meanwhile()
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
        pin_button(name, hint, options[choice])
