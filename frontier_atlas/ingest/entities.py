"""Places, countries and forces named in a report, each with the span it came from.

Linear in the text (n log n at most): a word's paragraph and nearby countries are found
by one sorted search for all words, a quotation by a mask of the text, never by a scan
over all of them.
The limits on what is read at all are in ``ingest.reading``.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

import numpy as np

from frontier_atlas.domain.countries import alpha2
from frontier_atlas.domain.demonyms import demonym_country
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.countries import country_of_name
from frontier_atlas.geocode.names import QUALIFIERS
from frontier_atlas.ingest.codenames import Codename, find_codenames
from frontier_atlas.ingest.dates import paragraphs
from frontier_atlas.ingest.features import feature_index, find_borders
from frontier_atlas.ingest.metonyms import capitals, is_capital, is_metonym, joined

# The qualifier words (and their kinds) that, written after a name in a report, say what kind
# of place it is (longest first, as QUALIFIERS lists them). The others follow names in prose
# too often without belonging to them ("the Iranian border", "Baku city centre").
_CUE_WORDS = {"land border crossing", "border crossing", "border checkpoint", "crossing", "checkpoint",
              "province", "region", "district", "river"}
CUES = tuple((word, kind) for word, kind in QUALIFIERS if word in _CUE_WORDS)
# What ``normalise`` folds to one space (domain/text.py), so a cue reads as it did when the
# 40 characters after a name were folded and compared with each cue word in turn.
_FOLDED = r"[\s\-‐–—_'’ʼ`´.,()/]"
# A cue right after a name, in one match instead of one fold and nine comparisons per candidate.
_CUE = re.compile(_FOLDED + r"{0,20}(?:"
                  + "|".join(f"(?P<c{i}>{word.replace(' ', _FOLDED + '+')})" for i, (word, _) in enumerate(CUES))
                  + ")", re.I)
# The first word of each cue, found by one search of the text: only a word followed by one
# within 20 characters can have a cue, so ``_CUE`` is tried there and not after every word.
_CUE_START = re.compile("|".join(sorted({word.split()[0] for word, _ in CUES}, key=len, reverse=True)), re.I)
TITLES = {"general", "gen", "brigadier", "commander", "president", "minister", "mr", "ms", "dr", "admiral",
          "colonel", "captain", "spokesman", "spokesperson"}
FORCE = re.compile(
    r"\b(?:IRGC|Islamic Revolution(?:ary)? Guards? Corps(?:\s*\(IRGC\))?)"
    r"(?:\s+Ground\s+Forces?|\s+Navy|\s+Aerospace Force)?"
    r"|\b(?:Iranian|Azerbaijani|Armenian|Turkish|Georgian|Russian|Pakistani)\s+(?:Army|Navy|Air Force|"
    r"[Ss]pecial [Ff]orces|[Aa]rmed [Ff]orces|[Bb]order [Gg]uards?)"
)
_WORD = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'\-]*")
_UNSEEN = object()


@dataclass(frozen=True)
class PlaceFound:
    name: str  # as written, without the cue words
    span: tuple[int, int]
    kind: str | None  # from the cue words, or "country"
    query: str  # what was asked of the geocoder
    position: Position | None  # None for a feature without a point (a river, a border)
    paragraph: int
    role: str | None = None  # "dateline" (where it was filed), "metonym" (a government: "Baku said")


@dataclass(frozen=True)
class CountryFound:
    code: str  # ISO alpha-3
    span: tuple[int, int]
    text: str
    paragraph: int
    named: bool = True  # by its name; False: by an adjective or a force ("Russian peacekeepers")


paragraph_spans = paragraphs


class Spans:
    """Sorted, non-overlapping spans (paragraphs, quotations), looked up by bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [a for a, _ in spans]

    def index(self, pos: int) -> int | None:
        """The span holding ``pos``, or None."""
        i = bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.spans[i][1] else None


