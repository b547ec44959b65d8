"""Places, countries and forces named in a report, each with the span it came from.

Linear in the text (n log n at most): a word's paragraph and nearby countries are found
by one sorted search for all words, a quotation by a mask of the text, never by a scan
over all of them.
The limits on what is read at all are in ``ingest.reading``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np

from frontier_atlas.domain.countries import alpha2, alpha3
from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.countries import country_index
from frontier_atlas.geocode.names import QUALIFIERS
from frontier_atlas.ingest.dates import paragraphs, quoted_spans

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
DEMONYMS = {
    "iranian": "IRN", "irgc": "IRN", "azerbaijani": "AZE", "azeri": "AZE", "armenian": "ARM",
    "turkish": "TUR", "georgian": "GEO", "russian": "RUS", "american": "USA", "pakistani": "PAK",
    "kazakh": "KAZ", "chinese": "CHN",
}
FORCE = re.compile(
    r"\b(?:IRGC|Islamic Revolution(?:ary)? Guards? Corps(?:\s*\(IRGC\))?)"
    r"(?:\s+Ground\s+Forces?|\s+Navy|\s+Aerospace Force)?"
    r"|\b(?:Iranian|Azerbaijani|Armenian|Turkish|Georgian|Russian|Pakistani)\s+(?:Army|Navy|Air Force|"
    r"[Ss]pecial [Ff]orces|[Aa]rmed [Ff]orces|[Bb]order [Gg]uards?)"
)
_WORD = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'\-]*")
_SPACE = re.compile(r"\s*")
_UNSEEN = object()
_AFTER_TITLE = re.compile(r"(?<!\S)(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.*\s+", re.I)


@dataclass(frozen=True)
class PlaceFound:
    name: str  # as written, without the cue words
    span: tuple[int, int]
    kind: str | None  # from the cue words, or "country"
    query: str  # what was asked of the geocoder
    position: Position | None
    paragraph: int


@dataclass(frozen=True)
class CountryFound:
    code: str  # ISO alpha-3
    span: tuple[int, int]
    text: str
    paragraph: int


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
    """Countries named ("Iran", "Iran's") or implied by a demonym or force ("Azerbaijani", "IRGC")."""
    words = Words(text, paragraph_spans(text) if spans is None else spans) if words is None else words
    index = country_index()
    codes: dict[str, str | None] = {}  # a word's country, worked out once per distinct word
    for written in set(words.texts):
        word = written[:-2] if written.endswith(("’s", "'s")) else written
        code = DEMONYMS.get(word.lower())
        if code is None:
            pos = index.get(normalise(word))
            code = alpha3(pos.country) if pos and pos.country else None
        codes[written] = code
    starts, ends, paragraph = words.starts, words.ends, words.paragraph
    return [CountryFound(code, (starts[j], ends[j]), written, paragraph[j])
            for j, written in enumerate(words.texts) if (code := codes[written])]


def find_forces(text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.group(), m.span()) for m in FORCE.finditer(text)]


def is_dateline(text: str, place: PlaceFound) -> bool:
    """"TEHRAN –" at the head of a report: where it was filed, not where things happened."""
    start, end = place.span
    if not text[start:end].isupper() or not text[end:end + 3].strip().startswith(("–", "-", "—", "(")):
        return False
    return _SPACE.match(text, 0, start).end() == start  # nothing but space before it


def find_places(text: str, geocoder: GeocoderChain, max_words: int = 4, spans: list[tuple[int, int]] | None = None,
                countries: list[CountryFound] | None = None, words: Words | None = None) -> list[PlaceFound]:
    """Place names, matched longest first against the gazetteers, kinds read from the words
    after them. Town names are kept only in countries the report itself names, so a name
    in a title or a codename ("Aras 2025" is quoted) does not become a town elsewhere.

    ``spans``, ``countries`` and ``words``, when the caller has them, are this text's
    paragraphs, ``find_countries`` and ``Words``; they are not found again."""
    spans = paragraph_spans(text) if spans is None else spans
    words = Words(text, spans) if words is None else words
    in_quote = bytearray(len(text) + 1)  # 1 inside a quotation: one index per word, not a bisection
    for a, b in quoted_spans(text):
        in_quote[a:b] = b"\1" * (b - a)
    # where a word follows a title ("General Bagheri" is a person): one pass, not a look back per word
    after_title = {m.end() for m in _AFTER_TITLE.finditer(text)}
    countries = find_countries(text, spans, words) if countries is None else countries
    mentioned = {alpha2(c.code) for c in countries}
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

    i = 0
    while i < last:
        start = starts[i]
        if in_quote[start] or start in after_title:
            i += 1
            continue
        hit = None
        # the names that begin here, longest first: they end at a stop within the run
        first, top = bisect_left(stops, i), bisect_right(stops, i + min(max_words - 1, run[i]))
        for k in reversed(stops[first:top]):
            end = ends[k] - 2 if possessive[k] else ends[k]
            if end - start < 3:
                continue
            name = text[start:end]
            cue = cue_of[k]
            query = f"{name} {cue[0]}" if cue else name
            hint = hint_of[i]
            pos = locate(query, hint)
            if pos is None and cue:
                pos = locate(name, hint)
            if pos is None:
                continue
            if pos.provider == "GeoNames" and pos.country not in mentioned:
                continue  # a town in a country the report never names: most likely a false match
            kind = "country" if pos.precision == "country" else (cue[1] if cue else None)
            span = (start, cue_at[k].end() if cue else ends[k])
            hit = (k - i + 1, PlaceFound(name, span, kind, query, pos, paragraph_of[i]))
            break
        if hit:
            out.append(hit[1])
            i += hit[0]
        else:
            i += 1
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
