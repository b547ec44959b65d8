"""Every place name the data uses, how it resolved, and pinning the right candidate.

Feeds the Places page and the ``geocode`` command. A pinned candidate becomes an
override row in ``place_overrides.csv`` (curated data, written atomically), which
the gazetteer consults before anything else. Each pin has a version (its row's
content), so a page that pins against the version it showed cannot silently replace
a pin someone else made meanwhile.
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd

from frontier_atlas.data.durable import atomic_write_text, exclusive_lock
from frontier_atlas.domain.access import Action, Actor, check
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.records import Dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.names import split_qualifier
from frontier_atlas.places.locate import movement_queries, place_queries_of

OVERRIDE_FIELDS = ["name", "aliases", "kind", "country", "lat", "lon", "precision", "how_found",
                   "region_id", "source_ids"]


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


class PinConflict(Exception):
    """``name`` was pinned (or its pin replaced) by someone else since the page showed it.

    ``theirs`` is the pin now, as its override row; ``version`` its version now. Pinning
    again with that version replaces it knowingly.
    """

    def __init__(self, name: str, theirs: dict[str, str] | None, version: str) -> None:
        self.name, self.theirs, self.version = name, theirs, version
        where = f"{theirs.get('country') or '?'} {theirs.get('lat')}, {theirs.get('lon')}" if theirs else "nothing"
        super().__init__(f"{name} was pinned by someone else meanwhile (now: {where})")


def _pin_token(row: dict[str, str] | None) -> str:
    # the row's content is its version: the override file's columns are fixed (Place forbids others)
    if row is None:
        return ""
    return hashlib.sha256("\x1f".join(str(row.get(f, "")) for f in OVERRIDE_FIELDS).encode()).hexdigest()[:16]


def pin_version(path: Path, name: str) -> str:
    """The version of ``name``'s pin now ("" if it has none): what a page shows a pin
    against, and hands back to ``pin_place`` so a pin made meanwhile is not overwritten."""
    return _pin_token(_pinned(_read_overrides(Path(path)), name))


def pinned_row(path: Path, name: str) -> dict[str, str] | None:
    """``name``'s pin as its override row, or None: what a page says someone pinned."""
    return _pinned(_read_overrides(Path(path)), name)


def pin_place(path: Path, name: str, chosen: Position, version: str | None = None, *, by: Actor) -> str:
    """Save ``chosen`` as the answer for ``name``, replacing an earlier pin of the same name.

    Under an exclusive lock: two users pinning at once would otherwise each write back
    what they read, and the later rename would drop the other's pin. With ``version``
    (from ``pin_version``), only if ``name``'s pin is still that one, else ``PinConflict``:
    two users pinning one name differently are told, not silently overruled. Returns
    the new pin's version. ``by`` must be allowed to pin (``NotAllowed`` before anything is read).
    """
    check(by, Action.PIN_PLACE)
    path = Path(path)
    with exclusive_lock(path):
        rows = _read_overrides(path)
        now = _pinned(rows, name)
        if version is not None and _pin_token(now) != version:
            raise PinConflict(name, now, _pin_token(now))
        rows = [r for r in rows if r.get("name") != name]
        new = _override_row(name, chosen)
        rows.append(new)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=OVERRIDE_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(path, out.getvalue())
        return _pin_token(new)


def _read_overrides(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _pinned(rows: list[dict], name: str) -> dict | None:
    return next((r for r in rows if r.get("name") == name), None)


def _override_row(name: str, chosen: Position) -> dict:
    _, kind = split_qualifier(name)
    return {
        "name": name, "aliases": "", "kind": kind or "town", "country": chosen.country or "",
        "lat": f"{chosen.lat:.6f}", "lon": f"{chosen.lon:.6f}", "precision": chosen.precision,
        "how_found": f"pinned by a user: {chosen.how_found}", "region_id": chosen.region_id or "",
        "source_ids": "",
    }
