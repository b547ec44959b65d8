"""Places, countries and forces named in a report, each with the span it came from.

Linear in the text (n log n at most): a position's paragraph, quotation and nearby
country are looked up by bisection in sorted spans, never by a scan over all of them.
The limits on what is read at all are in ``ingest.reading``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

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


def _paragraph_of(pos: int, paragraphs: Spans) -> int:
    found = paragraphs.index(pos)
    return 0 if found is None else found


def find_countries(text: str, spans: list[tuple[int, int]] | None = None) -> list[CountryFound]:
    """Countries named ("Iran", "Iran's") or implied by a demonym or force ("Azerbaijani", "IRGC")."""
    paragraphs = Spans(paragraph_spans(text) if spans is None else spans)
    index = country_index()
    codes: dict[str, str | None] = {}  # a word's country, worked out once per distinct word
    out = []
    for m in _WORD.finditer(text):
        written = m.group()
        if written not in codes:
            word = written[:-2] if written.endswith(("’s", "'s")) else written
            code = DEMONYMS.get(word.lower())
            if code is None:
                pos = index.get(normalise(word))
                code = alpha3(pos.country) if pos and pos.country else None
            codes[written] = code
        code = codes[written]
        if code:
            out.append(CountryFound(code, m.span(), written, _paragraph_of(m.start(), paragraphs)))
    return out


def find_forces(text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.group(), m.span()) for m in FORCE.finditer(text)]


def is_dateline(text: str, place: PlaceFound) -> bool:
    """"TEHRAN –" at the head of a report: where it was filed, not where things happened."""
    start, end = place.span
    if not text[start:end].isupper() or not text[end:end + 3].strip().startswith(("–", "-", "—", "(")):
        return False
    return _SPACE.match(text, 0, start).end() == start  # nothing but space before it


def find_places(text: str, geocoder: GeocoderChain, max_words: int = 4, spans: list[tuple[int, int]] | None = None,
                countries: list[CountryFound] | None = None) -> list[PlaceFound]:
    """Place names, matched longest first against the gazetteers, kinds read from the words
    after them. Town names are kept only in countries the report itself names, so a name
    in a title or a codename ("Aras 2025" is quoted) does not become a town elsewhere.

    ``spans`` and ``countries``, when the caller has them, are this text's paragraphs and
    ``find_countries``; they are not found again."""
    spans = paragraph_spans(text) if spans is None else spans
    paragraphs = Spans(spans)
    in_quote = bytearray(len(text) + 1)  # 1 inside a quotation: one index per word, not a bisection
    for a, b in quoted_spans(text):
        in_quote[a:b] = b"\1" * (b - a)
    # where a word follows a title ("General Bagheri" is a person): one pass, not a look back per word
    after_title = {m.end() for m in _AFTER_TITLE.finditer(text)}
    countries = find_countries(text, spans) if countries is None else countries
    country_ends = [c.span[1] for c in countries]  # increasing: the words do not overlap
    mentioned = {alpha2(c.code) for c in countries}
    words = list(_WORD.finditer(text))
    starts, ends = [m.start() for m in words], [m.end() for m in words]
    possessive = [m.group().endswith(("’s", "'s")) for m in words]
    gaps = [text[e:s] for e, s in zip(ends, starts[1:])] + [""]
    # run[j]: how many words after word j may belong to one name with it (joined by a space or hyphen)
    run = [0] * len(words)
    for j in range(len(words) - 2, -1, -1):
        run[j] = run[j + 1] + 1 if gaps[j] in (" ", "-") else 0
    out: list[PlaceFound] = []
    answers: dict[tuple[str, str | None], Position | None] = {}  # a long report names a place many times

    def locate(q: str, hint: str | None) -> Position | None:
        if (q, hint) not in answers:
            answers[q, hint] = (geocoder.locate(q, hint) if hint else None) or geocoder.locate(q)
        return answers[q, hint]

    i, last = 0, len(words)
    cues: list = [_UNSEEN] * last
    while i < last:
        start = starts[i]
        if in_quote[start] or start in after_title:
            i += 1
            continue
        hit = None
        for n in range(min(max_words, run[i] + 1, last - i), 0, -1):
            k = i + n - 1  # the last word of the name
            end = ends[k]
            name = text[start:end - 2] if possessive[k] else text[start:end]
            if len(name) < 3:
                continue
            if cues[k] is _UNSEEN:  # the words after word k: read once, whichever name ends there
                cues[k] = _CUE.match(text, end, end + 40)
            cue_at = cues[k]
            cue = CUES[int(cue_at.lastgroup[1:])] if cue_at else None
            if not cue and gaps[k] == " " and not possessive[k]:
                continue  # "Baghanis" in "Baghanis Ayrim": part of a longer name we do not know
            query = f"{name} {cue[0]}" if cue else name
            # the country named just before ("Iran's Ardabil Province") chooses between homonyms
            lo, hi = bisect_left(country_ends, start - 40), bisect_right(country_ends, start)
            paragraph = _paragraph_of(start, paragraphs) if lo < hi else -1
            hint = next((countries[j].code for j in range(hi - 1, lo - 1, -1)
                         if countries[j].paragraph == paragraph), None)
            pos = locate(query, hint)
            if pos is None and cue:
                pos = locate(name, hint)
            if pos is None:
                continue
            if pos.provider == "GeoNames" and pos.country not in mentioned:
                continue  # a town in a country the report never names: most likely a false match
            kind = "country" if pos.precision == "country" else (cue[1] if cue else None)
            if paragraph < 0:
                paragraph = _paragraph_of(start, paragraphs)
            hit = (n, PlaceFound(name, (start, cue_at.end() if cue_at else end), kind, query, pos, paragraph))
            break
        if hit:
            out.append(hit[1])
            i += hit[0]
        else:
            i += 1
    return out
