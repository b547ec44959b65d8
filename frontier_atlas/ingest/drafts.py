"""Draft records from a report: exercises, crossings, regions and events, for review.

The drafts are proposals. Each field keeps the spans of text it came from; nothing
becomes a record until the analyst confirms it on the review screen.

``extract`` checks the text against the limits in ``ingest.reading`` before any work
(``TextLimitError`` past one) and is linear in the text: finds are grouped by paragraph
once, and each rule looks up the finds near a place by bisection instead of scanning them all.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from frontier_atlas.domain.countries import alpha3
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.ingest.dates import DateFound, find_dates
from frontier_atlas.ingest.entities import (
    CountryFound,
    PlaceFound,
    Spans,
    Words,
    find_countries,
    find_forces,
    find_places,
    is_dateline,
    paragraph_spans,
)
from frontier_atlas.ingest.reading import (
    MAX_CHARS,
    MAX_DRAFTS,
    MAX_PARAGRAPH_CHARS,
    MAX_PARAGRAPHS,
    TextLimitError,
    check_text,
)

EXERCISE_CUES = re.compile(r"\b(?:exercise|drills?|manoeuvres?|maneuvers?|war games)\b", re.I)
CODENAME = re.compile(r"“([^”]{2,60})”|\"([^\"]{2,60})\"")
CROSSING_CUE = re.compile(r"\bcross(?:ed|ing|es)?\b", re.I)
REGION_CUE = re.compile(r"\b(?:disputed|contested|breakaway)\b", re.I)
INTO = re.compile(r"\binto\s+(\w+)")
RECOGNISED = re.compile(r"internationally recognized as part of (\w+)", re.I)
AGREEMENT_CUE = re.compile(r"\bagreed on the text of (?:a |the )?(?P<what>[\w ]{3,40}?agreement)\b", re.I)


@dataclass
class Draft:
    kind: str
    name: str
    fields: dict = field(default_factory=dict)  # record fields, as the models take them
    spans: dict = field(default_factory=dict)  # field -> [(start, end)]

    def cite(self, name: str, span: tuple[int, int]) -> None:
        self.spans.setdefault(name, []).append(span)


@dataclass
class Extraction:
    text: str
    published: date
    places: list[PlaceFound]
    dates: list[DateFound]
    countries: list[CountryFound]
    forces: list[tuple[str, tuple[int, int]]]
    drafts: list[Draft]


def _in(span: tuple[int, int], para: tuple[int, int]) -> bool:
    return para[0] <= span[0] < para[1]


class _ByParagraph(dict):
    """The items of each paragraph, in their order: one pass instead of one scan per paragraph."""

    def __init__(self, items: list, paragraph_of: Callable[[Any], int | None]) -> None:
        super().__init__()
        for x in items:
            pn = paragraph_of(x)
            if pn is not None:
                self.setdefault(pn, []).append(x)

    def __missing__(self, pn: int) -> list:
        return []


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the finds are built.

    Extraction makes many small objects and no reference cycles; each allocation burst
    set off full collections that walked the whole heap (the gazetteer indexes, shared by
    every session), which was most of the time of a long text. The pause is process-wide:
    a long text is read in a background job's own process, so on the server it lasts
    only as long as a short text's extraction (about 20 ms). Resumed only if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def extract(text: str, published: date, geocoder: GeocoderChain, *, max_chars: int = MAX_CHARS,
            max_paragraphs: int = MAX_PARAGRAPHS, max_paragraph_chars: int = MAX_PARAGRAPH_CHARS,
            max_drafts: int = MAX_DRAFTS, dates_before: int | None = None,
            progress: Callable[[float, str], None] | None = None) -> Extraction:
    """Places, dates, parties and draft records of a report; ``TextLimitError`` past a limit.

    The limits are keywords so a benchmark can lift them to measure the cost itself;
    ``progress`` hears each step begin (a background job's bar). ``dates_before``: dates are
    wanted only in the paragraphs a draft reads and in those that begin before this character
    (all a review shows of a long text); None: in every paragraph."""
    if len(text) > max_chars:  # before even splitting it into paragraphs
        raise TextLimitError("MAX_CHARS", len(text), max_chars, "characters")
    with _collector_paused():
        paragraphs = paragraph_spans(text)
        check_text(text, paragraphs, max_chars, max_paragraphs, max_paragraph_chars)
        return _extract(text, published, geocoder, paragraphs, max_drafts, dates_before, progress or _quiet)


def _quiet(fraction: float, message: str) -> None:
    pass


def _too_many(max_drafts: int) -> TextLimitError:
    return TextLimitError("MAX_DRAFTS", max_drafts, max_drafts, "draft records", at_least=True)


def _extract(text: str, published: date, geocoder: GeocoderChain, paragraphs: list[tuple[int, int]],
             max_drafts: int, dates_before: int | None, progress: Callable[[float, str], None]) -> Extraction:
    index = Spans(paragraphs)
    progress(0.05, "finding countries")
    words = Words(text, paragraphs)
    countries = find_countries(text, paragraphs, words)
    progress(0.15, "finding places")
    places = find_places(text, geocoder, spans=paragraphs, countries=countries, words=words)
    n = len(paragraphs)

    # ---- exercises: a quoted codename in a paragraph about a drill (found before the dates,
    # which are read only where a draft or the review needs them)
    about_drill = sorted({pn for m in EXERCISE_CUES.finditer(text)
                          if (pn := index.index(m.start())) is not None})
    drill = set(about_drill)
    codename_memo: dict[int, bool] = {}

    def has_codename(q: int) -> bool:
        if q not in codename_memo:
            codename_memo[q] = CODENAME.search(text, *paragraphs[q]) is not None
        return codename_memo[q]

    exercises: list[tuple[int, list[re.Match], list[int]]] = []
    for pn in about_drill:
        p0, p1 = paragraphs[pn]
        names = list(CODENAME.finditer(text, p0, p1))
        if not names:
            continue
        # its paragraphs: this one and the following ones still about a drill, up to the next
        # codename (so the scopes of two codename paragraphs never overlap: linear in all)
        scope = [pn]
        for q in range(pn + 1, n):
            if q not in drill or has_codename(q):
                break
            scope.append(q)
        exercises.append((pn, names, scope))
    # (match, its paragraph) of each agreement cue
    agreements = [(m, pn) for m in AGREEMENT_CUE.finditer(text) if (pn := index.index(m.start())) is not None]
    crossings = [p for p in places if p.kind == "crossing"]
    if sum(len(names) for _, names, _ in exercises) + len(crossings) > max_drafts:
        raise _too_many(max_drafts)  # known before the dates are read: a refusal costs no more

    progress(0.6, "finding dates")
    wanted = None
    if dates_before is not None:
        wanted = {q for _, _, scope in exercises for q in scope} | {p.paragraph for p in crossings}
        wanted |= {pn for _, pn in agreements}
        wanted |= set(range(bisect_left(index.starts, dates_before)))
    dates = find_dates(text, published, paragraphs, only=None if wanted is None else sorted(wanted))
    forces = find_forces(text)
    progress(0.85, "drafting records")
    drafts: list[Draft] = []

    def add(d: Draft) -> None:
        if len(drafts) >= max_drafts:
            raise _too_many(max_drafts)
        drafts.append(d)

    dates_in = _ByParagraph(dates, lambda f: f.paragraph)
    places_in = _ByParagraph(places, lambda p: p.paragraph)
    countries_in = _ByParagraph(countries, lambda c: c.paragraph)
    forces_in = _ByParagraph(forces, lambda f: index.index(f[1][0]))
    country_starts = [c.span[0] for c in countries]  # increasing: the words do not overlap
    country_ends = [c.span[1] for c in countries]
    country_at = {c.span[0]: c for c in countries}

    for pn, names, scope in exercises:
        days = [f for q in scope for f in dates_in[q] if f.precision == "day" and f.rule != "today"]
        local = [p for p in places_in[pn] if p.kind != "country" and not is_dateline(text, p)]
        local_names = list(dict.fromkeys(p.name if not p.kind or p.kind == "region" and p.query == p.name
                                         else p.query for p in local))
        codes = [c for q in scope for c in countries_in[q]]
        units = [f for q in scope for f in forces_in[q]]
        unit_names = list(dict.fromkeys(u for u, _ in units))
        # "IRGC" adds nothing beside "IRGC Ground Forces"
        kept_units = [u for u in unit_names if not any(u != o and u in o for o in unit_names)]
        hosts = [p.position.country for p in local if p.position and p.position.country]
        host = alpha3(hosts[0]) if hosts else None
        # the same for every codename of the paragraph: each draft gets a copy (C speed),
        # though a paragraph of n codenames and n places still copies n * n; hence the limits
        local_spans, code_spans = [p.span for p in local], [c.span for c in codes]
        code_names, unit_spans = list(dict.fromkeys(c.code for c in codes)), [span for _, span in units]
        for m in names:
            name = (m.group(1) or m.group(2)).strip(" ,.")
            d = Draft("exercise", name, {"name": name})
            d.cite("name", m.span())
            if days:
                d.fields["start"], d.fields["end"] = days[0].start, days[0].last_day
                d.fields["date_precision"] = "day"
                d.cite("start", days[0].span)
            if local:
                d.fields["places"] = list(local_names)
                d.spans["places"] = list(local_spans)
            if codes:
                d.fields["participants"] = list(code_names)
                d.spans["participants"] = list(code_spans)
            if units:
                d.fields["forces"] = list(kept_units)
                d.spans["forces"] = list(unit_spans)
            if host:
                d.fields["host"] = [host]
            add(d)

    def first_country(pn: int, lo: int, hi: int) -> CountryFound | None:
        return next((countries[j] for j in range(lo, hi) if countries[j].paragraph == pn), None)

    into_memo: dict[int, re.Match | None] = {}
    crossing_memo: dict[int, bool] = {}

    # ---- crossings: a place read as a crossing, in a sentence about crossing
    for p in crossings:
        para = paragraphs[p.paragraph]
        d = Draft("crossing", p.name, {"name": p.name, "places": [p.query], "type": "road"})
        d.cite("name", p.span)
        # the first country ending within 80 characters before it, else starting within 30 after it
        side_a = (first_country(p.paragraph, bisect_right(country_ends, p.span[0] - 80),
                                bisect_left(country_ends, p.span[0]))
                  or first_country(p.paragraph, bisect_right(country_starts, p.span[1]),
                                   bisect_left(country_starts, p.span[1] + 30)))
        if p.paragraph not in into_memo:
            into_memo[p.paragraph] = INTO.search(text, *para)
        into = into_memo[p.paragraph]
        if into:
            into_code = country_at.get(into.start(1))
            if into_code and into_code.paragraph == p.paragraph:
                d.fields["country_b"] = into_code.code
                d.cite("country_b", into_code.span)
        j = bisect_right(country_starts, p.span[1])
        after = countries[j] if j < len(countries) and countries[j].paragraph == p.paragraph else None
        if after and after.code != d.fields.get("country_b"):
            d.fields["country_a"] = after.code  # "crossing in Iran's Ardabil Province"
            d.cite("country_a", after.span)
        elif side_a and side_a.code != d.fields.get("country_b"):
            d.fields["country_a"] = side_a.code
            d.cite("country_a", side_a.span)
        d.fields["name_a"] = p.name
        used = dates_in[p.paragraph]
        if p.paragraph not in crossing_memo:
            crossing_memo[p.paragraph] = CROSSING_CUE.search(text, *para) is not None
        if used and crossing_memo[p.paragraph]:
            d.fields["status"] = f"used on {used[0].start.isoformat()} (as reported)"
            d.fields["status_date"] = used[0].start
            d.cite("status_date", used[0].span)
        add(d)

    # ---- regions: "the long-disputed region of Karabakh"
    regions: set[str] = set()
    for p in places:
        if p.position is None or p.position.precision != "region" or p.position.region_id is None:
            continue
        before = text[max(0, p.span[0] - 60):p.span[0]]
        if not REGION_CUE.search(before) or p.name in regions:
            continue
        regions.add(p.name)
        d = Draft("region", p.name, {"name": p.name, "places": [p.name]})
        d.cite("name", p.span)
        scope = [p.paragraph - 1, p.paragraph] if p.paragraph else [p.paragraph]
        claimants = [c for q in scope for c in countries_in[q]]
        if claimants:
            d.fields["claimants"] = list(dict.fromkeys(c.code for c in claimants))
            for c in claimants:
                d.cite("claimants", c.span)
        p0, p1 = paragraphs[p.paragraph]
        rec = RECOGNISED.search(text, p0, p1)
        if rec:
            found = country_at.get(rec.start(1))
            if found:
                d.fields["internationally_recognised_as"] = found.code
                d.cite("internationally_recognised_as", rec.span(1))
        add(d)

    # ---- events: agreements on a text (the pattern never spans a line, so never a paragraph)
    seen: set[int] = set()
    for m, pn in agreements:
        if pn in seen:
            continue
        seen.add(pn)
        group = countries_in[pn]
        parties = group[:bisect_left([c.span[0] for c in group], m.start())]
        who = " and ".join(dict.fromkeys(c.text for c in parties))
        name = f"{who} agree on the text of a {m.group('what')}".strip()
        d = Draft("event", name, {"name": name, "event_type": "diplomatic agreement",
                                  "participants": list(dict.fromkeys(c.code for c in parties))})
        d.cite("name", m.span())
        when = dates_in[pn]
        if when:
            d.fields["start"], d.fields["date_precision"] = when[0].start, when[0].precision
            d.cite("start", when[0].span)
        add(d)
    return Extraction(text, published, places, dates, countries, forces, drafts)
