"""Where each record goes on the map: a point, a region outline or a line.

Positions are derived, never stored in records: the first place name that the
geocoder resolves is the record's position, and the record says how it was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from frontier_atlas.geocode import GeocoderChain, Position
from frontier_atlas.loader import Dataset
from frontier_atlas.models import Record


@dataclass(frozen=True)
class Located:
    point: Position | None = None
    outline: dict | None = None  # GeoJSON Feature of a region
    line: tuple[Position, Position] | None = None  # movements
    unresolved: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_position(self) -> bool:
        return self.point is not None


def country_hint(rec: Record) -> str | None:
    """The country a record's places are most likely in, to choose between homonyms."""
    for attr in ("host", "country_a"):
        value = getattr(rec, attr, None)
        if value:
            return value
    participants = getattr(rec, "participants", None)
    return participants[0] if participants and len(participants) == 1 else None


def _from_source(rec: Record, ds: Dataset) -> Position | None:
    if rec.lat is None or rec.coordinates_source not in ds.sources:
        return None
    src = ds.sources[rec.coordinates_source]
    return Position(rec.lat, rec.lon, "exact", "source", rec.places[0] if rec.places else rec.name, None,
                    f"coordinates given by {src.publisher}, \u201c{src.title}\u201d ({src.published.isoformat()})")


def locate_record(rec: Record, ds: Dataset, geocoder: GeocoderChain) -> Located:
    hint = country_hint(rec)
    unresolved = []
    point = _from_source(rec, ds)
    for name in rec.places:
        pos = geocoder.locate(name, hint)
        if pos is None:
            unresolved.append(name)
        elif point is None:
            point = pos
    outline = None
    if rec.kind == "region":
        outline = ds.outlines.get(rec.id)
        if outline is None and point is not None and point.region_id:
            outline = ds.outlines.get(point.region_id)
    line = None
    if rec.kind == "movement":
        start = geocoder.locate(rec.from_place, hint)
        end = geocoder.locate(rec.to_place)
        for name, pos in ((rec.from_place, start), (rec.to_place, end)):
            if pos is None:
                unresolved.append(name)
        if start and end:
            line = (start, end)
            point = point or start
    return Located(point, outline, line, tuple(unresolved))


def locate_all(ds: Dataset, geocoder: GeocoderChain) -> dict[str, Located]:
    return {rid: locate_record(rec, ds, geocoder) for rid, rec in ds.records.items()}
