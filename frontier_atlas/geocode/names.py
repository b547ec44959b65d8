"""Place names: the qualifier words around a name ("Ardabil Province") and GeoNames' country codes."""

from __future__ import annotations

from frontier_atlas.domain.countries import alpha2
from frontier_atlas.domain.text import normalise

# qualifier words -> the kind of place they name (most specific first)
QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("land border crossing", "crossing"),
    ("border crossing", "crossing"),
    ("border checkpoint", "crossing"),
    ("crossing point", "crossing"),
    ("checkpoint", "crossing"),
    ("crossing", "crossing"),
    ("border", "crossing"),
    ("autonomous republic", "region"),
    ("autonomous region", "region"),
    ("province", "region"),
    ("marz", "region"),
    ("ostan", "region"),
    ("governorate", "region"),
    ("oblast", "region"),
    ("region", "region"),
    ("district", "district"),
    ("county", "district"),
    ("rayon", "district"),
    ("river", "river"),
    ("city", "town"),
    ("town", "town"),
)


def split_qualifier(name: str) -> tuple[str, str | None]:
    """("Ardabil Province") -> ("ardabil", "region"); the core name, normalised, and its kind."""
    norm = normalise(name)
    for word, kind in QUALIFIERS:
        w = normalise(word)
        if norm.endswith(" " + w):
            return norm[: -len(w) - 1].strip(), kind
        if norm.startswith(w + " of "):
            return norm[len(w) + 4:].strip(), kind
    return norm, None


def iso2(code: str | None) -> str | None:
    """The alpha-2 code GeoNames files a place under, for a record's alpha-3 code. An alpha-2
    code passes as it is, also one ISO does not list (GeoNames files Kosovo under "XK")."""
    if not code:
        return None
    return code.upper() if len(code) == 2 else alpha2(code)
