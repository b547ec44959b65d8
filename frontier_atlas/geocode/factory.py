"""Build the app's geocoder from the configuration."""

from __future__ import annotations

from pathlib import Path

from frontier_atlas.config import settings
from frontier_atlas.geocode.cache import GeocodeCache
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.online import NominatimProvider
from frontier_atlas.models import Place


def build_geocoder(places: list[Place], overrides: list[Place],
                   cache_path: Path | None = None, online: str | None = None) -> GeocoderChain:
    """The configured chain: persistent cache, offline gazetteers, Nominatim if turned on."""
    cache = GeocodeCache(cache_path or settings().geocode_cache_path)
    provider = None
    if (online if online is not None else settings().online_geocoder) == "nominatim":
        provider = NominatimProvider(**settings().nominatim)
    return GeocoderChain(places, overrides, cache=cache, online=provider)