class Words:
    """A text's capitalised words and the paragraph of each, found once for every finder.

    The paragraph of each word comes from one vectorised search, not a bisection per word:
    a 2 MB report has some 200,000 of them."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.texts: list[str] = _WORD.findall(text)
        self.starts: list[int] = [m.start() for m in _WORD.finditer(text)]
        self.ends: list[int] = list(map(int.__add__, self.starts, map(len, self.texts)))
        para_starts = np.array([a for a, _ in spans], dtype=np.int64)
        at = np.searchsorted(para_starts, np.array(self.starts, dtype=np.int64), side="right") - 1
        # a word is never between paragraphs (only blank lines are), so it is in paragraph ``at``
        self.paragraph: list[int] = np.maximum(at, 0).tolist()


def find_countries(text: str, spans: list[tuple[int, int]] | None = None,
                   words: Words | None = None) -> list[CountryFound]:
    """Countries named ("Iran", "Iran's", "the United States", "Russia-brokered") or implied
    by an adjective or force ("Azerbaijani", "the Azerbaijani-Iranian border", "IRGC").

    A word joined by hyphens is read part by part, and two or three words in a row are
    tried as one name first ("South Korea" is not Korea)."""
    spans = paragraph_spans(text) if spans is None else spans
    words = Words(text, spans) if words is None else words
    starts, ends, paragraph, texts = words.starts, words.ends, words.paragraph, words.texts
    out: list[CountryFound] = []
    j, last = 0, len(texts)
    while j < last:
        # "United Arab Emirates", "South Korea": the longest run of words that is a country's name
        joined = None
        for k in (2, 1):
            if j + k < last and all(text[ends[x]:starts[x + 1]] == " " for x in range(j, j + k)):
                name = _strip_possessive(text[starts[j]:ends[j + k]])
                code = country_of_name(name)
                if code:
                    joined = (k, code, name)
                    break
        if joined:
            k, code, name = joined
            out.append(CountryFound(code, (starts[j], starts[j] + len(name)), name, paragraph[j], True))
            j += k + 1
            continue
        written = texts[j]
        offset = 0
        for part in written.split("-"):
            word = _strip_possessive(part)
            code = country_of_name(word)
            named = code is not None
            code = code or demonym_country(word)
            if code and word:
                a = starts[j] + offset
                out.append(CountryFound(code, (a, a + len(word)), word, paragraph[j], named))
            offset += len(part) + 1
        j += 1
    paragraph_starts = [a for a, _ in spans]
    for m in _US.finditer(text):  # "U.S.": not a capitalised word to ``Words``
        pn = bisect_right(paragraph_starts, m.start()) - 1
        out.append(CountryFound("USA", m.span(), m.group(), max(pn, 0), True))
    out.sort(key=lambda c: c.span)
    return out


_US = re.compile(r"(?<![\w.])U\.S\.(?:A\.)?")


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith(("’s", "'s")) else word


def find_forces(text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.group(), m.span()) for m in FORCE.finditer(text)]


_DATELINE_AFTER = re.compile(r"\s*(?:[–—-]|\(|/|,\s*(?:[A-Z][\w ]+,\s*)?(?:[A-Z][a-z]{2,}\.?\s+\d|\d))")


def _dateline_at(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False  # not at the head of a line
    if not _DATELINE_AFTER.match(text, end):
        return False
    return text[start:end].isupper() or bool(re.match(r"\s*(?:/|\(|,)", text[end:end + 3]))


# Single words that are towns somewhere but in a report are almost always common words
# ("Academy", "Western"); as part of a longer name they still count.
COMMON_WORDS = {"academy", "area", "western", "eastern", "northern", "southern", "central", "north", "south",
                "east", "west", "border", "city", "state", "republic", "national", "international", "union",
                "army", "force", "forces", "ministry", "office", "agency", "news", "press", "center", "centre",
                "university", "district", "region", "province", "president", "minister", "general", "media",
                "bridge", "road", "railway", "station", "port", "airport", "base", "camp", "park", "valley",
                "island", "hill", "village", "town", "victory", "peace", "friendship", "unity", "liberty",
                "independence", "freedom", "security", "defence", "defense", "council", "court", "parliament",
                "government", "embassy", "source", "sources", "reports", "today", "monday", "tuesday",
                "wednesday", "thursday", "friday", "saturday", "sunday", "corps", "guard", "guards", "navy",
                "fleet", "flotilla", "brigade", "division", "battalion", "regiment", "command", "staff",
                "service", "committee", "commission", "organization", "organisation", "company", "group",
                "gulf", "lake", "sea", "river", "mount", "cape", "bay", "post", "line", "gate", "zone", "point",
                *(m.lower() for m in calendar.month_name if m)}
# words a sentence begins with, before a name or instead of one ("The", "Along Tskhinvali")
LEADING_WORDS = {"the", "a", "an", "along", "opening", "this", "that", "these", "those", "its", "their", "our",
                 "his", "her", "new", "old", "near", "in", "at", "on", "from", "to", "by", "via", "across",
                 "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "both", "all",
                 "some", "many", "several", "after", "before", "during", "since", "while", "when", "where",
                 "as", "and", "or", "but", "if", "once", "every", "each", "another", "other", "such"}
# words before a name that is not a place: a person's title, a ship's class
_NOT_PLACE_BEFORE = re.compile(r"(?<!\S)(?i:" + "|".join(sorted(TITLES | {
    "destroyer", "frigate", "corvette", "ship", "vessel", "submarine", "boat", "tanker", "cruiser", "warship",
    "ambassador", "envoy", "chairman", "chairwoman", "head", "leader", "governor", "mayor", "prime",
    "lieutenant", "major", "sergeant", "ayatollah", "sheikh", "agency", "newspaper", "daily", "outlet"},
    key=len, reverse=True)) + r")\.*\s+(?:[A-Z][\w’'\-]*\s*){0,3}")
# "Astara, Iran", "Astara (Iran)": a country named right after a place
_COUNTRY_AFTER = re.compile(r",\s+|\s+\(")
_CROSSING_BEFORE = re.compile(r"\b(?:crossing|checkpoint|check-point|crossing point|border post)\s+(?:at|of|near)\s+\Z",
                              re.I)
_TWO_FEATURES = re.compile(r"\b(?P<a>[A-Z][a-z]+) and (?P<b>[A-Z][a-z]+) (?P<kind>Seas|Rivers|Lakes)\b")
_CROSSING_AFTER = re.compile(r"\s+(?:border\s+)?(?:crossing|checkpoint|gate|bridge|terminal)\b", re.I)
_KIND_AFTER = re.compile(r"\s+(corridor|river|sea|lake|gorge|strait|gulf|valley|villages?)\b", re.I)
_ATTRIBUTIVE = re.compile(r"\s+(?:countries|nations|states|neighbou?rs|republics|leaders|governments)\b")


def find_places(text: str, geocoder: GeocoderChain, max_words: int = 4, spans: list[tuple[int, int]] | None = None,
                countries: list[CountryFound] | None = None, words: Words | None = None,
                codenames: list[Codename] | None = None) -> list[PlaceFound]:
    """Place names, matched longest first against the features and the gazetteers, kinds read
    from the words after them.

    A GeoNames town is kept only where the report gives reason to believe it: its country is
    named (or implied) in the report, a country is written right after it ("Astara, Iran"),
    it is the dateline, or it is a national capital. A name inside a codename ("Caucasus-2020")
    or a short quotation is not a place; a capital standing for its government ("Baku said")
    is kept with the role "metonym".

    ``spans``, ``countries``, ``words`` and ``codenames``, when the caller has them, are this
    text's paragraphs, ``find_countries``, ``Words`` and ``find_codenames``."""
    spans = paragraph_spans(text) if spans is None else spans
    words = Words(text, spans) if words is None else words
    codenames = find_codenames(text) if codenames is None else codenames
    skip = bytearray(len(text) + 1)  # 1 inside a codename: one index per word
    for c in codenames:
        if c.how == "quoted" and not c.introduced:
            continue  # “Upper Lars”: a quoted name may be a place's
        a, b = c.span
        skip[a:b] = b"\1" * (b - a)
    lines = [m for m in LINE.finditer(text) if not any(w.lower() in LEADING_WORDS for w in m.group("n").split())]
    for m in lines:
        skip[m.start():m.end()] = b"\1" * (m.end() - m.start())
    # the capitalised words after a title or a ship's class are a person's or a ship's name
    not_place = bytearray(len(text) + 1)
    for m in _NOT_PLACE_BEFORE.finditer(text):
        not_place[m.start():m.end()] = b"\1" * (m.end() - m.start())
    countries = find_countries(text, spans, words) if countries is None else countries
    mentioned = {alpha2(c.code) for c in countries}
    # a capital the report names brings its country in ("Baku said … in Shusha")
    mentioned |= {code for w in set(words.texts) if (code := capitals().get(normalise(w)))}
    country_at = {c.span[0]: c for c in countries}
    features = feature_index()
    starts, ends, paragraph_of = words.starts, words.ends, words.paragraph
    last = len(starts)
    possessive = [w.endswith(("’s", "'s")) for w in words.texts]
    gaps = [text[e:s] for e, s in zip(ends, starts[1:])] + [""]
    # run[j]: how many words after word j may belong to one name with it (joined by a space or hyphen)
    run = [0] * last
    for j in range(last - 2, -1, -1):
        run[j] = run[j + 1] + 1 if gaps[j] in (" ", "-") else 0
    cue_at = _cues_after(text, ends)
    cue_of = [CUES[int(m.lastgroup[1:])] if m else None for m in cue_at]
    # where a name may end: before a cue, at a possessive, or before anything but one space
    # ("Baghanis" in "Baghanis Ayrim" is part of a longer name we do not know)
    stops = [k for k in range(last) if cue_of[k] or possessive[k] or gaps[k] != " "]
    hint_of = _hints(countries, starts, paragraph_of)
    out: list[PlaceFound] = []
    answers: dict[tuple[str, str | None], Position | None] = {}  # a long report names a place many times

    def locate(q: str, hint: str | None) -> Position | None:
        if (q, hint) not in answers:
            answers[q, hint] = (geocoder.locate(q, hint) if hint else None) or geocoder.locate(q)
        return answers[q, hint]

    def after_country(k: int) -> CountryFound | None:
        m = _COUNTRY_AFTER.match(text, ends[k])
        return country_at.get(m.end()) if m else None

    def place(name: str, start: int, end: int, k: int, cue, hint: str | None, pn: int) -> PlaceFound | None:
        """The place a name at [start, end) stands for, or None."""
        if name.lower() in COMMON_WORDS or demonym_country(name):
            return None
        if len(name) <= 4 and name.isupper() and not country_of_name(name) and not _dateline_at(text, start, end):
            return None  # an acronym ("GID", "OSCE"), not a town
        feature = features.get(normalise(f"{name} {cue[0]}")) if cue else None
        span = (start, cue_at[k].end() if cue else end)
        kind_after = _KIND_AFTER.match(text, end) if not cue else None
        if feature is None and kind_after:  # "the Lachin corridor", "the Aras river"
            feature = features.get(normalise(f"{name} {kind_after.group(1)}"))
            if feature is not None:  # named as written, the lower-case word aside ("Lachin")
                return PlaceFound(name, (start, kind_after.end()), feature.kind, feature.name, None, pn)
        feature = feature or features.get(normalise(name))
        if feature is not None and feature.kind == "region" and _ATTRIBUTIVE.match(text, span[1]):
            return None  # "the two South Caucasus countries" names countries, not a place
        if feature is not None:
            label = text[span[0]:span[1]] if cue and normalise(feature.name) == normalise(f"{name} {cue[0]}") \
                else name
            return PlaceFound(label, span, feature.kind, feature.name, None, pn)
        query = f"{name} {cue[0]}" if cue else name
        after = after_country(k)
        hint = after.code if after else hint
        pos = locate(query, hint)
        if pos is None and cue:
            pos = locate(name, hint)
        if pos is None:
            return None
        dateline = _dateline_at(text, start, end)
        if pos.provider == "GeoNames" and pos.country not in mentioned and not (
                dateline or after or is_capital(pos)):
            return None  # a town the report gives no reason to believe: most likely a false match
        kind = "country" if pos.precision == "country" else (cue[1] if cue else None)
        if kind is None and _CROSSING_BEFORE.search(text, max(0, start - 40), start):
            kind = "crossing"  # "the border crossing at Astara"
        elif kind is None and kind_after and kind_after.group(1).lower().startswith("village"):
            kind = "village"  # "near Zorakan village"
        role = "dateline" if dateline and pos.precision != "country" else None
        if role is None and is_metonym(text, (start, end), pos):
            role = "metonym"
        return PlaceFound(name, span, kind, query, pos, pn, role)

    i = 0
    while i < last:
        start = starts[i]
        if words.texts[i] == "The" and run[i]:
            i += 1  # "The Caucasus": the article is not the name
            continue
        if skip[start] or not_place[start]:
            i += 1
            continue
        hit = None
        # the names that begin here, longest first: they end at a stop within the run
        first, top = bisect_left(stops, i), bisect_right(stops, i + min(max_words - 1, run[i]))
        for k in reversed(stops[first:top]):
            end = ends[k] - 2 if possessive[k] else ends[k]
            if end - start < 3:
                continue
            found = place(text[start:end], start, end, k, cue_of[k], hint_of[i], paragraph_of[i])
            if found is not None:
                hit = (k - i + 1, found)
                break
        if hit:
            out.append(hit[1])
            i += hit[0]
            continue
        if "-" in words.texts[i]:  # "Rasht-Astara railway", "Kars-Igdir-Aralik": each part on its own
            offset = start
            # "the Alican-Margara border gate": both sides are crossings, known or not
            gate = _CROSSING_AFTER.match(text, ends[i]) is not None
            for part in words.texts[i].split("-"):
                part_end = offset + len(part)
                bare = _strip_possessive(part)
                if len(bare) >= 3 and bare[:1].isupper():
                    found = place(bare, offset, offset + len(bare), i, None, hint_of[i], paragraph_of[i])
                    if found is None and gate and bare.lower() not in COMMON_WORDS and not country_of_name(bare) \
                            and not demonym_country(bare):
                        found = PlaceFound(bare, (offset, offset + len(bare)), "crossing", bare, None, paragraph_of[i])
                    if found is not None and found.kind != "country":
                        out.append(replace(found, kind="crossing") if gate and found.kind is None else found)
                offset = part_end + 1
        i += 1
    index = Spans(spans)
    out += [PlaceFound(written, span, "border", feature.name, None, index.index(span[0]) or 0)
            for written, span, feature in find_borders(text)]
    out += [PlaceFound(m.group(), m.span(), "border", m.group(), None, index.index(m.start()) or 0) for m in lines]
    # "the Black and Caspian Seas": two features under one plural
    for m in _TWO_FEATURES.finditer(text):
        for group in ("a", "b"):
            name = f"{m.group(group)} {m.group('kind')[:-1]}"
            feature = features.get(normalise(name))
            if feature is not None and not any(p.span[0] <= m.start(group) < p.span[1] for p in out):
                out.append(PlaceFound(name, m.span(group), feature.kind, feature.name, None,
                                      index.index(m.start()) or 0))
    out += _unlocated(text, out, skip, not_place, index)
    out.sort(key=lambda p: p.span)
    # "Moscow and Tehran will": a capital joined to a government is one too
    for j in range(len(out) - 1, 0, -1):
        x, y = out[j - 1], out[j]
        if (x.role is None) != (y.role is None) and "metonym" in (x.role, y.role) and joined(text, x.span, y.span):
            if x.role is None and is_capital(x.position):
                out[j - 1] = replace(x, role="metonym")
            elif y.role is None and is_capital(y.position):
                out[j] = replace(y, role="metonym")
    return out


