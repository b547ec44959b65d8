"""Nominatim through geopy: off unless the user turns it on, polite, and fault-tolerant.

Nominatim's usage policy asks for at most one request a second and an identifying
User-Agent; geopy's client and its ``RateLimiter`` do the HTTP. A failing service
(rate limit, timeout, 5xx, garbage) must not stall the app: after geopy's own
retry, the provider backs off for a while, during which the chain serves from cache
and offline data, and the outage is reported once. Turning geopy's answer into
positions is ``parse``, a pure function, so it is tested without a server.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Callable

from geopy.exc import GeocoderServiceError, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location

from frontier_atlas.domain.position import Position
from frontier_atlas.geocode.errors import ProviderUnavailable
from frontier_atlas.geocode.names import iso2, split_qualifier

NAME = "Nominatim"

_PRECISION = {
    "country": "country",
    "state": "region", "province": "region", "region": "region", "state_district": "region",
    "county": "district", "district": "district", "municipality": "district",
    "city": "town", "town": "town", "village": "town", "hamlet": "town", "suburb": "town",
    "neighbourhood": "town", "quarter": "town", "city_district": "town",
}


def parse(query: str, found: Sequence[Location] | None) -> list[Position]:
    """Positions for geopy's answer to ``query``, best (Nominatim's first) first.

    A region-qualified query keeps only region and country answers: a region's name
    must not land on a town that shares it. A runner-up nearly as important as the
    first makes the first a close call, with the others as its candidates.
    """
    positions = [position(loc.raw, loc.latitude, loc.longitude) for loc in found or ()]
    _, kind = split_qualifier(query)
    if kind == "region":
        positions = [p for p in positions if p.precision in ("region", "country")]
    if len(positions) > 1 and positions[1].confidence >= 0.8 * positions[0].confidence:
        best = positions[0]
        positions[0] = replace(best, confidence=min(best.confidence, 0.5), candidates=tuple(positions[1:]))
    return positions


def position(raw: dict, lat: float, lon: float) -> Position:
    """One Nominatim result; its importance stands for the confidence (0.5 when it says none)."""
    kind = raw.get("addresstype") or raw.get("type") or ""
    precision = _PRECISION.get(kind, "exact")
    try:
        importance = float(raw.get("importance") or 0.5)
    except (TypeError, ValueError):
        importance = 0.5
    name = str(raw.get("display_name") or raw.get("name") or "")
    return Position(
        lat, lon, precision, NAME, name.split(",")[0], None,
        f"{kind or 'place'} '{name}', OpenStreetMap Nominatim (osm {raw.get('osm_type')} {raw.get('osm_id')})",
        confidence=round(max(0.0, min(1.0, importance)), 2),
    )


class NominatimProvider:
    """OpenStreetMap's geocoder, asked last: only for names no offline provider knows."""

    name = NAME

    def __init__(
        self,
        user_agent: str,
        domain: str | None = None,
        scheme: str | None = None,
        timeout: float = 5.0,
        min_delay_seconds: float = 1.0,
        error_wait_seconds: float = 2.0,
        backoff_seconds: tuple[float, float] = (30.0, 900.0),
        clock: Callable[[], float] = time.monotonic,
    ):
        kwargs = {"user_agent": user_agent, "timeout": timeout}
        if domain:
            kwargs["domain"] = domain
        if scheme:
            kwargs["scheme"] = scheme
        self.client = Nominatim(**kwargs)
        self._geocode = RateLimiter(
            self.client.geocode, min_delay_seconds=min_delay_seconds, max_retries=1,
            error_wait_seconds=error_wait_seconds, swallow_exceptions=False,
        )
        self.backoff_min, self.backoff_max = backoff_seconds
        self._backoff = 0.0
        self._until = 0.0
        self._clock = clock
        self.messages: list[str] = []  # one line per outage, for the UI
        self.requests = 0

    @property
    def available(self) -> bool:
        return self._clock() >= self._until

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """Raises ``ProviderUnavailable`` while backing off and on any failure, which starts a backoff."""
        return parse(query, self.request(query, country))

    def request(self, query: str, country: str | None = None) -> list[Location] | None:
        """geopy's answer (up to five results), through the rate limiter and the backoff."""
        if not self.available:
            raise ProviderUnavailable(f"{self.name} is paused after an error")
        try:
            self.requests += 1
            found = self._geocode(query, exactly_one=False, limit=5,
                                  country_codes=(iso2(country) or "").lower() or None,
                                  addressdetails=False)
        except (GeocoderServiceError, GeopyError, ValueError) as exc:
            self._fail(exc)
            raise ProviderUnavailable(str(exc)) from exc
        if self._backoff:
            self.messages.append(f"{self.name} is answering again.")
        self._backoff = 0.0
        return found

    def _fail(self, exc: Exception) -> None:
        first = self._backoff == 0.0
        self._backoff = self.backoff_min if first else min(self._backoff * 2, self.backoff_max)
        self._until = self._clock() + self._backoff
        if first:
            self.messages.append(
                f"{self.name} is unavailable ({type(exc).__name__}: {exc}); serving from the cache "
                f"and offline data, retrying after {self._backoff:.0f} s."
            )
