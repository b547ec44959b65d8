"""Filtering records by dates, timeline moment, countries, kinds and free text.

Works on a plain pandas frame (one row per record, built by ``records_frame``) so
it is fast, testable without Streamlit, and shared by every page.

Date rules: a record is under way on every day from ``start`` to ``end`` (``end``
defaults to ``start``). Records with no date at all (crossings, regions) are
standing features: date filters keep them, so the map keeps its context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from frontier_atlas.domain.countries import alpha3
from frontier_atlas.domain.position import Located
from frontier_atlas.domain.records import Dataset
from frontier_atlas.domain.text import normalise
from frontier_atlas.domain.timeline import Moment, moment_at


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    # timeline window [start, end], both inclusive; None when the timeline is off
    moment: tuple[date, date] | None = None
    countries: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] | None = None  # None: every kind; empty: none
    query: str = ""


def _search_text(rec) -> str:
    parts = [rec.name, rec.description or "", *rec.places]
    for attr in ("other_names", "forces", "sites", "actors", "commander", "unit", "name_a", "name_b", "event_type",
                 "aims_as_reported", "from_place", "to_place"):
        value = getattr(rec, attr, None)
        if isinstance(value, list):
            parts.extend(value)
        elif value:
            parts.append(value)
    return normalise(" ".join(parts))


def records_frame(ds: Dataset, located: dict[str, Located]) -> pd.DataFrame:
    """One row per record with what filtering and counting need."""
    rows = []
    for rid, rec in ds.records.items():
        loc = located.get(rid, Located())
        point = loc.point
        location_country = None
        if point is not None and point.country:
            location_country = alpha3(point.country)
        countries = set(rec.countries)
        if location_country:
            countries.add(location_country)
        start = rec.start
        end = rec.end or rec.start
        rows.append({
            "id": rid,
            "kind": rec.kind,
            "name": rec.name,
            "start": pd.Timestamp(start) if start else pd.NaT,
            "end": pd.Timestamp(end) if end else pd.NaT,
            "countries": tuple(sorted(countries)),
            "text": _search_text(rec),
            "lat": point.lat if point else None,
            "lon": point.lon if point else None,
            "has_position": bool(point) or loc.outline is not None,
        })
    frame = pd.DataFrame(rows, columns=["id", "kind", "name", "start", "end", "countries", "text",
                                        "lat", "lon", "has_position"])
    return frame.sort_values(["start", "name"], na_position="first").reset_index(drop=True)


def _overlaps(frame: pd.DataFrame, lo: date | None, hi: date | None) -> pd.Series:
    undated = frame["start"].isna()
    keep = pd.Series(True, index=frame.index)
    if lo is not None:
        keep &= frame["end"] >= pd.Timestamp(lo)
    if hi is not None:
        keep &= frame["start"] <= pd.Timestamp(hi)
    return keep | undated


def apply_filters(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    keep = _overlaps(frame, f.date_from, f.date_to)
    if f.moment is not None:
        keep &= _overlaps(frame, *f.moment)
    if f.kinds is not None:
        keep &= frame["kind"].isin(f.kinds)
    if f.countries:
        wanted = set(f.countries)
        keep &= frame["countries"].map(lambda cs: bool(wanted.intersection(cs)))
    query = normalise(f.query or "")
    if query:
        keep &= frame["text"].str.contains(query, regex=False)
    return frame[keep]


def data_span(frame: pd.DataFrame) -> tuple[date, date] | None:
    """First and last day any dated record is under way."""
    dated = frame.dropna(subset=["start"])
    if dated.empty:
        return None
    return dated["start"].min().date(), dated["end"].max().date()


def moment_of(view, span: tuple[date, date] | None) -> Moment | None:
    """The timeline moment a shared view (``link.ViewState``) stands on; None with the timeline off."""
    if not (view.timeline and span):
        return None
    lo, hi = view.date_from or span[0], view.date_to or span[1]
    return moment_at((lo, hi), view.step, view.moment or lo, view.mode, view.days)


def filters_for_view(view, span: tuple[date, date] | None) -> Filters:
    """The filters a shared view stands for: the one rule the map, every page and every export apply."""
    found = moment_of(view, span)
    moment = found.span(view.date_from or span[0]) if found else None
    return Filters(date_from=view.date_from, date_to=view.date_to, moment=moment,
                   countries=frozenset(view.countries), kinds=frozenset(view.kinds), query=view.query)


def highlighted(shown: pd.DataFrame, f: Filters, window: tuple[date, date] | None) -> set[str]:
    """The records of the step itself, marked on the map when the filters keep more
    than the step (the last N days, or everything up to it)."""
    if not window or f.moment == window:
        return set()
    return set(apply_filters(shown, Filters(moment=window))["id"]) - set(shown[shown["start"].isna()]["id"])
