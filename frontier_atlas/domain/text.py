"""Folding text so that spellings compare: "Bileh-Savar" is "Bīleh Savār" is "bileh savar".

Names and searches are compared folded everywhere (the gazetteers, the search box,
the article reader), so one function decides what counts as the same spelling.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[\s\-‐–—_'’ʼ`´.,()/]+")
# Letters NFKD does not decompose to ASCII, common in the region's transliterations.
_FOLD = str.maketrans({"ı": "i", "ə": "a", "ø": "o", "ł": "l", "ß": "ss", "đ": "d", "ʻ": "", "ʿ": "", "ʾ": ""})


def normalise(name: str) -> str:
    """Fold case, diacritics and punctuation: "Bileh-Savar" == "Bīleh Savār"."""
    if name.isascii():  # the common case, and the hot path when indexing GeoNames
        return _PUNCT.sub(" ", name.lower()).strip()
    # compatibility forms first ("𝐀" -> "A"), then case, then accents
    folded = unicodedata.normalize("NFKD", name).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _PUNCT.sub(" ", stripped).strip()
