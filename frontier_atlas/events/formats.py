"""What an imported event file looks like: our fields, the ACLED and UCDP GED
presets, and how their precision codes map onto ours.

An import maps source columns onto ``FIELDS``; ACLED and UCDP exports are
recognised by their column names, anything else goes through the mapping step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from frontier_atlas.domain.countries import alpha3, country, country_named

# our event fields, in the order the mapping step shows them; (label, required)
FIELDS: dict[str, tuple[str, bool]] = {
    "event_id": ("Event id", False),
    "date": ("Date (or start date)", True),
    "date_end": ("End date", False),
    "date_precision": ("Date precision", False),
    "latitude": ("Latitude", True),
    "longitude": ("Longitude", True),
    "geo_precision": ("Position precision", False),
    "event_type": ("Event type", False),
    "sub_type": ("Sub-type", False),
    "actor1": ("Actor 1", False),
    "actor2": ("Actor 2", False),
    "country": ("Country (name or ISO code)", False),
    "admin1": ("Admin area", False),
    "location": ("Location name", False),
    "fatalities": ("Fatalities", False),
    "source": ("Source", False),
    "notes": ("Notes", False),
}
TEXT_FIELDS = ("event_id", "event_type", "sub_type", "actor1", "actor2", "admin1", "location", "source", "notes")

DATE_PRECISIONS = ("day", "week", "month", "year")
GEO_PRECISIONS = ("exact", "town", "district", "region", "country")

# ACLED codebook: time_precision 1 actual day, 2 within the week, 3 only the month;
# geo_precision 1 the named town, 2 near it or part of a region, 3 only the province.
ACLED_DATE_PRECISION = {"1": "day", "2": "week", "3": "month"}
ACLED_GEO_PRECISION = {"1": "town", "2": "district", "3": "region"}
# UCDP GED codebook: date_prec 1 exact day, 2 two to six days, 3 the week, 4 the month
# (8-30 days), 5 more than a month; where_prec 1 exact, 2 within about 25 km, 3 an ADM2
# centroid, 4 an ADM1 centroid, 5 part of a country or a line, 6 the country,
# 7 international waters or airspace.
UCDP_DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
UCDP_GEO_PRECISION = {"1": "exact", "2": "district", "3": "district", "4": "region",
                      "5": "region", "6": "country", "7": "region"}
UCDP_VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}


@dataclass
class ColumnMapping:
    """Which source column feeds each of our fields, and how to read codes."""

    fmt: str  # "acled", "ucdp" or "custom"
    columns: dict[str, str] = field(default_factory=dict)  # our field -> source column
    date_codes: dict[str, str] = field(default_factory=dict)  # source code -> day/week/...
    geo_codes: dict[str, str] = field(default_factory=dict)
    type_codes: dict[str, str] = field(default_factory=dict)
    day_first: bool = False  # for custom files: 03/04/2024 is 3 April

    def missing(self) -> list[str]:
        """Required fields with no column: the import cannot start without them."""
        return [f for f, (_, required) in FIELDS.items() if required and not self.columns.get(f)]


# the exports' own column names for our fields
ACLED_COLUMNS = {
    "event_id": "event_id_cnty", "date": "event_date", "date_precision": "time_precision",
    "latitude": "latitude", "longitude": "longitude", "geo_precision": "geo_precision",
    "event_type": "event_type", "sub_type": "sub_event_type", "actor1": "actor1",
    "actor2": "actor2", "country": "country", "admin1": "admin1", "location": "location",
    "fatalities": "fatalities", "source": "source", "notes": "notes",
}
UCDP_COLUMNS = {
    "event_id": "id", "date": "date_start", "date_end": "date_end", "date_precision": "date_prec",
    "latitude": "latitude", "longitude": "longitude", "geo_precision": "where_prec",
    "event_type": "type_of_violence", "sub_type": "conflict_name", "actor1": "side_a",
    "actor2": "side_b", "country": "country", "admin1": "adm_1", "location": "where_coordinates",
    "fatalities": "best", "source": "source_office", "notes": "source_headline",
}


def _present(columns: list[str], wanted: dict[str, str]) -> dict[str, str]:
    """Our field -> the file's column, for the preset columns the file has (any case)."""
    lower = {c.lower(): c for c in columns}
    return {ours: lower[theirs] for ours, theirs in wanted.items() if theirs in lower}


