"""Who held a region on a given day, from its control periods, and the colour to draw it in."""

from __future__ import annotations

from datetime import date

from frontier_atlas.domain.records import ControlPeriod

# by the controlling state's code; de facto authorities without a state code are grey
CONTROLLER_COLOURS = {
    "AZE": "#1f77b4", "ARM": "#e67e22", "GEO": "#c0392b", "RUS": "#8e44ad", "IRN": "#27ae60", "TUR": "#16a085",
}
DE_FACTO = "#7f8c8d"
UNKNOWN = "#b9770e"


def controller_on(periods: list[ControlPeriod], region_id: str, day: date) -> ControlPeriod | None:
    """The period covering ``day``; an open start or end counts as covering.

    Where periods overlap (a state and a foreign force at once), the one that began
    last wins: it is the change the timeline is showing.
    """
    covering = [
        p for p in periods
        if p.region_id == region_id
        and (p.start is None or p.start <= day)
        and (p.end is None or day < p.end)
    ]
    if not covering:
        return None
    return max(covering, key=lambda p: p.start or date.min)


def controller_colour(period: ControlPeriod | None) -> str:
    if period is None:
        return UNKNOWN
    return CONTROLLER_COLOURS.get(period.controller_country or "", DE_FACTO)
