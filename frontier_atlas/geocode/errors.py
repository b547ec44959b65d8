"""Geocoding's exceptions, one tree: callers catch ``GeocodeError`` without knowing providers.

geopy's own errors stop at the provider that uses geopy: the chain and the UI see
only these, so a provider can change its HTTP client without changing its callers.
"""

from __future__ import annotations


class GeocodeError(Exception):
    """A name could not be looked up (as opposed to: looked up and not found)."""


class ProviderUnavailable(GeocodeError):
    """The provider cannot be asked now (outage, rate limit, paused after an error).

    Not an answer: the chain serves from the cache and the offline data instead and
    caches nothing, so the name is asked again once the service is back.
    """
