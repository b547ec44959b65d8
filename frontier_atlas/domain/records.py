"""The record types of the curated data, validated as they are loaded.

Each CSV row becomes one of these models; pydantic gives each bad value a field
name, which the loader turns into a "file, row, field" message. List-valued
columns hold items separated by ``;`` so the files stay editable in a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)

from frontier_atlas.domain.countries import alpha3
from frontier_atlas.domain.issues import Issue

Kind = Literal["exercise", "crossing", "region", "event", "movement"]
KINDS: tuple[str, ...] = ("exercise", "crossing", "region", "event", "movement")
KIND_LABELS = {
    "exercise": "Military exercise",
    "crossing": "Border crossing",
    "region": "Disputed region",
    "event": "Event",
    "movement": "Movement",
}


def _split(value: object) -> object:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _iso3(code: str) -> str:
    code = code.strip().upper()
    if alpha3(code) != code:  # an alpha-2 or numeric code names a country too, but records speak alpha-3
        raise ValueError(f"{code!r} is not an ISO 3166 alpha-3 country code")
    return code


def _http_url(url: str | None) -> str | None:
    # Source links open in the user's browser: only http(s) may become a link.
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise ValueError("only http:// or https:// URLs are allowed")
    return url


Str = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v), Field(min_length=1)]
OptStr = Annotated[Union[str, None], BeforeValidator(_blank_to_none)]
OptDate = Annotated[Union[date, None], BeforeValidator(_blank_to_none)]
StrList = Annotated[list[str], BeforeValidator(_split)]
CountryList = Annotated[list[Annotated[str, AfterValidator(_iso3)]], BeforeValidator(_split)]
Country = Annotated[str, AfterValidator(_iso3)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
OptId = Annotated[Union[Id, None], BeforeValidator(_blank_to_none)]
IdList = Annotated[list[Id], BeforeValidator(_split)]  # links: one id or several, ";"-separated
LINK_FIELDS = {"crossing_id": "crossing", "region_id": "region", "exercise_id": "exercise"}
DatePrecision = Literal["day", "month", "year"]


def partial_date_precision(value: object) -> str | None:
    """'2008' -> 'year', '2008-08' -> 'month', '2008-08-15' -> 'day' (None if not a string)."""
    if not isinstance(value, str) or not value.strip():
        return None
    parts = value.strip().split("-")
    return {1: "year", 2: "month"}.get(len(parts), "day")


def _partial_date(value: object) -> object:
    # sources often give only a year or a month: stored as its first day, with a precision
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        parts = value.split("-")
        if len(parts) == 1 and parts[0].isdigit():
            return f"{value}-01-01"
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return f"{value}-01"
    return value


PartialDate = Annotated[Union[date, None], BeforeValidator(_partial_date)]
Verification = Literal["single source", "several independent sources", "contested"]


class Source(BaseModel):
    """A publication that records cite; records hold its id in ``source_ids``."""

    model_config = ConfigDict(extra="forbid")
    id: Id
    publisher: Str
    title: Str
    published: Annotated[date, BeforeValidator(_partial_date)]
    published_precision: DatePrecision = "day"
    type: Literal["news report", "official statement", "dataset", "reference"]
    url: Annotated[OptStr, AfterValidator(_http_url)] = None
    note: OptStr = None

    @model_validator(mode="before")
    @classmethod
    def _precision_from_text(cls, data):
        if isinstance(data, dict) and "published_precision" not in data:
            precision = partial_date_precision(data.get("published"))
            if precision:
                data = {**data, "published_precision": precision}
        return data


class Place(BaseModel):
    """A curated gazetteer entry: a place the sources name that GeoNames holds badly."""

    model_config = ConfigDict(extra="forbid")
    name: Str
    aliases: StrList = []
    kind: Literal["region", "crossing", "town", "district", "river", "country"]
    country: OptStr = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    precision: Literal["exact", "town", "district", "region", "country"]
    how_found: Str  # said to the user: how these coordinates were obtained
    region_id: OptId = None  # outline in regions.geojson, for region-level places
    source_ids: StrList = []


class RecordBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    name: Str
    start: PartialDate = None  # "2008" and "2008-08" are read as the first day, with date_precision
    end: PartialDate = None
    date_precision: Annotated[Union[DatePrecision, None], BeforeValidator(_blank_to_none)] = None
    places: StrList = []
    description: OptStr = None
    source_ids: Annotated[StrList, Field(min_length=1)]
    verification: Verification = "single source"
    verification_note: OptStr = None
    # exact coordinates, only when a cited source gives them; they win over geocoding
    lat: Annotated[Union[float, None], Field(ge=-90, le=90)] = None
    lon: Annotated[Union[float, None], Field(ge=-180, le=180)] = None
    coordinates_source: OptId = None

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.end and not self.start:
            raise ValueError("end is given without start")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if self.lat is not None and self.coordinates_source not in self.source_ids:
            raise ValueError("exact coordinates need coordinates_source: one of the record's source_ids")
        return self

    @property
    def countries(self) -> list[str]:
        """Countries the record concerns, for the country filter."""
        return []

    @property
    def links(self) -> list[tuple[str, str]]:
        """Other records this one points at: (role, id), role being the target's kind."""
        out = []
        for field_name, role in LINK_FIELDS.items():
            for target in getattr(self, field_name, None) or []:
                out.append((role, target))
        return out