_NAME = r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'\-]*[\w](?:\s[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'\-]*[\w]){0,2}"
# names our gazetteers lack, read as places from the words around them
_CUED = [
    (re.compile(rf"\b(?:village|settlement|hamlet)s?\s+of\s+(?P<n>{_NAME})"), "village"),
    (re.compile(rf"(?P<n>{_NAME})\s+(?:village|settlement)s?\b"), "village"),
    (re.compile(rf"(?P<n>{_NAME})\s+(?:border\s+)?(?:crossing|checkpoint|check-point|terminal|gate)(?:\s+point)?\b"),
     "crossing"),
    (re.compile(rf"\b(?:border\s+)?(?:crossing|checkpoint)\s+(?:point\s+)?(?:at|of)\s+(?P<n>{_NAME})"), "crossing"),
    (re.compile(rf"(?P<n>{_NAME})\s+(?P<b>[Bb]ridge)\b"), "crossing"),
    (re.compile(rf"[\"“](?P<n>{_NAME})[\"”]\s+(?:border\s+)?(?:point|crossing|checkpoint)\b"), "crossing"),
    (re.compile(rf"(?P<n>{_NAME})\s+\((?:Azerbaijan|Armenia|Iran|Georgia|Turkey|Türkiye|Russia)\)"), "village"),
]
# "the Tskhinvali occupation line": a line named for a town, not the town
LINE = re.compile(rf"(?P<n>{_NAME})\s+(?:[Oo]ccupation|[Aa]dministrative\s+[Bb]oundary|[Cc]ontact|[Cc]easefire)"
                  r"\s+[Ll]ine\b")
