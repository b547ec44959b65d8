"""The one way the app, its pages and the commands build a geocoder: from the configuration.

A chain built any other way would answer differently (no cache, Nominatim off when
the user turned it on), and the Places page, ``validate`` and the map would disagree.
"""

from __future__ import annotations

from pathlib import Path

from frontier_atlas.domain.records import Place
from frontier_atlas.geocode.cache import GeocodeCache
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.nominatim import NominatimProvider
from frontier_atlas.settings import settings


def build_geocoder(places: list[Place], overrides: list[Place], *,
                   cache_path: Path | None = None, online: str | None = None) -> GeocoderChain:
    """The configured chain: persistent cache, offline gazetteers, Nominatim if turned on.

    ``cache_path`` and ``online`` ("nominatim") override the configuration, for a
    test or a command-line flag; None means as configured.
    """
    cache = GeocodeCache(cache_path or settings().geocode_cache_path)
    provider = None
    if (online if online is not None else settings().online_geocoder) == "nominatim":
        provider = NominatimProvider(**settings().nominatim)
    return GeocoderChain(places, overrides, cache=cache, online=provider)
