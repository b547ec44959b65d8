"""Filtering records by dates, timeline moment, countries, kinds and free text.

Works on a plain pandas frame (one row per record, built by ``records_frame``) so
it is fast, testable without Streamlit, and shared by every page.

Date rules: a record is under way on every day from ``start`` to ``end`` (``end``
defaults to ``start``). Records with no date at all (crossings, regions) are
standing features: date filters keep them, so the map keeps its context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from frontier_atlas.geocode import normalise
from frontier_atlas.loader import Dataset
from frontier_atlas.models import country_alpha3
from frontier_atlas.positions import Located


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
            location_country = country_alpha3(point.country)
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


def timeline_steps(span: tuple[date, date], step: str) -> list[tuple[date, date]]:
    """Consecutive windows (inclusive) covering the span, by calendar year, month or ISO week."""
    first, last = span
    windows = []
    if step == "year":
        windows = [(date(y, 1, 1), date(y, 12, 31)) for y in range(first.year, last.year + 1)]
    elif step == "week":
        cur = first - timedelta(days=first.weekday())
        while cur <= last:
            windows.append((cur, cur + timedelta(days=6)))
            cur += timedelta(days=7)
    else:
        cur = first.replace(day=1)
        while cur <= last:
            nxt = (cur.replace(day=28) + timedelta(days=4)).replace(day=1)
            windows.append((cur, nxt - timedelta(days=1)))
            cur = nxt
    return windows


def window_label(window: tuple[date, date], step: str) -> str:
    """How a timeline window is named on the slider."""
    start, end = window
    if step == "year":
        return str(start.year)
    if step == "month":
        return start.strftime("%B %Y")
    return f"{start.isoformat()} – {end.isoformat()}"


MODES = {
    "step": "under way in the step",
    "window": "under way in the last N days",
    "cumulative": "everything up to the date",
}
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Moment:
    """The timeline's one rule, used by the map, every page and every export.

    ``window`` is the step the slider stands on (a year, month or week); ``mode`` says
    what it shows: the records under way in that step, in the ``days`` up to its last
    day, or everything from the start of the date range up to it.
    """

    window: tuple[date, date]
    mode: str = "step"
    days: int = DEFAULT_DAYS

    def span(self, date_from: date | None) -> tuple[date, date]:
        """The days the filters keep: ``date_from`` is where the date range starts."""
        first, last = self.window
        if self.mode == "window":
            return last - timedelta(days=int(self.days) - 1), last
        if self.mode == "cumulative":
            return (date_from or first), last
        return first, last


def moment_at(span: tuple[date, date], step: str, at: date | None, mode: str = "step",
              days: int = DEFAULT_DAYS) -> Moment | None:
    """The moment holding day ``at`` (the first step when ``at`` is outside the span)."""
    windows = timeline_steps(span, step)
    if not windows:
        return None
    window = next((w for w in windows if at and w[0] <= at <= w[1]), windows[0])
    return Moment(window, mode if mode in MODES else "step", days)


def filters_for_view(view, span: tuple[date, date] | None) -> Filters:
    """The filters a shared view (``state.ViewState``) stands for, as every page applies them."""
    moment = None
    if view.timeline and span:
        lo, hi = view.date_from or span[0], view.date_to or span[1]
        found = moment_at((lo, hi), view.step, view.moment or lo, view.mode, view.days)
        moment = found.span(lo) if found else None
    return Filters(date_from=view.date_from, date_to=view.date_to, moment=moment,
                   countries=frozenset(view.countries), kinds=frozenset(view.kinds), query=view.query)
