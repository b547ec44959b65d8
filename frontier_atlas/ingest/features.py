"""Named features a report locates things by that are not towns: rivers, seas, lakes,
corridors, mountains, vague regions ("the South Caucasus"), and borders between two
countries ("the Azerbaijani-Iranian border").

They are found by name, with their kind and the countries they touch, and no point:
a river or a corridor is a line, a sea an area, and one coordinate for them would be
invented. Names come from ``data/features.csv`` and the rivers and lakes the base map
names (``data/basemap_names.csv``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from frontier_atlas.domain.countries import alpha3
from frontier_atlas.domain.demonyms import demonym_country
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.countries import country_of_name
from frontier_atlas.settings import ROOT

FEATURES_CSV = ROOT / "data" / "features.csv"
BASEMAP_NAMES_CSV = ROOT / "data" / "basemap_names.csv"


@dataclass(frozen=True)
class Feature:
    name: str  # our name for it ("Aras River")
    kind: str  # river, sea, lake, corridor, region, mountain, border
    countries: tuple[str, ...]  # ISO alpha-3 it touches


@lru_cache(maxsize=2)
def feature_index(path: Path = FEATURES_CSV, basemap: Path = BASEMAP_NAMES_CSV) -> dict[str, Feature]:
    """Folded name or alias -> feature."""
    index: dict[str, Feature] = {}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                feature = Feature(row["name"], row["kind"], tuple(c for c in row["countries"].split(";") if c))
                for name in [row["name"], *row["aliases"].split(";")]:
                    if name.strip():
                        index.setdefault(normalise(name), feature)
    if basemap.exists():  # the base map's rivers and lakes, by their short names
        with basemap.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                kind = "river" if row["kind"] == "river" else "lake"
                name = row["name"] if kind == "lake" or row["name"].endswith("River") else f"{row['name']} River"
                countries = tuple(dict.fromkeys(alpha3(a.split("|")[1]) or "" for a in row["anchors"].split(";")
                                                if "|" in a))
                index.setdefault(normalise(name), Feature(name, kind, tuple(c for c in countries if c)))
                if kind == "river":
                    index.setdefault(normalise(row["name"]), index[normalise(name)])
    return index


def country_word(word: str) -> str | None:
    """The alpha-3 of a country's name or adjective ("Iran", "Iranian", "Turkey"), or None."""
    return country_of_name(word) or demonym_country(word)


_SIDE = r"[A-Z][a-zà-ÿ]+"
# "the Azerbaijani-Iranian border", "Turkey-Armenia border", "the Georgia–Russia state border"
PAIR_BORDER = re.compile(rf"\b(?P<a>{_SIDE})\s?[-–—/]\s?(?P<b>{_SIDE})\s+(?:state\s+|land\s+)?border\b")
# "the border between Armenia and Azerbaijan"
BETWEEN_BORDER = re.compile(rf"\bborder (?:(?:gate|crossing|checkpoint) )?between (?:the Republic of )?(?P<a>{_SIDE}) "
                            rf"and (?:the Republic of )?(?P<b>{_SIDE})\b")


def find_borders(text: str) -> list[tuple[str, tuple[int, int], Feature]]:
    """(the words as written, span, feature) of each border between two named countries."""
    out = []
    for rx in (PAIR_BORDER, BETWEEN_BORDER):
        for m in rx.finditer(text):
            a, b = country_word(m.group("a")), country_word(m.group("b"))
            if a and b and a != b:
                out.append((m.group(), m.span(), Feature(m.group(), "border", (a, b))))
    return sorted(out, key=lambda x: x[1])
