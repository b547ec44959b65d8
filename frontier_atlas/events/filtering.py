"""The map's filters applied to imported sets: the same rule as the curated records,
as NumPy masks (a few milliseconds for a million events) or a database query."""

from __future__ import annotations

from frontier_atlas.domain.filters import Filters
from frontier_atlas.events.eventset import EventSet
from frontier_atlas.events.view import EventView, MaskedSet


def filter_sets(sets: list, f: Filters, event_types: list[str]) -> list[EventView]:
    """Each shown set under the filters (a set in memory with its mask, or a database
    set's query); none when the kinds chosen leave out events (no kind chosen at all
    still shows them)."""
    if not sets or (f.kinds and "event" not in f.kinds):
        return []
    lo, hi = f.date_from, f.date_to
    if f.moment:
        lo = max(lo, f.moment[0]) if lo else f.moment[0]
        hi = min(hi, f.moment[1]) if hi else f.moment[1]
    chosen = (lo, hi, frozenset(f.countries), frozenset(event_types), f.query)
    return [MaskedSet(es, es.mask(*chosen)) if isinstance(es, EventSet) else es.filtered(*chosen) for es in sets]
