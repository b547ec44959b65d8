"""The view a user is looking at, as URL query parameters, so a link reopens it.

One state is shared by every page: dates, timeline position, countries, kinds,
search, the selected record, and the map's centre and zoom. ``to_query`` writes it;
``from_query`` reads a link back, keeping what is valid and saying what it dropped,
so a stale or mangled link opens the nearest valid view instead of an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from frontier_atlas.domain.records import KINDS
from frontier_atlas.domain.timeline import DEFAULT_DAYS, MODES, STEPS


@dataclass(frozen=True)
class ViewState:
    date_from: date | None = None
    date_to: date | None = None
    timeline: bool = False
    step: str = "month"
    moment: date | None = None  # start of the timeline window shown
    mode: str = "step"  # what the moment shows: filters.MODES
    days: int = DEFAULT_DAYS  # N of "the last N days"
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = KINDS
    query: str = ""
    selected: str | None = None
    center: tuple[float, float] | None = None
    zoom: int | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)


def to_query(state: ViewState) -> dict[str, str]:
    """Only what differs from the default view, so plain links stay short."""
    out: dict[str, str] = {}
    if state.date_from:
        out["from"] = state.date_from.isoformat()
    if state.date_to:
        out["to"] = state.date_to.isoformat()
    if state.timeline:
        out["timeline"] = state.step
        if state.moment:
            out["at"] = state.moment.isoformat()
        if state.mode != "step":
            out["mode"] = state.mode
        if state.mode == "window" and state.days != DEFAULT_DAYS:
            out["days"] = str(state.days)
    if state.countries:
        out["countries"] = ",".join(state.countries)
    if tuple(state.kinds) != KINDS:
        out["kinds"] = ",".join(state.kinds) or "none"
    if state.query:
        out["q"] = state.query
    if state.selected:
        out["record"] = state.selected
    if state.center and state.zoom is not None:
        out["map"] = f"{state.center[0]:.4f},{state.center[1]:.4f},{state.zoom}"
    return out


def _quoted(value: str, most: int = 60) -> str:
    """A value quoted for a notice, cut short: a link can carry kilobytes in one parameter."""
    return repr(value if len(value) <= most else value[:most] + "…")


def _distinct(values: list[str]) -> list[str]:
    """First occurrences in order: a link repeating a code thousands of times means it once."""
    return list(dict.fromkeys(values))


def _listed(values: list[str], most: int = 10) -> str:
    shown = ", ".join(_quoted(v, 20).strip("'\"") for v in values[:most])
    return shown + (f" and {len(values) - most:,} more" if len(values) > most else "")


def _date(value: str, name: str, notices: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        notices.append(f"Ignored {name}={_quoted(value)}: not a date (YYYY-MM-DD).")
        return None


def from_query(
    params: dict[str, str],
    record_ids: set[str],
    countries: set[str],
    span: tuple[date, date] | None,
) -> ViewState:
    """The view a link describes, made valid against the data we have."""
    notices: list[str] = []
    state = ViewState()
    get = params.get

    d_from = _date(get("from"), "from", notices) if get("from") else None
    d_to = _date(get("to"), "to", notices) if get("to") else None
    if span:
        lo, hi = span
        clamp = lambda d: min(max(d, lo), hi)  # noqa: E731
        if d_from and clamp(d_from) != d_from or d_to and clamp(d_to) != d_to:
            notices.append(f"Dates moved into the data's span ({lo} to {hi}).")
        d_from = clamp(d_from) if d_from else None
        d_to = clamp(d_to) if d_to else None
    if d_from and d_to and d_from > d_to:
        notices.append("The start date was after the end date: both swapped.")
        d_from, d_to = d_to, d_from
    state = replace(state, date_from=d_from, date_to=d_to)

    if get("timeline"):
        step = get("timeline")
        if step not in STEPS:
            notices.append(f"Ignored timeline={_quoted(step)}: use year, month or week.")
            step = "month"
        moment = _date(get("at"), "at", notices) if get("at") else None
        mode = get("mode") or "step"
        if mode not in MODES:
            notices.append(f"Ignored mode={_quoted(mode)}: use {', '.join(MODES)}.")
            mode = "step"
        days = DEFAULT_DAYS
        if get("days"):
            try:
                days = int(get("days"))
                if not 1 <= days <= 3650:
                    raise ValueError
            except ValueError:
                notices.append(f"Ignored days={_quoted(get('days'))}: a whole number from 1 to 3650.")
                days = DEFAULT_DAYS
        state = replace(state, timeline=True, step=step, moment=moment, mode=mode, days=days)

    if get("countries"):
        wanted = _distinct([c.strip().upper() for c in get("countries").split(",") if c.strip()])
        unknown = [c for c in wanted if c not in countries]
        if unknown:
            notices.append(f"Ignored unknown country code(s): {_listed(unknown)}.")
        state = replace(state, countries=tuple(c for c in wanted if c in countries))

    if get("kinds"):
        raw = get("kinds")
        wanted = [] if raw == "none" else _distinct([k.strip() for k in raw.split(",") if k.strip()])
        unknown = [k for k in wanted if k not in KINDS]
        if unknown:
            notices.append(f"Ignored unknown kind(s): {_listed(unknown)}.")
        state = replace(state, kinds=tuple(k for k in KINDS if k in wanted))

    if get("q"):
        state = replace(state, query=get("q")[:200])

    if get("record"):
        if get("record") in record_ids:
            state = replace(state, selected=get("record"))
        else:
            notices.append(f"Record {_quoted(get('record'))} is not in the data (removed or renamed?).")

    if get("map"):
        try:
            lat, lon, zoom = get("map").split(",")
            lat, lon, zoom = float(lat), float(lon), int(zoom)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 1 <= zoom <= 18):
                raise ValueError
            state = replace(state, center=(lat, lon), zoom=zoom)
        except ValueError:
            notices.append(f"Ignored map={_quoted(get('map'))}: expected lat,lon,zoom.")
    return replace(state, notices=tuple(notices))


def describe_view(view: ViewState) -> str:
    """The active filters in a line, for pages that apply them without showing the widgets."""
    parts = []
    if view.date_from or view.date_to:
        parts.append(f"dates {view.date_from or '…'} to {view.date_to or '…'}")
    if view.timeline and view.moment:
        how = {"window": f"under way in the last {view.days} days", "cumulative": "everything up to it"}
        parts.append(f"timeline {view.step} of {view.moment}" + (f", {how[view.mode]}" if view.mode in how else ""))
    if view.countries:
        parts.append("countries " + ", ".join(view.countries))
    if tuple(view.kinds) != KINDS:
        parts.append("kinds " + (", ".join(view.kinds) or "none"))
    if view.query:
        parts.append(f"search “{view.query}”")
    return "Filters: " + ("; ".join(parts) if parts else "none") + " (change them on the Map page)."
