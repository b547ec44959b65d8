"""Draft records from a report: exercises, crossings, incidents, agreements and regions, for review.

One draft per event the report is about, each filled from the sentences about that
event, not its whole paragraph: an exercise from the sentences that name it or go on
about the drill, a crossing from those that name it, an incident or an agreement from
the sentences that say what happened. The drafts are proposals. Each field keeps the
spans of text it came from; nothing becomes a record until the analyst confirms it on
the review screen.

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
from datetime import date, timedelta
from typing import Any

from frontier_atlas.domain.countries import alpha3, country_name
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.ingest.codenames import find_codenames
from frontier_atlas.ingest.dates import NUMBER_WORDS, DateFound, find_dates
from frontier_atlas.ingest.entities import (
    CountryFound,
    PlaceFound,
    Spans,
    Words,
    find_countries,
    find_forces,
    find_places,
    paragraph_spans,
)
from frontier_atlas.ingest.events import ByKey, Layout, find_events, trim_name
from frontier_atlas.ingest.features import find_borders
from frontier_atlas.ingest.reading import (
    MAX_CHARS,
    MAX_DRAFTS,
    MAX_PARAGRAPH_CHARS,
    MAX_PARAGRAPHS,
    TextLimitError,
    check_text,
)

# a document's own name: "Memorandum of Understanding between … on the … project", "Protocol-description"
DOCUMENT = re.compile(r"\b(?:Memorandum|Agreement|Protocol|Treaty|Declaration|Contract)[\w\-]*"
                      r"(?:\s+(?:of|on|between|and|the|[A-Z][\w\-]*|for)){0,30}")
# a date of something before the event ("since their previous meeting on April 19")
EARLIER = re.compile(r"\b(?:previous|earlier|last|prior|since)\b[^.;]*\Z", re.I)
# what a sentence says in passing after these words is background, not the event ("… amid peace
# efforts between Azerbaijan and Armenia")
ASIDE = re.compile(r"\b(?:amid|despite|against the backdrop of|in the wake of)\b", re.I)
DURATION = re.compile(r"\b(?P<n>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")[- ]day\b", re.I)
BEGAN = re.compile(r"\b(?:began|begun|begins|kicked off|kicks off|started|starts|launched|commenced|got under ?way|"
                   r"is under ?way|are under ?way|opened)\b", re.I)
ENDS = re.compile(r"\b(?:until|till|through|to run to|end(?:s|ed|ing)? on|conclude[sd]? on|last until)\s+\Z", re.I)
CROSSING_CUE = re.compile(r"\bcross(?:ed|ing|es)?\b", re.I)
# the first day of a period ("from March 20, 2024, through March 20, 2025")
PERIOD_FROM = re.compile(r"\bfrom\s+\Z", re.I)
PERIOD_TO = re.compile(r",?\s*(?:through|to|until|till|[-–])\s*", re.I)
# a time of day with no day: the day the report is about ("killed at roughly 07:50 GMT")
CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:GMT|UTC|[ap]\.?m\b\.?|local time)|\b\d{1,2}\s*[ap]\.m\.", re.I)
# the next sentence dates the one before it ("… at the Upper Lars checkpoint. This was reported … on September 27")
ANAPHORA = re.compile(r"\s*(?:This|That|It)\s+(?:was|has been|had been)\s+(?:reported|announced|stated|said|"
                      r"confirmed|decided)\b")
RAIL = re.compile(r"\brail(?:way|road)?s?\b", re.I)
# an adjective that is a person's or an office's, not a party to the event ("Azerbaijani President")
_TITLE_AFTER = re.compile(r"\s+(?:President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Minister|"
                          r"Ambassador|Embassy|Foreign Ministry|Defen[cs]e Ministry|Ministry|side|media|officials?|"
                          r"leader|spokesman|spokesperson|envoy|delegation|news agency|agency|parliament|MP)\b")
_FORCE_AFTER = re.compile(r"(?:[\s\-]+(?:and|[A-Z][\w\-]*|special|armed|ground|naval|air|elite|military|border|"
                          r"marine|airborne|mechani[sz]ed|motori[sz]ed|rapid|reaction|tank|artillery|navy|army)){0,4}"
                          r"[\s\-]+(?i:forces?|troops|army|navy|soldiers|servicemen|service members|units?|military|"
                          r"battalions?|brigades?|contingents?|ships|vessels|warships|destroyers?|frigates?|aircraft|"
                          r"jets|helicopters|commandos|marines|guards?|personnel|side|delegation|officers|teams?)\b")
_BORDER_NEAR = re.compile(r"(?:\bborder(?:ing|s)?\s+(?:with\s+)?(?:the\s+)?|\bnear\s+(?:the\s+)?|"
                          r"\b(?:reclaimed|captured|seized|retaken|recaptured|taken|liberated|regained) from\s+)\Z")
_BORDER_AFTER = re.compile(r"\s*(?:[’']s\s+)?(?:[-–]\s*\w+\s+)?(?i:border)\b"
                           r"(?!\s+(?i:guards?|troops|service|police|forces))")
REGION_CUE = re.compile(r"\b(?:disputed|contested|breakaway)\b", re.I)
INTO = re.compile(r"\binto\s+(\w+)")
RECOGNISED = re.compile(r"internationally recognized as part of (\w+)", re.I)


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


def _party(text: str, c: CountryFound, offices: bool = False, forces: bool = False) -> bool:
    """Whether a country named in a sentence about an event takes part in it: not an
    office's adjective ("Azerbaijani President"; ``offices``: yes, for an incident, which the
    side reporting it is a party to), not a border named as a location ("regions bordering
    Azerbaijan", "near the Iranian border"); ``forces``: an adjective counts only for forces
    ("Azerbaijani special forces", "Armenian and US servicemen")."""
    a, b = c.span
    if not offices and not c.named and _TITLE_AFTER.match(text, b):
        return False
    if forces and not c.named and not _FORCE_AFTER.match(text, b):
        return False  # "Israeli presence", "the Azerbaijani capital": an adjective, not a side
    return not (_BORDER_NEAR.search(text, max(0, a - 30), a) or _BORDER_AFTER.match(text, b))


def _extract(text: str, published: date, geocoder: GeocoderChain, paragraphs: list[tuple[int, int]],
             max_drafts: int, dates_before: int | None, progress: Callable[[float, str], None]) -> Extraction:
    index = Spans(paragraphs)
    progress(0.05, "finding countries")
    words = Words(text, paragraphs)
    countries = find_countries(text, paragraphs, words)
    codenames = find_codenames(text)
    progress(0.15, "finding places")
    places = find_places(text, geocoder, spans=paragraphs, countries=countries, words=words, codenames=codenames)
    layout = Layout(text, paragraphs)
    sentences, para_of_sentence = layout.sentences, layout.para_of_sentence
    sentences_in_paragraph, sentence_of = layout.sentences_in_paragraph, layout.sentence_of

    events = find_events(layout, places, codenames)

    if sum(e.kind in ("exercise", "crossing") for e in events) > max_drafts:
        raise _too_many(max_drafts)  # known before the dates are read: a refusal costs no more

    progress(0.6, "finding dates")
    wanted = None
    if dates_before is not None:
        wanted = {para_of_sentence[s] for e in events for s in e.scope}
        wanted |= {p.paragraph for p in places if p.kind == "crossing"}
        wanted |= set(range(bisect_left(index.starts, dates_before)))
        # regions read their paragraph and the one before
        wanted |= {q for p in places if p.position is not None and p.position.precision == "region"
                   for q in (p.paragraph - 1, p.paragraph) if q >= 0}
    dates = find_dates(text, published, paragraphs, only=None if wanted is None else sorted(wanted),
                       names=[c.span for c in codenames], sentences=sentences.starts)
    forces = find_forces(text)
    progress(0.85, "drafting records")
    drafts: list[Draft] = []

    def add(d: Draft) -> None:
        if len(drafts) >= max_drafts:
            raise _too_many(max_drafts)
        drafts.append(d)

    dates_in_sentence = ByKey(dates, lambda f: sentence_of(f.span[0]))
    dates_in = ByKey(dates, lambda f: f.paragraph)
    places_in_sentence = ByKey(places, lambda p: sentence_of(p.span[0]))
    countries_in_sentence = ByKey(countries, lambda c: sentence_of(c.span[0]))
    countries_in = ByKey(countries, lambda c: c.paragraph)
    forces_in_sentence = ByKey(forces, lambda f: sentence_of(f[1][0]))
    country_starts = [c.span[0] for c in countries]  # increasing: the words do not overlap
    country_ends = [c.span[1] for c in countries]
    country_at = {c.span[0]: c for c in countries}
    datelines = [p.span[1] for p in places if p.role == "dateline"]

    aside_memo: dict[int, int] = {}

    def aside(s: int) -> int:
        """Where the background of sentence ``s`` begins (its end if it has none)."""
        if s not in aside_memo:
            m = ASIDE.search(text, *sentences.spans[s])
            aside_memo[s] = m.start() if m else sentences.spans[s][1]
        return aside_memo[s]

    def parties(ss: list[int], offices: bool = False, forces: bool = False) -> list[CountryFound]:
        found = [c for s in ss for c in countries_in_sentence[s]
                 if _party(text, c, offices, forces) and c.span[0] < aside(s)]
        # a capital standing for its government is that country ("talks between Tehran and Baku")
        for s in ss:
            for p in places_in_sentence[s]:
                if p.role == "metonym" and p.position and p.position.country:
                    code = alpha3(p.position.country)
                    if code:
                        found.append(CountryFound(code, p.span, p.name, p.paragraph))
        return sorted(found, key=lambda c: c.span)

    def local(ss: list[int]) -> list[PlaceFound]:
        return [p for s in ss for p in places_in_sentence[s] if p.kind != "country" and p.role is None
                and p.span[0] < aside(s)]

    def event_days(ss: list[int]) -> list[DateFound]:
        """The days these sentences name for an event: not "today", not the report's dateline."""
        return [f for s in ss for f in dates_in_sentence[s] if f.precision == "day" and f.rule != "today"
                and not dateline(f)]

    def best_date(ss: list[int]) -> DateFound | None:
        found = event_days(ss)
        ranged = [f for f in found if f.end is not None]
        return (ranged or found or [None])[0]

    def exercise_span(ss: list[int]) -> tuple[tuple[date, tuple[int, int]], tuple[date, tuple[int, int]] | None,
                                              bool] | None:
        """(start, end, open) of an exercise, each day with the words it came from: a range or a
        start with a duration; else a start and an "until" day; else, for a drill the report says
        has begun, the day of the report (open: its end not known)."""
        found = event_days(ss)
        ranged = [f for f in found if f.end is not None and f.rule != "weekday after publication"]
        if ranged:
            return (ranged[0].start, ranged[0].span), (ranged[0].end, ranged[0].span), False
        # "The four-day Aras Joint Exercise" in one sentence, "began Sunday" in another
        lasting = next((m for s in ss for m in DURATION.finditer(text, *sentences.spans[s])), None)
        ends = [f for f in found if ENDS.search(text, max(0, f.span[0] - 20), f.span[0])
                or f.rule == "weekday after publication"]
        starts = [f for f in found if f not in ends]
        if starts:
            # an end before the start is another year's, or a misreading: not this drill's
            ends = [f for f in ends if f.start >= starts[0].start]
            if not ends and lasting:
                days = NUMBER_WORDS.get(lasting.group("n").lower()) or int(lasting.group("n"))
                return ((starts[0].start, starts[0].span),
                        (starts[0].start + timedelta(days=days - 1), lasting.span()), False)
            if ends:
                return (starts[0].start, starts[0].span), (ends[0].start, ends[0].span), False
            # "launched military drills on Friday": begun, its end not said
            s0 = sentence_of(starts[0].span[0])
            return (starts[0].start, starts[0].span), None, bool(BEGAN.search(text, *sentences.spans[s0]))
        began = next((m for s in ss for m in BEGAN.finditer(text, *sentences.spans[s])), None)
        if began:  # the report's day: its dateline's ("BAKU, Azerbaijan, Sept. 20"), else its publication's
            head = dateline_day()
            day = (head.start, head.span) if head else (published, began.span())
            if ends:
                return day, (ends[0].start, ends[0].span), False
            if not found:  # "joint exercises … started in Nakhchivan", in that day's report
                return day, None, True
        return None

    def lead_day() -> DateFound | None:
        """The first day the report's opening paragraphs name for an event."""
        opening = [k for q in range(min(2, len(paragraphs))) for k in sentences_in_paragraph[q]]
        return next(iter(event_days(opening)), None)

    def dateline(f: DateFound) -> bool:
        """"TEHRAN, December 17": the report's own date at its head, not an event's."""
        return f.span[0] < 80 and sentence_of(f.span[0]) == 0 and bool(datelines) and f.span[0] - datelines[0] < 40

    def dateline_day() -> DateFound | None:
        return next((f for f in dates if dateline(f) and f.precision == "day"), None)

    def place_names(ps: list[PlaceFound]) -> list[str]:
        return list(dict.fromkeys(p.name if not p.kind or p.kind == "region" and p.query == p.name
                                  else p.query if p.position is not None else p.name for p in ps))

    def cite_list(d: Draft, name: str, items: list, span_of: Callable[[Any], tuple[int, int]]) -> None:
        d.spans[name] = [span_of(x) for x in items]

    for e in events:
        if e.kind != "exercise":
            continue
        d = Draft("exercise", e.name, {"name": e.name})
        d.cite("name", e.name_span)
        start, end, open_ended = exercise_span(e.core) or exercise_span(e.scope) or (None, None, False)
        if start:
            d.fields["start"] = start[0]
            if end or not open_ended:  # begun, its end not said: no end, rather than a guessed one
                d.fields["end"] = end[0] if end else start[0]
            d.fields["date_precision"] = "day"
            d.cite("start", start[1])
            if end:
                d.cite("end", end[1])
        spots = local(e.core) or local(e.scope)
        if not spots:  # "a peacekeeping exercise in Armenia": the country is the place
            spots = [p for s in e.core for p in places_in_sentence[s] if p.kind == "country"
                     and re.search(r"\b(?:in|into|across|inside)\s+\Z", text[max(0, p.span[0] - 10):p.span[0]])]
        who = parties(e.core + e.extra["partake"], forces=True)
        if who:
            d.fields["participants"] = list(dict.fromkeys(c.code for c in who))
            cite_list(d, "participants", who, lambda c: c.span)
        if spots:
            d.fields["places"] = place_names(spots)
            cite_list(d, "places", spots, lambda p: p.span)
        elif len(d.fields.get("participants", [])) == 1:  # a national drill with no place named: its country
            d.fields["places"] = [country_name(d.fields["participants"][0])]
            cite_list(d, "places", who[:1], lambda c: c.span)
            d.fields["host"] = list(d.fields["participants"])
        units = [f for s in e.core for f in forces_in_sentence[s]]
        if units:
            unit_names = list(dict.fromkeys(u for u, _ in units))
            # "IRGC" adds nothing beside "IRGC Ground Forces"
            d.fields["forces"] = [u for u in unit_names if not any(u != o and u in o for o in unit_names)]
            cite_list(d, "forces", units, lambda f: f[1])
        hosts = [p.position.country for p in spots if p.position and p.position.country]
        if hosts:
            d.fields["host"] = [alpha3(hosts[0])]
        add(d)

    def first_country(pn: int, lo: int, hi: int) -> CountryFound | None:
        return next((countries[j] for j in range(lo, hi) if countries[j].paragraph == pn), None)

    period_days = {x.span for f, g in zip(dates, dates[1:])
                   if PERIOD_FROM.search(text, max(0, f.span[0] - 6), f.span[0])
                   and PERIOD_TO.fullmatch(text, f.span[1], g.span[0]) for x in (f, g)}

    def day_used(f: DateFound) -> bool:
        """A day a crossing was used on: not the dateline's, not a period of figures ("from March 20,
        2024, through …")."""
        return (f.precision == "day" and not dateline(f) and (f.end is None or (f.end - f.start).days <= 7)
                and f.span not in period_days)

    into_memo: dict[int, re.Match | None] = {}
    for e in events:
        if e.kind != "crossing":
            continue
        p: PlaceFound = e.extra["place"]
        s0 = e.core[0]
        sent = sentences.spans[s0]
        d = Draft("crossing", p.name, {"name": p.name, "places": [p.query if p.position else p.name],
                                       "type": "rail" if RAIL.search(text, *sent) else "road"})
        d.cite("name", p.span)
        # the first country ending within 80 characters before it, else starting within 30 after it
        side_a = (first_country(p.paragraph, bisect_right(country_ends, p.span[0] - 80),
                                bisect_left(country_ends, p.span[0]))
                  or first_country(p.paragraph, bisect_right(country_starts, p.span[1]),
                                   bisect_left(country_starts, p.span[1] + 30)))
        if s0 not in into_memo:
            into_memo[s0] = INTO.search(text, *sent)
        into = into_memo[s0]
        if into:
            into_code = country_at.get(into.start(1))
            if into_code:
                d.fields["country_b"] = into_code.code
                d.cite("country_b", into_code.span)
        own = alpha3(p.position.country) if p.position and p.position.country else None
        j = bisect_right(country_starts, p.span[1])
        after = countries[j] if j < len(countries) and countries[j].paragraph == p.paragraph else None
        if after and after.code != d.fields.get("country_b") and after.span[0] - p.span[1] < 40:
            d.fields["country_a"] = after.code  # "crossing in Iran's Ardabil Province"
            d.cite("country_a", after.span)
        elif own and own != d.fields.get("country_b"):
            d.fields["country_a"] = own
            d.cite("country_a", p.span)
        elif side_a and side_a.code != d.fields.get("country_b"):
            d.fields["country_a"] = side_a.code
            d.cite("country_a", side_a.span)
        if "country_b" not in d.fields:  # the other country its sentences name
            other = next((c for s in e.core for c in countries_in_sentence[s]
                          if _party(text, c) and c.code != d.fields.get("country_a")), None)
            if other:
                d.fields["country_b"] = other.code
                d.cite("country_b", other.span)
        d.fields["name_a"] = p.name
        if "country_b" not in d.fields and own and own != d.fields.get("country_a"):
            d.fields["country_b"] = own  # the country its post is in, when the other side came first
            d.cite("country_b", p.span)
        joined_name = e.extra["pair"]
        if joined_name:
            whole, other = joined_name
            d.name = d.fields["name"] = whole
            d.fields["name_b"] = other
            d.fields["places"] = list(dict.fromkeys([*d.fields["places"], other]))
        if "country_b" not in d.fields:  # the border its sentence names ("on the Azerbaijani-Iranian border")
            for _, span, border in find_borders(text[sent[0]:sent[1]]):
                other = [c for c in border.countries if c != d.fields.get("country_a")]
                if len(other) == 1:
                    d.fields["country_b"] = other[0]
                    d.cite("country_b", (sent[0] + span[0], sent[0] + span[1]))
                    if "country_a" not in d.fields:
                        d.fields["country_a"] = next(c for c in border.countries if c != other[0])
                    break
        # else the other country its paragraph names most, else the report (a proposal, cited)
        for pool in (countries_in[p.paragraph], countries):
            if "country_b" in d.fields:
                break
            counts: dict[str, int] = {}
            for c in pool:
                if c.named and c.code != d.fields.get("country_a"):
                    counts[c.code] = counts.get(c.code, 0) + 1
            if counts:
                code = max(counts, key=counts.get)
                c = next(c for c in pool if c.code == code and c.named)
                d.fields["country_b"] = code
                d.cite("country_b", c.span)
        # the days of the sentence that names it, or of the next one when that dates it ("… at the Upper
        # Lars checkpoint. This was reported … on September 27"), then of the rest of its sentences
        own = [f for f in dates_in_sentence[s0] if day_used(f)]
        told = [] if own or s0 + 1 >= len(sentences) or not ANAPHORA.match(text, sentences.spans[s0 + 1][0]) \
            else [f for f in dates_in_sentence[s0 + 1] if day_used(f)]
        used = (own or told or [f for s in e.core for f in dates_in_sentence[s] if day_used(f)]
                or [f for f in dates_in[p.paragraph] if day_used(f)])
        if used and (told or CROSSING_CUE.search(text, *sent) or used[0].paragraph == p.paragraph):
            d.fields["status"] = f"used on {used[0].start.isoformat()} (as reported)"
            d.fields["status_date"] = used[0].start
            d.cite("status_date", used[0].span)
        else:  # a crossing record says what is known of its state; here, only that it is named
            d.fields["status"] = "named in the report; no date given"
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
        # claimants are countries named as such, not forces there ("Russian peacekeepers")
        claimants = [c for q in scope for c in countries_in[q] if c.named]
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

    # ---- events: agreements, then incidents
    for e in events:
        if e.kind not in ("agreement", "deal"):
            continue
        m = e.extra["cue"]
        s = e.core[0]
        who = parties(e.core)
        if e.kind == "agreement":  # "Armenia and Azerbaijan in March agreed on the text of a peace agreement"
            before = [c for c in who if c.span[0] < m.start()]
            who = before or who
            names = " and ".join(dict.fromkeys(c.text for c in who))
            name = f"{names} agree on the text of a {m.group('what')}".strip()
        elif e.extra.get("title"):
            name = e.name
        else:
            doc = DOCUMENT.search(text, *sentences.spans[s])
            name = trim_name(doc.group()) if doc else ""
            if len(name.split()) < 2 and "-" not in name:
                name = ""
            name = name.rstrip(" ,.;") or f"{' and '.join(dict.fromkeys(c.text for c in who))} {m.group('what')}"\
                .strip()
        d = Draft("event", name, {"name": name, "event_type": "diplomatic agreement",
                                  "participants": list(dict.fromkeys(c.code for c in who))})
        d.cite("name", m.span())
        cite_list(d, "participants", who, lambda c: c.span)
        # its own sentence's date, a day or a month before a year ("in 2023" is less than "on 25 February")
        when = sorted((f for k in e.core for f in dates_in_sentence[k] if f.rule != "today" and not dateline(f)),
                      key=lambda f: f.precision == "year")
        if not when:  # the latest date before it in its paragraph ("… met on May 15. The commission agreed …")
            before = [f for f in dates_in[para_of_sentence[s]]
                      if f.span[0] < sentences.spans[s][0] and f.precision != "year" and not dateline(f)
                      and not EARLIER.search(text, max(0, f.span[0] - 40), f.span[0])]
            when = before[-1:]
        if when:
            d.fields["start"], d.fields["date_precision"] = when[0].start, when[0].precision
            d.cite("start", when[0].span)
        spots = local(e.core)
        if spots:
            d.fields["places"] = place_names(spots)
            cite_list(d, "places", spots, lambda p: p.span)
        add(d)
    for e in events:
        if e.kind not in ("incident", "meeting"):
            continue
        spots = local(e.core)
        offices = e.kind == "incident"
        who = parties(e.core, offices)
        if len({c.code for c in who}) < 2:  # the other side, from the rest of its paragraph and the one before
            around = dict.fromkeys(q for s in e.core for q in (para_of_sentence[s] - 1, para_of_sentence[s]) if q >= 0)
            paragraph_sentences = [k for q in around for k in sentences_in_paragraph[q]]
            who = sorted({c.code: c for c in who + parties(paragraph_sentences, offices)}.values(),
                         key=lambda c: c.span)
        name = f"{e.name.capitalize()}: {spots[0].name}" if spots else e.name.capitalize()
        kind = "incident" if e.kind == "incident" else "visit or talks"
        d = Draft("event", name, {"name": name, "event_type": kind,
                                  "participants": list(dict.fromkeys(c.code for c in who))})
        d.cite("name", e.name_span)
        cite_list(d, "participants", who, lambda c: c.span)
        when = best_date(e.core)
        if when is None and e.kind == "meeting":  # "Astara, October 14 – Delegations … visited"
            when = dateline_day()
        if when is None and any(CLOCK.search(text, *sentences.spans[s]) for s in e.core):
            when = lead_day()  # "killed at roughly 07:50 GMT": on the day the report opens with
        if when:
            d.fields["start"], d.fields["date_precision"] = when.start, "day"
            d.cite("start", when.span)
        if spots:
            d.fields["places"] = place_names(spots)
            cite_list(d, "places", spots, lambda p: p.span)
        add(d)
    return Extraction(text, published, places, dates, countries, forces, drafts)
