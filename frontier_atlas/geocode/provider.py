"""What every geocoding provider is: a name and one lookup answering positions, best first.

Modelled on geopy's geocoders package (one class per provider module), but answering
our ``Position`` (precision, provenance, confidence, runners-up) rather than geopy's
``Location``, whose ``raw`` dict would have to smuggle them. The chain asks the
offline providers in order, then the online one (whose outage messages it also shows).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from frontier_atlas.domain.position import Position


class Provider(Protocol):
    """A gazetteer or a geocoding service.

    ``name`` is the provider its positions record (``Position.provider``), and what the
    cache records for an online answer. ``geocode`` answers an empty list for a name
    the provider does not know; a provider that cannot be asked at all raises
    ``errors.ProviderUnavailable`` instead, so "not found" can be cached and an outage
    is not.
    """

    name: str

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """Positions for ``query``, best first; ``country`` (ISO alpha-2 or alpha-3) is a hint.

        The first position carries the close runners-up in ``candidates`` and a
        confidence below 1 when the choice among them was not clear.
        """
        ...


def with_candidates(pos: Position, others: list[Position]) -> Position:
    """``pos`` with ``others`` as its runners-up, theirs dropped: candidates never nest."""
    return replace(pos, candidates=tuple(replace(o, candidates=()) for o in others))