# "Ishkhanasar, Noravan, Aghitu and Sisian": a list of names, some of them known places
_LIST = re.compile(rf"(?P<l>{_NAME}(?:,\s+{_NAME}){{1,8}},?\s+and\s+{_NAME})")


def _unlocated(text: str, found: list[PlaceFound], skip: bytearray, not_place: bytearray,
               index: Spans) -> list[PlaceFound]:
    """Places no gazetteer knows, where the words around a name say it is one ("near Kurunj
    village", "the Hakari bridge", "Kirants (Armenia)", a name listed among known towns).
    They have no position: the review shows them as not located."""
    taken = bytearray(len(text) + 1)
    for p in found:
        taken[p.span[0]:p.span[1]] = b"\1" * (p.span[1] - p.span[0])
    towns = {p.span[0] for p in found if p.position is not None and p.kind != "country"}
    out: list[PlaceFound] = []

    def add(name: str, a: int, b: int, kind: str) -> None:
        while " " in name and name.split(" ", 1)[0].lower() in LEADING_WORDS:
            first = name.split(" ", 1)[0]
            name, a = name[len(first) + 1:], a + len(first) + 1
        if name.lower() in LEADING_WORDS:
            return
        if taken.find(1, a, b) >= 0 or skip[a] or not_place[a] or len(name) < 3:
            return
        if any(w.lower() in COMMON_WORDS or demonym_country(w) or country_of_name(w) for w in name.split()):
            return
        taken[a:b] = b"\1" * (b - a)
        out.append(PlaceFound(name, (a, b), kind, name, None, index.index(a) or 0))

    for rx, kind in _CUED:
        for m in rx.finditer(text):
            a, b = m.span("n")
            name = m.group("n")
            if kind == "crossing" and "b" in rx.groupindex and m.group("b")[0].isupper():
                name, b = text[a:m.end("b")], m.end("b")  # "Margara Bridge" is all name
            add(name, a, b, kind)
    for m in _LIST.finditer(text):
        items = [(x.group(), x.start()) for x in re.finditer(_NAME, m.group("l"))]
        known = sum(m.start() + off in towns for _, off in items)
        if known * 2 >= len(items):
            for name, off in items:
                a = m.start() + off
                add(name, a, a + len(name), "town")
    return out


