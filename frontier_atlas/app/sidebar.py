"""The map page's sidebar: the imported sets' switches and the filters.

It reads widgets and returns plain values; what they select is decided in
``domain.filters``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.app.loading import Atlas, import_store, open_event_set
from frontier_atlas.domain.countries import country_name
from frontier_atlas.domain.records import KIND_LABELS, KINDS
from frontier_atlas.events import EventSet
from frontier_atlas.present.escaping import md_text


@dataclass(frozen=True)
class ShownSets:
    sets: list[EventSet]
    event_types: list[str]


@dataclass(frozen=True)
class FilterChoice:
    dates: tuple[date, date] | None
    kinds: list[str]
    countries: list[str]
    query: str


def imported_sets() -> ShownSets:
    """The switches of the imported sets (they come first: they widen dates and countries)."""
    sets: list[EventSet] = []
    types: list[str] = []
    infos = import_store().sets()
    if infos:
        st.header("Imported events")
        for info in infos:
            # a set's name is data (whoever imported it chose it): Markdown in a label would run
            if st.checkbox(f"{md_text(info.name)} ({info.rows:,} events)", value=True,
                           key=keys.SET_SHOWN.name(info.id)):
                opened = open_event_set(info)
                if opened is not None:
                    sets.append(opened)
        types = st.multiselect("Event types (imported)", sorted({t for es in sets for t in es.event_types() if t}),
                               placeholder="All types", key=keys.EVENT_TYPES.name)
    st.page_link("pages/imports.py", label="Import ACLED, UCDP, CSV or GeoJSON", icon=":material/upload_file:")
    return ShownSets(sets, types)


def date_range(span: tuple[date, date] | None, sets: ShownSets) -> tuple[date, date] | None:
    """The date slider's range: the curated records' and the shown imported sets'."""
    spans = [s for s in (span, *(es.span for es in sets.sets)) if s]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def all_countries(atlas: Atlas, sets: ShownSets) -> list[str]:
    found = {c for cs in atlas.frame["countries"] for c in cs} | {c for es in sets.sets for c in es.countries()}
    return sorted(found, key=country_name)


def keep_dates_in_span(state: keys.State, span: tuple[date, date] | None) -> None:
    """When a set is switched on or off the range changes: a slider at the old full range
    takes the new one; a narrower choice is kept, clipped to the new range."""
    if not span or keys.SPAN.get(state) == span:
        return
    old, (lo, hi) = keys.SPAN.get(state), keys.DATES.get(state) or span
    lo, hi = span if old and (lo, hi) == old else (max(lo, span[0]), min(hi, span[1]))
    keys.DATES.set(state, (lo, hi) if lo <= hi else span)
    keys.SPAN.set(state, span)


def filter_widgets(span: tuple[date, date] | None, countries: list[str]) -> FilterChoice:
    st.header("Filters")
    dates = None
    if span:
        dates = st.slider("Dates", min_value=span[0], max_value=span[1], format="YYYY-MM-DD", key=keys.DATES.name)
    kinds = st.pills("Kinds", KINDS, selection_mode="multi", format_func=lambda k: KIND_LABELS[k],
                     key=keys.KINDS.name)
    chosen = st.multiselect("Countries (participant or location)", countries,
                            format_func=lambda c: f"{country_name(c)} ({c})", placeholder="All countries",
                            key=keys.COUNTRIES.name)
    query = st.text_input("Search", placeholder="name, place, unit, commander…", key=keys.QUERY.name)
    return FilterChoice(tuple(dates) if dates else None, list(kinds), list(chosen), query)
