"""The timeline chart: every record on a time axis, drawn with Altair (bundled with Streamlit).

Exercises and other multi-day records are bars from start to end, one-day records
points, grouped by kind or by country and coloured like the map's legend. The chart
carries two selections: an interval brush on time (the page turns it into the
shared date filter) and a click on one record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import altair as alt
import pandas as pd

from frontier_atlas.domain.countries import country_name
from frontier_atlas.domain.records import KIND_LABELS, Dataset
from frontier_atlas.present.style import STYLE
from frontier_atlas.present.wording import format_dates

BRUSH = "brush"
PICK = "pick"


def timeline_frame(ds: Dataset, ids: list[str], group_by: str = "kind") -> pd.DataFrame:
    """One row per dated record (per country when grouped by country)."""
    rows = []
    for rid in ids:
        rec = ds.records[rid]
        if rec.start is None:
            continue
        end = rec.end or rec.start
        groups = [KIND_LABELS[rec.kind]] if group_by == "kind" else [country_name(c) for c in rec.countries] or ["—"]
        for group in groups:
            rows.append({
                "id": rid, "name": rec.name, "kind": KIND_LABELS[rec.kind], "group": group,
                "start": pd.Timestamp(rec.start), "end": pd.Timestamp(end + timedelta(days=1)),
                "dates": format_dates(rec.start, rec.end, rec.date_precision),
                "shape": "bar" if end > rec.start else "point",
            })
    return pd.DataFrame(rows, columns=["id", "name", "kind", "group", "start", "end", "dates", "shape"])


def timeline_chart(frame: pd.DataFrame, height_per_group: int = 60) -> alt.LayerChart:
    colours = alt.Scale(domain=[KIND_LABELS[k] for k in STYLE], range=[STYLE[k][0] for k in STYLE])
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    pick = alt.selection_point(name=PICK, fields=["id"], on="click")
    base = alt.Chart(frame).encode(
        y=alt.Y("group:N", title=None, sort="ascending"),
        color=alt.Color("kind:N", scale=colours, legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("name:N", title="Name"), alt.Tooltip("dates:N", title="Dates"),
                 alt.Tooltip("kind:N", title="Kind")],
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.75)),
    )
    bars = base.transform_filter(alt.datum.shape == "bar").mark_bar(height=18, cornerRadius=2).encode(
        x=alt.X("start:T", title=None), x2="end:T")
    points = base.transform_filter(alt.datum.shape == "point").mark_point(size=120, filled=True).encode(
        x=alt.X("start:T", title=None))
    groups = max(1, frame["group"].nunique())
    return (bars + points).add_params(brush, pick).properties(height=groups * height_per_group + 30)


def brushed_dates(selection: dict) -> tuple[date, date] | None:
    """The brushed stretch as dates, from Streamlit's selection state of the chart."""
    interval = (selection or {}).get(BRUSH) or {}
    values = interval.get("start") or next(iter(interval.values()), None)
    if not values or len(values) != 2:
        return None
    lo, hi = sorted(values)
    to_date = lambda v: (datetime.fromtimestamp(v / 1000, tz=timezone.utc).date()  # noqa: E731
                         if isinstance(v, (int, float)) else pd.Timestamp(v).date())
    return to_date(lo), to_date(hi)


def picked_record(selection: dict) -> str | None:
    picked = (selection or {}).get(PICK) or []
    return picked[0].get("id") if picked and isinstance(picked[0], dict) else None
