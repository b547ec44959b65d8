"""The timeline's one rule: which days a moment on the timeline stands for.

The map page, the Data and Timeline pages, every export and a shared link all turn
(step, position, mode, N days) into days through ``Moment``, so they never disagree
on what "everything up to 2024" keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from frontier_atlas.domain.calendar import clamp_span

STEPS = ("year", "month", "week")


def timeline_steps(span: tuple[date, date], step: str) -> list[tuple[date, date]]:
    """Consecutive windows (inclusive) covering the span, by calendar year, month or ISO week.

    The span is clamped to the app's range first, so a stray date cannot ask for millions
    of windows (at most about 10,500 weeks).
    """
    first, last = clamp_span(span)
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
