"""Place-name handling: folding spellings and reading the qualifier words around a name."""

from __future__ import annotations

import re
import unicodedata

import pycountry

_PUNCT = re.compile(r"[\s\-‐–—_'’ʼ`´.,()/]+")
# Letters NFKD does not decompose to ASCII, common in the region's transliterations.
_FOLD = str.maketrans({"ı": "i", "ə": "a", "ø": "o", "ł": "l", "ß": "ss", "đ": "d", "ʻ": "", "ʿ": "", "ʾ": ""})

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


def normalise(name: str) -> str:
    """Fold case, diacritics and punctuation: "Bileh-Savar" == "Bīleh Savār"."""
    if name.isascii():  # the common case, and the hot path when indexing GeoNames
        return _PUNCT.sub(" ", name.lower()).strip()
    # compatibility forms first ("𝐀" -> "A"), then case, then accents
    folded = unicodedata.normalize("NFKD", name).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _PUNCT.sub(" ", stripped).strip()


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
    """ISO alpha-2 for an alpha-3 (or alpha-2) code; GeoNames speaks alpha-2."""
    if not code:
        return None
    if len(code) == 2:
        return code.upper()
    country = pycountry.countries.get(alpha_3=code.upper())
    return country.alpha_2 if country else None
