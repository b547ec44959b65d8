"""Names of exercises and operations in a report: “Aras 2025”, Caucasus-2020, Eagle Partner 2024,
AZIREX-2025, "the Eagle Partner exercise", "a drill dubbed Unbreakable Brotherhood".

A codename is not a place ("Caucasus-2020" is not the Caucasus) and its number is not a
date (Kavkaz-2020 ran in September 2020, not on 1 January), so places and dates skip these
spans, and an exercise draft takes its name from them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from frontier_atlas.domain.demonyms import demonym_country

_CAP = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'\-]*(?<![’'-])(?<![’']s)(?![’']s\b)"
_LINK = r"(?:\s+(?:of|the|for|and)\s+|\s+)"
# Capitalised words, then a year joined by a hyphen, a dash or a space: "Caucasus-2020", "Eagle Partner 2024",
# "Mustafa Kemal Ataturk - 2021"
NAME_YEAR = re.compile(rf"(?P<words>{_CAP}(?:{_LINK}{_CAP}){{0,4}}?)(?:\s*[-–—]\s*|\s)"
                       r"(?P<year>(?:19|20)\d\d)(?![\d\-/])")
# Capitalised words right before a drill word: "the Eagle Partner exercise", "the Aras Joint Exercise"
NAME_CUE = re.compile(rf"(?P<words>{_CAP}(?:{_LINK}{_CAP}){{0,4}}?)\s+(?P<cue>[Ee]xercises?|[Dd]rills?|[Mm]anoeuvres|"
                      r"[Mm]aneuvers|[Ww]ar [Gg]ames)\b")
QUOTED = re.compile(r"“(?P<q1>[^”\n]{2,60})”|\"(?P<q2>[^\"\n]{2,60})\"")
INTRODUCER = re.compile(r"\b(?:dubbed|code-?named|named|called|titled|entitled|known as|under the name)"
                        r"\s*[,:]?\s*(?:the\s+)?\Z",
                        re.I)
# "codenamed Conquerors of Khaybar", unquoted
INTRODUCED = re.compile(rf"\b(?:dubbed|code-?named|named|called|titled|entitled)\s+(?:the\s+)?"
                        rf"(?P<words>{_CAP}(?:{_LINK}{_CAP}){{0,5}})")
_DRILL_AFTER = re.compile(r"[\s,]*(?:[A-Za-z\-]+\s+){0,2}(?:exercises?|drills?|manoeuvres?|maneuvers?|war games)\b",
                          re.I)
DRILL_WORD = re.compile(r"\b(?:exercises?|drills?|manoeuvres?|maneuvers?|war games|operation)\b", re.I)
# words that begin a phrase, not a name ("In 2020", "Since 2023", "The 2024 drill")
_NOT_NAME = {"in", "on", "since", "by", "from", "until", "through", "during", "the", "of", "before", "after",
             "between", "early", "late", "mid", "last", "next", "this", "that", "at", "for", "and", "a", "an",
             "around", "as", "to", "within", "about", "spring", "summer", "autumn", "fall", "winter"}
_GENERIC = {"joint", "military", "naval", "army", "air", "special", "forces", "force", "tactical", "command",
            "staff", "strategic", "the", "armed", "ground", "navy", "large", "scale", "exercise", "drill",
            "exercises", "drills", "defence", "defense", "ministry", "border", "live", "fire", "command-staff",
            "headquarters", "combined", "multinational", "international", "annual", "new", "first", "second",
            "third", "main", "final", "field", "computer", "assisted", "major", "general", "brigadier", "colonel",
            "president", "minister", "deputy", "chief", "commander", "irgc", "nato", "csto", "un"}
_CALENDAR = {m.lower() for m in calendar.month_name if m} | {m.lower() for m in calendar.month_abbr if m} | {
    d.lower() for d in calendar.day_name} | {"sept"}


@dataclass(frozen=True)
class Codename:
    name: str  # as written, year included ("Caucasus-2020")
    span: tuple[int, int]
    how: str  # "quoted", "year", "before a drill word"
    introduced: bool  # "dubbed …", or a drill word next to it: surely an exercise's name


def _words_ok(words: str) -> bool:
    parts = [w.strip("’'.").lower() for w in re.split(r"\s+", words)]
    if not parts or parts[0] in _NOT_NAME or any(p in _CALENDAR for p in parts):
        return False
    meaningful = [p for p in parts if p not in ("of", "the", "for", "and")]
    # "Joint Military": generic words, or one country's adjective, name nothing
    return not all(p in _GENERIC or demonym_country(p) for p in meaningful)


def _trim(words: str, start: int) -> tuple[str, int]:
    """Drop leading phrase words ("The Caucasus-2020" -> "Caucasus-2020")."""
    while True:
        first, _, rest = words.partition(" ")
        if rest and first.lower() in _NOT_NAME | _GENERIC:
            start += len(first) + 1
            words = rest.lstrip()
            continue
        return words, start


def find_codenames(text: str) -> list[Codename]:
    """Codenames in text order, none overlapping (a quotation first, then a name with a year,
    then a name before a drill word)."""
    found: list[Codename] = []
    taken = bytearray(len(text) + 1)

    def add(name: str, a: int, b: int, how: str, introduced: bool) -> None:
        if taken.find(1, a, b) < 0:
            taken[a:b] = b"\1" * (b - a)
            found.append(Codename(name, (a, b), how, introduced))

    for m in QUOTED.finditer(text):
        inner = (m.group("q1") or m.group("q2")).strip(" ,.")
        before, after = text[max(0, m.start() - 40):m.start()], text[m.end():m.end() + 30]
        introduced = bool(INTRODUCER.search(before)) or bool(_DRILL_AFTER.match(after)) \
            or bool(re.search(r"\b(?:exercises?|drills?|manoeuvres?|maneuvers?)\s*\Z", before, re.I))
        # a name: capitalised, or whatever a "dubbed" introduces; short, not a sentence
        if not introduced and (not inner[:1].isupper() or len(inner.split()) > 6 or any(c in inner for c in ".;!?")):
            continue
        add(inner, m.start(), m.end(), "quoted", introduced)  # a draft takes it only in a drill sentence
    for m in NAME_YEAR.finditer(text):
        words, start = _trim(m.group("words"), m.start("words"))
        if not _words_ok(words):
            continue
        before = text[max(0, start - 40):start]
        introduced = bool(INTRODUCER.search(before)) or bool(DRILL_WORD.search(text, m.end(), m.end() + 12)) \
            or bool(re.search(r"\b(?:exercises?|drills?)\s*\Z", before, re.I))
        # a lone word and a spaced year ("Baku 2020") names an exercise only next to a drill word
        if " " not in words and not re.match(r"\s*[-–—]", text[m.end("words"):m.start("year")]) and not introduced:
            continue
        add(text[start:m.end()], start, m.end(), "year", introduced)
    for m in INTRODUCED.finditer(text):
        words = m.group("words")
        if _words_ok(words) and DRILL_WORD.search(text, max(0, m.start() - 60), m.start()):
            add(words, m.start("words"), m.end("words"), "introduced", True)
    for m in NAME_CUE.finditer(text):
        words, start = _trim(m.group("words"), m.start("words"))
        if not _words_ok(words):
            continue
        # a name inside a sentence, after a lower-case word ("the four-day Aras Joint Exercise"),
        # not a headline's capitals ("Begins Military Drills")
        if not re.search(r"(?:^|[^\w\s])?\b[a-z][\w\-]*\s+\Z", text[max(0, start - 30):start]):
            continue
        cue = m.group("cue")
        end = m.end() if cue[0].isupper() else m.end("words")  # "Aras Joint Exercise" is all name
        add(text[start:end], start, end, "before a drill word", True)
    return sorted(found, key=lambda c: c.span)
