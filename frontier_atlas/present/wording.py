"""Human wording for dates and positions, shared by the map and the panels."""

from __future__ import annotations

from datetime import date

from frontier_atlas.domain.position import Position


def _fmt(d: date, precision: str | None) -> str:
    if precision == "year":
        return f"{d.year}"
    if precision == "month":
        return d.strftime("%B %Y")
    return f"{d.day} {d.strftime('%B %Y')}"


def format_dates(start: date | None, end: date | None, precision: str | None = "day") -> str:
    """'18–21 May 2025', '24 November 2024', '' when undated."""
    if start is None:
        return ""
    if end is None or end == start:
        return _fmt(start, precision)
    if precision in (None, "day"):
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {end.strftime('%B %Y')}"
        if start.year == end.year:
            return f"{start.day} {start.strftime('%B')} – {end.day} {end.strftime('%B %Y')}"
    return f"{_fmt(start, precision)} – {_fmt(end, precision)}"


def describe_position(pos: Position) -> str:
    """'39.3796, 48.3546 (town precision, curated): town centre of Bīleh Savār, GeoNames 140494'."""
    return f"{pos.lat:.4f}, {pos.lon:.4f} ({pos.precision} precision, {pos.provider}): {pos.how_found}"
