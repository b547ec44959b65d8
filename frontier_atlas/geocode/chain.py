"""The geocoder the app uses: cache, curated places, countries, provinces, GeoNames towns, Nominatim."""

from __future__ import annotations

import hashlib
from collections import Counter

from frontier_atlas.domain.position import Position
from frontier_atlas.domain.records import Place
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.cache import GeocodeCache
from frontier_atlas.geocode.countries import CountryGazetteer
from frontier_atlas.geocode.curated import CuratedGazetteer
from frontier_atlas.geocode.errors import ProviderUnavailable
from frontier_atlas.geocode.geonames import GeoNamesGazetteer
from frontier_atlas.geocode.names import iso2
from frontier_atlas.geocode.nominatim import NominatimProvider
from frontier_atlas.geocode.provider import Provider
from frontier_atlas.geocode.provinces import ProvinceGazetteer, provinces_digest

OFFLINE = "offline"  # provider recorded for "no offline provider knows this name"


def gazetteer_version(places: list[Place], overrides: list[Place], provinces: str = "") -> str:
    """A fingerprint of our gazetteer: offline cache entries are valid for one version.

    ``provinces`` is the province index's digest: a rebuilt (or newly installed)
    index changes answers, so answers cached before it are computed again.
    """
    h = hashlib.sha1()
    for p in [*overrides, *places]:
        h.update(p.model_dump_json().encode())
    if provinces:  # no index: the same version as before provinces existed
        h.update(b"provinces:" + provinces.encode())
    return h.hexdigest()[:16]


class GeocoderChain:
    """The providers in order, behind a cache: the first offline answer wins, Nominatim comes last.

    Build the app's chain with ``factory.build_geocoder``; construct one directly only
    to choose its cache and online provider (tests, benchmarks).
    """

    def __init__(
        self,
        places: list[Place],
        overrides: list[Place] | None = None,
        cache: GeocodeCache | None = None,
        online: NominatimProvider | None = None,
    ):
        overrides = overrides or []
        # countries before towns: "Armenia" is a country here, not the city in Colombia;
        # provinces before towns: "Syunik" is Armenia's province, not a village of 645
        provinces = ProvinceGazetteer()
        self.offline: list[Provider] = [CuratedGazetteer(places, overrides), CountryGazetteer(), provinces,
                                        GeoNamesGazetteer()]
        self.online = online
        self.cache = cache
        self.version = gazetteer_version(places, overrides, provinces_digest(provinces.path))
        self.calls: Counter[str] = Counter()  # provider class (online: its name) -> geocode calls made
        self._memo: dict[tuple[str, str | None], Position | None] = {}

    def forget(self) -> None:
        """Drop the answers kept in this process (a benchmark's fresh look-ups)."""
        self._memo.clear()

    @property
    def messages(self) -> list[str]:
        out = [self.cache.notice] if self.cache is not None and self.cache.notice else []
        return out + (self.online.messages if self.online else [])

    def _offline(self, name: str, country: str | None) -> Position | None:
        for provider in self.offline:
            self.calls[type(provider).__name__] += 1
            found = provider.geocode(name, country)
            if found:
                return found[0]
        return None

    def locate(self, name: str, country: str | None = None) -> Position | None:
        key = (normalise(name), iso2(country))
        if key in self._memo:
            return self._memo[key]
        pos = self._resolve(name, country)
        self._memo[key] = pos
        return pos

    def _resolve(self, name: str, country: str | None) -> Position | None:
        hit = self.cache.get(name, country) if self.cache is not None else None
        if hit is not None:
            if hit.data_version == self.version:
                return hit.position
            if hit.provider == NominatimProvider.name:
                # our gazetteer changed: it wins if it now knows the name, else keep the answer
                pos = self._offline(name, country)
                if pos is not None:
                    self._store(name, country, pos)
                    return pos
                return hit.position
        pos = self._offline(name, country)
        if pos is not None:
            self._store(name, country, pos)
            return pos
        if self.online is not None:
            self.calls[self.online.name] += 1
            try:
                found = self.online.geocode(name, country)
            except ProviderUnavailable:
                return None  # not cached: asked again once the service is back
            pos = found[0] if found else None
            if self.cache is not None:
                self.cache.put(name, country, self.online.name, self.version, pos)
            return pos
        if self.cache is not None:
            self.cache.put(name, country, OFFLINE, self.version, None)
        return None

    def _store(self, name: str, country: str | None, pos: Position) -> None:
        if self.cache is not None:
            self.cache.put(name, country, pos.provider, self.version, pos)
