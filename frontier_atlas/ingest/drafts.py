"""Draft records from a report: exercises, crossings, regions and events, for review.

The drafts are proposals. Each field keeps the spans of text it came from; nothing
becomes a record until the analyst confirms it on the review screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from frontier_atlas.domain.countries import alpha3
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.ingest.dates import DateFound, find_dates
from frontier_atlas.ingest.entities import (
    CountryFound,
    PlaceFound,
    find_countries,
    find_forces,
    find_places,
    is_dateline,
    paragraph_spans,
)

EXERCISE_CUES = re.compile(r"\b(?:exercise|drills?|manoeuvres?|maneuvers?|war games)\b", re.I)
CODENAME = re.compile(r"“([^”]{2,60})”|\"([^\"]{2,60})\"")
CROSSING_CUE = re.compile(r"\bcross(?:ed|ing|es)?\b", re.I)
REGION_CUE = re.compile(r"\b(?:disputed|contested|breakaway)\b", re.I)
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


def extract(text: str, published: date, geocoder: GeocoderChain) -> Extraction:
    paragraphs = paragraph_spans(text)
    places = find_places(text, geocoder)
    dates = find_dates(text, published)
    countries = find_countries(text)
    forces = find_forces(text)
    drafts: list[Draft] = []

    def in_para(items, pn, span=lambda x: x.span):
        return [x for x in items if _in(span(x), paragraphs[pn])]

    # ---- exercises: a quoted codename in a paragraph about a drill
    for pn, (p0, p1) in enumerate(paragraphs):
        para = text[p0:p1]
        if not EXERCISE_CUES.search(para):
            continue
        for m in CODENAME.finditer(para):
            name = (m.group(1) or m.group(2)).strip(" ,.")
            d = Draft("exercise", name, {"name": name})
            d.cite("name", (p0 + m.start(), p0 + m.end()))
            # its paragraphs: this one and the following ones still about a drill, up to the next codename
            scope = [pn]
            for q in range(pn + 1, len(paragraphs)):
                body = text[slice(*paragraphs[q])]
                if CODENAME.search(body) or not EXERCISE_CUES.search(body):
                    break
                scope.append(q)
            days = [f for q in scope for f in in_para(dates, q) if f.precision == "day" and f.rule != "today"]
            if days:
                d.fields["start"], d.fields["end"] = days[0].start, days[0].last_day
                d.fields["date_precision"] = "day"
                d.cite("start", days[0].span)
            local = [p for p in in_para(places, pn) if p.kind != "country" and not is_dateline(text, p)]
            if local:
                d.fields["places"] = list(dict.fromkeys(p.name if not p.kind or p.kind == "region" and
                                                        p.query == p.name else p.query for p in local))
                for p in local:
                    d.cite("places", p.span)
            codes = [c for q in scope for c in in_para(countries, q)]
            if codes:
                d.fields["participants"] = list(dict.fromkeys(c.code for c in codes))
                for c in codes:
                    d.cite("participants", c.span)
            units = [f for q in scope for f in in_para(forces, q, span=lambda x: x[1])]
            if units:
                names = list(dict.fromkeys(u for u, _ in units))
                # "IRGC" adds nothing beside "IRGC Ground Forces"
                d.fields["forces"] = [u for u in names if not any(u != o and u in o for o in names)]
                for _, span in units:
                    d.cite("forces", span)
            hosts = [p.position.country for p in local if p.position and p.position.country]
            host = alpha3(hosts[0]) if hosts else None
            if host:
                d.fields["host"] = [host]
            drafts.append(d)

    # ---- crossings: a place read as a crossing, in a sentence about crossing
    for p in places:
        if p.kind != "crossing":
            continue
        para = paragraphs[p.paragraph]
        d = Draft("crossing", p.name, {"name": p.name, "places": [p.query], "type": "road"})
        d.cite("name", p.span)
        side_a = next((c for c in countries if c.paragraph == p.paragraph and 0 < p.span[0] - c.span[1] < 80
                       or c.paragraph == p.paragraph and 0 < c.span[0] - p.span[1] < 30), None)
        into = re.search(r"\binto\s+(\w+)", text[para[0]:para[1]])
        if into:
            into_code = next((c for c in countries if c.paragraph == p.paragraph and
                              c.span[0] == para[0] + into.start(1)), None)
            if into_code:
                d.fields["country_b"] = into_code.code
                d.cite("country_b", into_code.span)
        after = [c for c in countries if c.paragraph == p.paragraph and c.span[0] > p.span[1]]
        if after and after[0].code != d.fields.get("country_b"):
            d.fields["country_a"] = after[0].code  # "crossing in Iran's Ardabil Province"
            d.cite("country_a", after[0].span)
        elif side_a and side_a.code != d.fields.get("country_b"):
            d.fields["country_a"] = side_a.code
            d.cite("country_a", side_a.span)
        d.fields["name_a"] = p.name
        used = [f for f in dates if f.paragraph == p.paragraph]
        if used and CROSSING_CUE.search(text[para[0]:para[1]]):
            d.fields["status"] = f"used on {used[0].start.isoformat()} (as reported)"
            d.fields["status_date"] = used[0].start
            d.cite("status_date", used[0].span)
        drafts.append(d)

    # ---- regions: "the long-disputed region of Karabakh"
    for p in places:
        if p.position is None or p.position.precision != "region" or p.position.region_id is None:
            continue
        before = text[max(0, p.span[0] - 60):p.span[0]]
        if not REGION_CUE.search(before) or any(d.kind == "region" and d.name == p.name for d in drafts):
            continue
        d = Draft("region", p.name, {"name": p.name, "places": [p.name]})
        d.cite("name", p.span)
        scope = [p.paragraph - 1, p.paragraph] if p.paragraph else [p.paragraph]
        claimants = [c for c in countries if c.paragraph in scope]
        if claimants:
            d.fields["claimants"] = list(dict.fromkeys(c.code for c in claimants))
            for c in claimants:
                d.cite("claimants", c.span)
        para_text = text[slice(*paragraphs[p.paragraph])]
        rec = re.search(r"internationally recognized as part of (\w+)", para_text, re.I)
        if rec:
            code = next((c.code for c in countries if c.span[0] == paragraphs[p.paragraph][0] + rec.start(1)), None)
            if code:
                d.fields["internationally_recognised_as"] = code
                d.cite("internationally_recognised_as", (paragraphs[p.paragraph][0] + rec.start(1),
                                                          paragraphs[p.paragraph][0] + rec.end(1)))
        drafts.append(d)

    # ---- events: agreements on a text
    for pn, (p0, p1) in enumerate(paragraphs):
        m = AGREEMENT_CUE.search(text[p0:p1])
        if not m:
            continue
        parties = [c for c in countries if c.paragraph == pn and c.span[0] < p0 + m.start()]
        who = " and ".join(dict.fromkeys(c.text for c in parties))
        name = f"{who} agree on the text of a {m.group('what')}".strip()
        d = Draft("event", name, {"name": name, "event_type": "diplomatic agreement",
                                  "participants": list(dict.fromkeys(c.code for c in parties))})
        d.cite("name", (p0 + m.start(), p0 + m.end()))
        when = [f for f in dates if f.paragraph == pn]
        if when:
            d.fields["start"], d.fields["date_precision"] = when[0].start, when[0].precision
            d.cite("start", when[0].span)
        drafts.append(d)
    return Extraction(text, published, places, dates, countries, forces, drafts)
