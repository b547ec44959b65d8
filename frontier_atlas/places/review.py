"""Every place name the data uses, how it resolved, and pinning the right candidate.

Feeds the Places page and the ``geocode`` command. A pinned candidate becomes an
override row in the user store, with who pinned it (curated files are never written
by the app); the gazetteer consults pins before anything else. Each pin has a version
(its row's content), so a page that pins against the version it showed cannot
silently replace a pin someone else made meanwhile.
"""

from __future__ import annotations

import pandas as pd

from frontier_atlas.data.userstore import PinConflict, UserStore, pin_token
from frontier_atlas.domain.access import Actor
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.records import Dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.names import split_qualifier
from frontier_atlas.places.locate import movement_queries, place_queries_of

__all__ = ["PinConflict", "pin_place", "pin_version", "pinned_row", "place_queries", "places_table"]


def place_queries(ds: Dataset) -> list[tuple[str, str | None]]:
    """Each (place name, country hint) the records ask the geocoder, once, in data order."""
    seen: dict[tuple[str, str | None], None] = {}
    for rec in ds.records.values():
        for query in place_queries_of(rec):
            seen.setdefault(query, None)
        if rec.kind == "movement":
            for query in movement_queries(rec):
                seen.setdefault(query, None)
    for point in ds.region_points:
        seen.setdefault((point.settlement, point.country), None)
    return list(seen)


def position_row(name: str, hint: str | None, pos: Position | None) -> dict:
    """One row of a places table (what ``build_places_map`` draws)."""
    return {
        "name": name, "country hint": hint or "",
        "lat": pos.lat if pos else None, "lon": pos.lon if pos else None,
        "provider": pos.provider if pos else "not found",
        "precision": pos.precision if pos else "",
        "confidence": pos.confidence if pos else None,
        "matched": pos.matched if pos else "",
        "how found": pos.how_found if pos else "",
        "ambiguous": bool(pos and pos.ambiguous),
        "candidates": len(pos.candidates) if pos else 0,
    }


def places_table(ds: Dataset, geocoder: GeocoderChain) -> pd.DataFrame:
    return pd.DataFrame([position_row(name, hint, geocoder.locate(name, hint))
                         for name, hint in place_queries(ds)])


def pin_version(store: UserStore, name: str) -> str:
    """The version of ``name``'s pin now ("" if it has none): what a page shows a pin
    against, and hands back to ``pin_place`` so a pin made meanwhile is not overwritten."""
    return pin_token(pinned_row(store, name))


def pinned_row(store: UserStore, name: str) -> dict | None:
    """``name``'s pin as its override row, or None: what a page says someone pinned."""
    found = store.pins().get(name)
    return None if found is None else found[0]


def pin_place(store: UserStore, name: str, chosen: Position, version: str | None = None, *,
              by: Actor) -> str:
    """Save ``chosen`` as the answer for ``name``, replacing an earlier pin of the same name.

    Into the user store with its author, never into the curated folder. With ``version``
    (from ``pin_version``), only if ``name``'s pin is still that one, else ``PinConflict``:
    two users pinning one name differently are told, not silently overruled. Returns the
    new pin's version. Reviewers only (``NotAllowed`` before anything is read).
    """
    return store.pin(name, _override_row(name, chosen, by), version, by=by)


def _override_row(name: str, chosen: Position, by: Actor) -> dict:
    # a Place as stored (model_dump form): what the loader validates back
    _, kind = split_qualifier(name)
    return {
        "name": name, "aliases": [], "kind": kind or "town", "country": chosen.country or None,
        "lat": round(chosen.lat, 6), "lon": round(chosen.lon, 6), "precision": chosen.precision,
        "how_found": f"pinned by {by.name}: {chosen.how_found}", "region_id": chosen.region_id or None,
        "source_ids": [],
    }
