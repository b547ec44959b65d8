"""Every place name the data uses, how it resolved, and pinning the right candidate.

Feeds the Places page and the ``geocode`` command. A pinned candidate becomes an
override row in ``place_overrides.csv`` (curated data, written atomically), which
the gazetteer consults before anything else.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from frontier_atlas.data.durable import atomic_write_text, exclusive_lock
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


def pin_place(path: Path, name: str, chosen: Position) -> None:
    """Save ``chosen`` as the answer for ``name``, replacing an earlier pin of the same name.

    Under an exclusive lock: two users pinning at once would otherwise each write back
    what they read, and the later rename would drop the other's pin.
    """
    path = Path(path)
    with exclusive_lock(path):
        rows = _read_overrides(path, without=name)
        rows.append(_override_row(name, chosen))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=OVERRIDE_FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        atomic_write_text(path, out.getvalue())


def _read_overrides(path: Path, without: str) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f) if r.get("name") != without]


def _override_row(name: str, chosen: Position) -> dict:
    _, kind = split_qualifier(name)
    return {
        "name": name, "aliases": "", "kind": kind or "town", "country": chosen.country or "",
        "lat": f"{chosen.lat:.6f}", "lon": f"{chosen.lon:.6f}", "precision": chosen.precision,
        "how_found": f"pinned by a user: {chosen.how_found}", "region_id": chosen.region_id or "",
        "source_ids": "",
    }
