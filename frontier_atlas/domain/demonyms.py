"""Adjectives and demonyms of countries ("Iranian", "Azeri"), to ISO alpha-3.

Reports name a country as often by its adjective as by its name ("Russian peacekeepers",
"the Azerbaijani-Iranian border"). ISO 3166 (pycountry) has names, not adjectives, so
the adjectives live here. Lower case; a plural "s" is stripped before the look-up.
"""

from __future__ import annotations

DEMONYMS: dict[str, str] = {
    "afghan": "AFG", "albanian": "ALB", "algerian": "DZA", "american": "USA", "armenian": "ARM",
    "australian": "AUS", "austrian": "AUT", "azerbaijani": "AZE", "azeri": "AZE", "bahraini": "BHR",
    "belarusian": "BLR", "belgian": "BEL", "british": "GBR", "bulgarian": "BGR", "canadian": "CAN",
    "chinese": "CHN", "croatian": "HRV", "cypriot": "CYP", "czech": "CZE", "danish": "DNK",
    "dutch": "NLD", "egyptian": "EGY", "emirati": "ARE", "estonian": "EST", "finnish": "FIN",
    "french": "FRA", "georgian": "GEO", "german": "DEU", "greek": "GRC", "hungarian": "HUN",
    "indian": "IND", "indonesian": "IDN", "iranian": "IRN", "persian": "IRN", "iraqi": "IRQ",
    "irish": "IRL", "israeli": "ISR", "italian": "ITA", "japanese": "JPN", "jordanian": "JOR",
    "kazakh": "KAZ", "kazakhstani": "KAZ", "kuwaiti": "KWT", "kyrgyz": "KGZ", "latvian": "LVA",
    "lebanese": "LBN", "libyan": "LBY", "lithuanian": "LTU", "moldovan": "MDA", "mongolian": "MNG",
    "moroccan": "MAR", "norwegian": "NOR", "omani": "OMN", "pakistani": "PAK", "palestinian": "PSE",
    "polish": "POL", "portuguese": "PRT", "qatari": "QAT", "romanian": "ROU", "russian": "RUS",
    "saudi": "SAU", "serbian": "SRB", "slovak": "SVK", "spanish": "ESP", "swedish": "SWE",
    "swiss": "CHE", "syrian": "SYR", "tajik": "TJK", "tajikistani": "TJK", "turkish": "TUR",
    "turkmen": "TKM", "ukrainian": "UKR", "uzbek": "UZB", "uzbekistani": "UZB", "yemeni": "YEM",
    "north korean": "PRK", "south korean": "KOR",
}
# Forces and bodies that stand for one country ("IRGC troops").
BODIES: dict[str, str] = {"irgc": "IRN", "csto": "", "nato": ""}
# Short names ISO lacks, as reports write them.
SHORT_NAMES: dict[str, str] = {
    "us": "USA", "u.s.": "USA", "usa": "USA", "america": "USA", "uk": "GBR", "britain": "GBR",
    "great britain": "GBR", "turkiye": "TUR", "türkiye": "TUR", "persia": "IRN", "uae": "ARE",
    "russia": "RUS", "south korea": "KOR", "north korea": "PRK", "syria": "SYR",
}


def demonym_country(word: str) -> str | None:
    """The alpha-3 of an adjective or its plural ("Iranians"), or None."""
    w = word.lower()
    if w in DEMONYMS:
        return DEMONYMS[w]
    if w.endswith("s") and w[:-1] in DEMONYMS:
        return DEMONYMS[w[:-1]]
    return BODIES.get(w) or None