def _cues_after(text: str, ends: list[int]) -> list[re.Match | None]:
    """The cue right after each word ("Province" after "Ardabil"), or None."""
    cue_starts = np.array([m.start() for m in _CUE_START.finditer(text)] + [len(text) + 99], dtype=np.int64)
    word_ends = np.array(ends, dtype=np.int64)
    following = cue_starts[np.searchsorted(cue_starts, word_ends, side="right")]
    out: list[re.Match | None] = [None] * len(ends)
    for k in np.flatnonzero(following - word_ends <= 20).tolist():  # what ``_CUE`` can skip to its word
        out[k] = _CUE.match(text, ends[k], ends[k] + 40)
    return out


def _hints(countries: list[CountryFound], starts: list[int], paragraph_of: list[int]) -> list[str | None]:
    """For each word, the country named just before it ("Iran's Ardabil Province"), which
    chooses between homonyms: the last one ending at most 40 characters before the word, in
    its paragraph. Only the last can be: one before it is in the same paragraph or an earlier one."""
    if not countries:
        return [None] * len(starts)
    country_ends = np.array([c.span[1] for c in countries], dtype=np.int64)  # increasing
    country_paragraph = np.array([c.paragraph for c in countries], dtype=np.int64)
    word_starts = np.array(starts, dtype=np.int64)
    j = np.searchsorted(country_ends, word_starts, side="right") - 1
    near = (j >= 0) & (country_ends[np.maximum(j, 0)] >= word_starts - 40)
    near &= country_paragraph[np.maximum(j, 0)] == np.array(paragraph_of, dtype=np.int64)
    codes = [c.code for c in countries]
    return [codes[x] if ok else None for x, ok in zip(j.tolist(), near.tolist())]
