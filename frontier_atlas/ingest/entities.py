"""Places, countries and forces named in a report, each with the span it came from."""

from __future__ import annotations

import re
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


def _paragraph_of(pos: int, paragraphs: list[tuple[int, int]]) -> int:
    return next((i for i, (a, b) in enumerate(paragraphs) if a <= pos < b), 0)


def find_countries(text: str) -> list[CountryFound]:
    """Countries named ("Iran", "Iran's") or implied by a demonym or force ("Azerbaijani", "IRGC")."""
    paragraphs = paragraph_spans(text)
    index = country_index()
    out = []
    for m in _WORD.finditer(text):
        word = re.sub(r"[’']s$", "", m.group())
        code = DEMONYMS.get(word.lower())
        if code is None:
            pos = index.get(normalise(word))
            code = alpha3(pos.country) if pos and pos.country else None
        if code:
            out.append(CountryFound(code, m.span(), m.group(), _paragraph_of(m.start(), paragraphs)))
    return out


def find_forces(text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.group(), m.span()) for m in FORCE.finditer(text)]


def is_dateline(text: str, place: PlaceFound) -> bool:
    """"TEHRAN –" at the head of a report: where it was filed, not where things happened."""
    start, end = place.span
    head = text[:start].strip() == "" and text[start:end].isupper()
    return head and text[end:end + 3].strip().startswith(("–", "-", "—", "("))


def find_places(text: str, geocoder: GeocoderChain, max_words: int = 4) -> list[PlaceFound]:
    """Place names, matched longest first against the gazetteers, kinds read from the words
    after them. Town names are kept only in countries the report itself names, so a name
    in a title or a codename ("Aras 2025" is quoted) does not become a town elsewhere."""
    paragraphs = paragraph_spans(text)
    quoted = quoted_spans(text)
    countries = find_countries(text)
    mentioned = {alpha2(c.code) for c in countries}
    words = list(_WORD.finditer(text))
    out: list[PlaceFound] = []
    i = 0
    while i < len(words):
        first = words[i]
        prev = text[max(0, first.start() - 20):first.start()].split()
        if any(a <= first.start() < b for a, b in quoted) or (prev and prev[-1].rstrip(".").lower() in TITLES):
            i += 1
            continue
        hit = None
        for n in range(min(max_words, len(words) - i), 0, -1):
            group = words[i:i + n]
            if any(text[a.end():b.start()] not in (" ", "-") for a, b in zip(group, group[1:])):
                continue
            start, end = group[0].start(), group[-1].end()
            name = re.sub(r"[’']s$", "", text[start:end])
            if len(name) < 3:
                continue
            after = normalise(text[end:end + 40])
            cue = next(((w, k) for w, k in CUES if after.startswith(w)), None)
            nxt = words[i + n] if i + n < len(words) else None
            if (not cue and nxt is not None and text[end:nxt.start()] == " "
                    and not re.search(r"[’']s$", group[-1].group())):
                continue  # "Baghanis" in "Baghanis Ayrim": part of a longer name we do not know
            query = f"{name} {cue[0]}" if cue else name
            paragraph = _paragraph_of(start, paragraphs)
            # the country named just before ("Iran's Ardabil Province") chooses between homonyms
            near = [c for c in countries if c.paragraph == paragraph and 0 <= start - c.span[1] <= 40]
            hint = near[-1].code if near else None
            pos = None
            for q in dict.fromkeys([query, name] if cue else [query]):
                pos = (geocoder.locate(q, hint) if hint else None) or geocoder.locate(q)
                if pos is not None:
                    break
            if pos is None:
                continue
            if pos.provider == "GeoNames" and pos.country not in mentioned:
                continue  # a town in a country the report never names: most likely a false match
            kind = "country" if pos.precision == "country" else (cue[1] if cue else None)
            span_end = end + (len(text[end:]) - len(text[end:].lstrip())) + len(cue[0]) if cue else end
            hit = (n, PlaceFound(name, (start, span_end if cue else end), kind, query, pos, paragraph))
            break
        if hit:
            out.append(hit[1])
            i += hit[0]
        else:
            i += 1
    return out
