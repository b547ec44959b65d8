"""Country codes, one way: records speak ISO alpha-3, GeoNames alpha-2, ACLED numeric.

Every conversion in the package goes through these functions, so a code that one
part accepts is never refused by another, and only this module talks to pycountry.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry


@dataclass(frozen=True)
class Country:
    alpha2: str
    alpha3: str
    numeric: str
    name: str  # the common English name where ISO's official one is long ("Iran")
    official: str  # ISO 3166's name ("Iran, Islamic Republic of")
    formal: str = ""  # the formal name, where ISO gives one ("Islamic Republic of Iran")


def _country(found) -> Country | None:
    if found is None:
        return None
    return Country(found.alpha_2, found.alpha_3, found.numeric,
                   getattr(found, "common_name", None) or found.name, found.name,
                   getattr(found, "official_name", "") or "")


@lru_cache(maxsize=4096)
def country(code: str | int | None) -> Country | None:
    """The country of an alpha-2, alpha-3 or numeric code (any case); None if not ISO 3166."""
    text = str(code if code is not None else "").strip()
    if text.isdigit():
        return _country(pycountry.countries.get(numeric=text.zfill(3)))
    if len(text) in (2, 3) and text.isalpha():
        return _country(pycountry.countries.get(**{f"alpha_{len(text)}": text.upper()}))
    return None


@lru_cache(maxsize=4096)
def country_named(name: str) -> Country | None:
    """The country an English name (ISO's, official or common) or a code stands for."""
    found = country(name)
    if found:
        return found
    try:
        return _country(pycountry.countries.lookup(name.strip()))
    except LookupError:
        return None


def alpha2(code: str | None) -> str | None:
    """Alpha-2 for any code; GeoNames speaks alpha-2."""
    found = country(code) if code else None
    return found.alpha2 if found else None


def alpha3(code: str | None) -> str | None:
    """Alpha-3 for any code; records speak alpha-3."""
    found = country(code) if code else None
    return found.alpha3 if found else None


def country_name(code: str) -> str:
    """The common English name of a code, or the code itself if it is not a country."""
    found = country(code)
    return found.name if found else code


def all_countries() -> list[Country]:
    """Every ISO 3166 country, for indexes of names."""
    return [_country(c) for c in pycountry.countries]
