"""What a geocoder answers, a position with its provenance and how sure we are, and where
each record goes on the map (``Located``), which every part that draws or exports reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# How far from the drawn point the place may really be, by precision (metres).
UNCERTAINTY_M = {"exact": 0, "town": 3_000, "district": 15_000, "region": 40_000, "country": 200_000}
PRECISIONS = tuple(UNCERTAINTY_M)


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    precision: str  # exact, town, district, region, country
    provider: str  # curated, override, GeoNames, Nominatim, source
    matched: str  # the name the provider matched
    country: str | None  # ISO alpha-2
    how_found: str  # one sentence for the user
    region_id: str | None = None  # outline in outlines.geojson
    confidence: float = 1.0  # 0..1: how sure the choice among candidates is
    candidates: tuple["Position", ...] = field(default_factory=tuple)  # runners-up when close

    @property
    def uncertainty_m(self) -> int:
        return UNCERTAINTY_M.get(self.precision, 0)

    @property
    def ambiguous(self) -> bool:
        return bool(self.candidates) and self.confidence < 0.75

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Position":
        data = dict(data)
        data["candidates"] = tuple(cls.from_dict(c) for c in data.get("candidates") or ())
        return cls(**data)


@dataclass(frozen=True)
class Located:
    point: Position | None = None
    outline: dict | None = None  # GeoJSON Feature of a region
    line: tuple[Position, Position] | None = None  # movements
    unresolved: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_position(self) -> bool:
        return self.point is not None