def acled_mapping(columns: list[str]) -> ColumnMapping:
    mapped = _present(columns, ACLED_COLUMNS)
    if "country" not in mapped:
        mapped.update(_present(columns, {"country": "iso"}))  # numeric ISO 3166 code
    return ColumnMapping("acled", mapped, ACLED_DATE_PRECISION, ACLED_GEO_PRECISION)


def ucdp_mapping(columns: list[str]) -> ColumnMapping:
    return ColumnMapping("ucdp", _present(columns, UCDP_COLUMNS), UCDP_DATE_PRECISION, UCDP_GEO_PRECISION,
                         UCDP_VIOLENCE)


# common spellings, for a first guess in the mapping step
_GUESSES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "id", "uid", "event_id_cnty"),
    "date": ("date", "event_date", "date_start", "start_date", "start", "day", "when", "time"),
    "date_end": ("date_end", "end_date", "end"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "event_type": ("event_type", "type", "kind", "category"),
    "sub_type": ("sub_event_type", "sub_type", "subtype"),
    "actor1": ("actor1", "actor_1", "side_a", "actor"),
    "actor2": ("actor2", "actor_2", "side_b"),
    "country": ("country", "iso3", "iso", "country_code"),
    "admin1": ("admin1", "adm_1", "province", "region", "state"),
    "location": ("location", "place", "name", "town", "city"),
    "fatalities": ("fatalities", "deaths", "killed", "best"),
    "source": ("source", "sources", "publisher"),
    "notes": ("notes", "description", "summary", "text"),
}


def guess_mapping(columns: list[str]) -> ColumnMapping:
    """ACLED or UCDP when their key columns are there, else a guess by common names."""
    lower = {c.lower().strip() for c in columns}
    if {"event_date", "event_type"} <= lower or "event_id_cnty" in lower:
        return acled_mapping(columns)
    if {"date_start", "where_prec"} <= lower or {"date_start", "type_of_violence", "best"} <= lower:
        return ucdp_mapping(columns)
    by_lower = {c.lower().strip(): c for c in columns}
    mapped = {}
    for ours, names in _GUESSES.items():
        hit = next((by_lower[n] for n in names if n in by_lower and by_lower[n] not in mapped.values()), None)
        if hit:
            mapped[ours] = hit
    return ColumnMapping("custom", mapped)


# UCDP and ACLED country names ISO 3166 (domain.countries) does not know as such
_COUNTRY_NAMES = {
    "russia": "RUS", "iran": "IRN", "syria": "SYR", "dr congo": "COD",
    "democratic republic of congo": "COD", "republic of congo": "COG", "congo": "COG",
    "ivory coast": "CIV", "cote d'ivoire": "CIV", "bosnia-herzegovina": "BIH",
    "bosnia and herzegovina": "BIH", "kosovo": "XKX", "laos": "LAO", "vietnam": "VNM",
    "xk": "XKX", "south korea": "KOR", "north korea": "PRK", "tanzania": "TZA", "bolivia": "BOL",
    "venezuela": "VEN", "moldova": "MDA", "palestine": "PSE", "turkey": "TUR", "eswatini": "SWZ",
    "cape verde": "CPV", "east timor": "TLS", "macedonia, fyr": "MKD", "north macedonia": "MKD",
    "micronesia": "FSM", "taiwan": "TWN", "czech republic": "CZE", "brunei": "BRN",
    "yemen (north yemen)": "YEM", "serbia (yugoslavia)": "SRB",
}


def country_code(value: str) -> str | None:
    """ISO alpha-3 for a country as exports give it: numeric ISO (ACLED's ``iso``),
    alpha-2, alpha-3 or an English name, with UCDP's historical names in brackets."""
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        return alpha3(text)
    low = text.lower()
    if low in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[low]
    found = country(text)  # an alpha-2 or alpha-3 code
    if found:
        return found.alpha3
    bare = re.sub(r"\s*\(.*\)\s*$", "", text)  # "Cambodia (Kampuchea)" -> "Cambodia"
    if bare.lower() in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[bare.lower()]
    found = country_named(bare)
    return found.alpha3 if found else None