class Exercise(RecordBase):
    kind: Literal["exercise"] = "exercise"
    participants: CountryList
    host: CountryList = []  # where it took place (two when each side trained at home)
    forces: StrList = []
    sites: StrList = []  # ranges, bases, areas as reported; not geocoded
    commander: OptStr = None
    aims_as_reported: OptStr = None
    crossing_id: IdList = []
    region_id: IdList = []
    other_names: StrList = []

    @property
    def countries(self) -> list[str]:
        return list(dict.fromkeys(self.participants + self.host))


class Crossing(RecordBase):
    kind: Literal["crossing"] = "crossing"
    country_a: Country
    name_a: Str
    country_b: Country
    name_b: OptStr = None  # not every side has a named post
    type: Literal["road", "rail", "bridge", "checkpoint", "road and rail"]
    status: Str
    status_date: OptDate = None

    @property
    def countries(self) -> list[str]:
        return [self.country_a, self.country_b]


class Region(RecordBase):
    kind: Literal["region"] = "region"
    other_names: StrList = []
    claimants: CountryList
    internationally_recognised_as: Annotated[Union[Country, None], BeforeValidator(_blank_to_none)] = None

    @property
    def countries(self) -> list[str]:
        return list(self.claimants)


class Event(RecordBase):
    kind: Literal["event"] = "event"
    event_type: Str
    participants: CountryList = []
    actors: StrList = []  # parties that are not states (de facto authorities, forces), as named
    region_id: IdList = []
    crossing_id: IdList = []

    @property
    def countries(self) -> list[str]:
        return list(self.participants)


class Movement(RecordBase):
    """A unit's movement, drawn as a line from ``from_place`` to ``to_place``."""

    kind: Literal["movement"] = "movement"
    unit: Str
    participants: CountryList = []
    from_place: Str
    to_place: Str
    route_as_reported: OptStr = None
    exercise_id: IdList = []
    crossing_id: IdList = []

    @property
    def countries(self) -> list[str]:
        return list(self.participants)


class ControlPeriod(BaseModel):
    """Who held a region between two dates; open-ended where a date is unknown or ongoing."""

    model_config = ConfigDict(extra="forbid")
    region_id: Id
    controller: Str
    controller_country: Annotated[Union[Country, None], BeforeValidator(_blank_to_none)] = None
    start: PartialDate = None
    start_precision: DatePrecision = "day"
    start_note: OptStr = None
    end: PartialDate = None
    end_precision: DatePrecision = "day"
    source_ids: Annotated[StrList, Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _precisions(cls, data):
        if isinstance(data, dict):
            data = dict(data)
            for key in ("start", "end"):
                precision = partial_date_precision(data.get(key))
                if precision and f"{key}_precision" not in data:
                    data[f"{key}_precision"] = precision
        return data

    @model_validator(mode="after")
    def _in_order(self):
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class RegionPoint(BaseModel):
    """A settlement inside a region; a region's approximate outline is drawn around them."""

    model_config = ConfigDict(extra="forbid")
    region_id: Id
    settlement: Str
    country: Annotated[Union[Country, None], BeforeValidator(_blank_to_none)] = None
    pad_km: float = Field(default=3.0, gt=0, le=50)
    note: OptStr = None


Record = Union[Exercise, Crossing, Region, Event, Movement]
RECORD_MODELS: dict[str, type[RecordBase]] = {
    "exercise": Exercise,
    "crossing": Crossing,
    "region": Region,
    "event": Event,
    "movement": Movement,
}


@dataclass
class Dataset:
    """Everything the curated data folder holds, validated; what each page reads."""

    records: dict[str, Record] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    overrides: list[Place] = field(default_factory=list)  # places pinned on the Places page
    control: list[ControlPeriod] = field(default_factory=list)
    region_points: list[RegionPoint] = field(default_factory=list)
    # region id -> GeoJSON Feature (geometry plus its stated precision)
    outlines: dict[str, dict] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # record id -> (file, row), so later checks can point at the row
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    # records users added from articles: id -> provenance (see data/userstore.py)
    user: dict[str, dict] = field(default_factory=dict)
    # from the user store too: place name -> who pinned it and when; record id -> who
    # marked it verified, when, and their note
    pinned: dict[str, dict] = field(default_factory=dict)
    reviewed: dict[str, dict] = field(default_factory=dict)
