"""Towns of 500+ inhabitants from GeoNames (``town_index``, on disk), offline."""

from __future__ import annotations

import math
from dataclasses import replace

from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.names import iso2, split_qualifier
from frontier_atlas.geocode.provider import with_candidates
from frontier_atlas.geocode.town_index import town_index


class GeoNamesGazetteer:
    """GeoNames towns, ranked our way.

    A matching country hint first, then the main name over an alternate one, then the
    larger town. Names qualified as a province, region or river are refused: GeoNames
    here has only towns, and a town that shares a region's name is the wrong answer,
    not an approximate one.
    """

    name = "GeoNames"

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """Up to five towns; with a hint, nothing unless the best is in that country."""
        core, kind = split_qualifier(query)
        if kind in ("region", "river"):
            return []
        index = town_index()
        hits = index.towns(normalise(query)) or (index.towns(core) if kind else [])
        want = iso2(country)
        unique = {}
        for tier, city in hits:
            unique.setdefault(city["geonameid"], (tier, city))
        ranked = sorted(unique.values(), key=lambda h: (
            want is not None and h[1]["countrycode"] != want, h[0], -h[1]["population"]))
        if not ranked or (want is not None and ranked[0][1]["countrycode"] != want):
            # a town of that name elsewhere is a wrong pin, not an approximate one
            return []
        precision = "district" if kind == "district" else "town"
        positions = [self._position(tier, city, precision, kind) for tier, city in ranked[:5]]
        confidence = _confidence(ranked, want)
        best = replace(positions[0], confidence=confidence)
        if confidence < 0.9 and len(positions) > 1:
            best = with_candidates(best, positions[1:])
        return [best, *positions[1:]]

    def _position(self, tier: int, city: dict, precision: str, kind: str | None) -> Position:
        how = f"town centre of {city['name']}, GeoNames {city['geonameid']}"
        if precision == "district":
            how += ", standing for the district around it"
        elif kind == "crossing":
            how += "; the crossing is at or near this town"
        return Position(city["latitude"], city["longitude"], precision, self.name, city["name"],
                        city["countrycode"], how)


def _confidence(ranked: list[tuple[int, dict]], want: str | None) -> float:
    """How clearly the first candidate beats the second."""
    tier, best = ranked[0]
    base = 0.95 if tier == 0 else 0.8
    if want is not None and best["countrycode"] != want:
        base = 0.4  # the hint matched nothing
    if len(ranked) == 1:
        return base
    tier2, second = ranked[1]
    if want is not None and best["countrycode"] == want and second["countrycode"] != want:
        return base
    if tier2 > tier:
        return min(base, 0.85)
    ratio = (best["population"] + 1) / (second["population"] + 1)
    if ratio >= 10:
        return min(base, 0.8)
    return round(min(base, 0.5 + 0.1 * math.log10(ratio)), 2)
