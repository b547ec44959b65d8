"""Our curated places (``data/places.csv``) and the user's pinned overrides, as a provider."""

from __future__ import annotations

from frontier_atlas.domain.position import Position
from frontier_atlas.domain.records import Place
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.names import iso2, split_qualifier
from frontier_atlas.geocode.provider import with_candidates

# qualifier kind -> which curated kinds may answer it
_COMPATIBLE = {
    "crossing": {"crossing"},
    "region": {"region"},
    "district": {"district", "region"},
    "river": {"river"},
    "town": {"town"},
}


class CuratedGazetteer:
    """Our own places with their aliases, plus pinned overrides.

    Overrides come first: a user who pinned a candidate on the Places page meant it.
    """

    def __init__(self, places: list[Place], overrides: list[Place] | None = None, name: str = "curated"):
        self.name = name
        self._exact: dict[str, list[tuple[str, Place]]] = {}
        self._core: dict[tuple[str, str], list[tuple[str, Place]]] = {}
        for provider, group in (("override", overrides or []), (name, places)):
            for place in group:
                for label in [place.name, *place.aliases]:
                    self._exact.setdefault(normalise(label), []).append((provider, place))
                    core, _ = split_qualifier(label)
                    self._core.setdefault((core, place.kind), []).append((provider, place))

    @staticmethod
    def _position(provider: str, p: Place, confidence: float) -> Position:
        return Position(p.lat, p.lon, p.precision, provider, p.name, iso2(p.country), p.how_found,
                        p.region_id, confidence)

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """Exact names and aliases first; else a qualified name's core ("Aras river") among kinds it allows."""
        hits = self._exact.get(normalise(query))
        if not hits:
            core, kind = split_qualifier(query)
            if kind:
                hits = [h for k in _COMPATIBLE.get(kind, ()) for h in self._core.get((core, k), [])]
        if not hits:
            return []
        want = iso2(country)
        hits = sorted(hits, key=lambda h: (h[0] != "override", want is not None and iso2(h[1].country) != want))
        # the same place listed twice (alias and name) is one candidate
        unique = list({(h[1].lat, h[1].lon): h for h in reversed(hits)}.values())[::-1]
        close = len(unique) > 1 and unique[0][0] == unique[1][0] and (
            want is None or iso2(unique[1][1].country) == want)
        best = self._position(*unique[0], 0.5 if close else 1.0)
        if not close:
            return [best]
        others = [self._position(*h, 0.5) for h in unique[1:5]]
        return [with_candidates(best, others), *others]

