"""Dates in a report, absolute and relative, resolved against its publication date.

News writes "from May 18 to 21", "earlier today", "in November of last year ...
began on November 24", "the four-day drill", "in March". Rules of our own handle
these; each result keeps the span of text it came from and the rule that read it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
_M = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}


@dataclass(frozen=True)
class DateFound:
    start: date
    end: date | None
    precision: str  # day, month, year
    span: tuple[int, int]  # where in the text
    text: str
    rule: str
    paragraph: int = 0

    @property
    def last_day(self) -> date:
        return self.end or self.start


def _month(m: re.Match) -> int:
    return MONTHS[m.group("month").lower().rstrip(".")]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks: codenames and quotes, not dates or places of ours."""
    return [m.span() for m in re.finditer(r"“[^”]*”|\"[^\"]*\"", text)]


def _near_year(month: int, day: int, published: date, context: int | None) -> int:
    """The year of a month and day given without one: the paragraph's year if it set one,
    else the publication's, unless that would put it well after publication."""
    if context:
        return context
    year = published.year
    try:
        if date(year, month, day) > published + timedelta(days=31):
            year -= 1
    except ValueError:
        pass
    return year


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by blank lines."""
    spans, start = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def find_dates(text: str, published: date) -> list[DateFound]:
    """Every date expression we can resolve, in text order."""
    found: list[DateFound] = []
    quoted = quoted_spans(text)
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in taken + quoted)

    for pn, (p0, p1) in enumerate(paragraphs(text)):
        para = text[p0:p1]
        context: int | None = None
        last_year = re.search(r"\blast year\b", para, re.I)
        if last_year:
            context = published.year - 1
        elif re.search(r"\bthis year\b", para, re.I):
            context = published.year

        def add(m: re.Match, start: date, end: date | None, precision: str, rule: str) -> None:
            a, b = p0 + m.start(), p0 + m.end()
            if free(a, b):
                taken.append((a, b))
                found.append(DateFound(start, end, precision, (a, b), text[a:b], rule, pn))

        rules = [
            (rf"\bfrom\s+{_M}\s+(?P<d1>\d{{1,2}})\s+(?:to|until|through|-|–)\s+(?P<d2>\d{{1,2}})"
             rf"(?:,?\s+(?P<year>\d{{4}}))?", "range month day"),
            (rf"\bfrom\s+(?P<d1>\d{{1,2}})\s+(?:to|until|through|-|–)\s+(?P<d2>\d{{1,2}})\s+{_M}"
             rf"(?:\s+(?P<year>\d{{4}}))?", "range day month"),
        ]
        for pattern, rule in rules:
            for m in re.finditer(pattern, para, re.I):
                month, d1, d2 = _month(m), int(m.group("d1")), int(m.group("d2"))
                year = int(m.group("year")) if m.group("year") else _near_year(month, d1, published, context)
                try:
                    add(m, date(year, month, d1), date(year, month, d2), "day", rule)
                except ValueError:
                    continue
        for m in re.finditer(rf"\b{_M}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b", para, re.I):
            try:
                add(m, date(int(m.group("year")), _month(m), int(m.group("day"))), None, "day", "month day year")
            except ValueError:
                pass
        for m in re.finditer(rf"\b(?P<day>\d{{1,2}})\s+{_M}\s+(?P<year>\d{{4}})\b", para, re.I):
            try:
                add(m, date(int(m.group("year")), _month(m), int(m.group("day"))), None, "day", "day month year")
            except ValueError:
                pass
        for m in re.finditer(rf"\b(?:in\s+)?{_M}\s+(?:of\s+)?last\s+year\b", para, re.I):
            add(m, date(published.year - 1, _month(m), 1), None, "month", "month of last year")
        for m in re.finditer(rf"\b{_M}\s+(?P<year>(?:19|20)\d{{2}})\b", para, re.I):
            add(m, date(int(m.group("year")), _month(m), 1), None, "month", "month year")
        no_year = (
            (rf"\b{_M}\s+(?P<day>\d{{1,2}})(?!\d|,?\s+\d{{4}})\b", "month day"),
            (rf"\b(?P<day>\d{{1,2}})\s+{_M}(?!\s+\d)", "day month"),
        )
        for pattern, order in no_year:
            for m in re.finditer(pattern, para, re.I):
                month, day = _month(m), int(m.group("day"))
                try:
                    add(m, date(_near_year(month, day, published, context), month, day), None, "day",
                        f"{order}, year from context" if context else f"{order}, year of publication")
                except ValueError:
                    pass
        for m in re.finditer(rf"\bin\s+{_M}(?!\s+\d)", para, re.I):
            month = _month(m)
            year = context or (published.year if month <= published.month else published.year - 1)
            add(m, date(year, month, 1), None, "month", "in month")
        for m in re.finditer(r"\b(?:earlier\s+|later\s+)?today\b", para, re.I):
            add(m, published, None, "day", "today")
        for m in re.finditer(r"\byesterday\b", para, re.I):
            add(m, published - timedelta(days=1), None, "day", "yesterday")
        for m in re.finditer(r"\bon\s+(?P<wd>" + "|".join(WEEKDAYS) + r")\b", para, re.I):
            back = (published.weekday() - WEEKDAYS[m.group("wd").lower()]) % 7
            add(m, published - timedelta(days=back), None, "day", "weekday before publication")
        for m in re.finditer(r"\bthe\s+(?P<decade>(?:19|20)\d0)s\b", para, re.I):
            y = int(m.group("decade"))
            add(m, date(y, 1, 1), date(y + 9, 12, 31), "year", "decade")
        for m in re.finditer(r"\b(?P<year>(?:19|20)\d{2})\b", para):
            add(m, date(int(m.group("year")), 1, 1), None, "year", "year")

        # "the four-day drill": a start day in the same paragraph gets its end
        for m in re.finditer(r"\b(?P<n>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")[- ]day\b", para, re.I):
            n = NUMBER_WORDS.get(m.group("n").lower()) or int(m.group("n"))
            starts = [i for i, f in enumerate(found)
                      if f.paragraph == pn and f.precision == "day" and f.end is None and f.rule != "today"]
            if starts:
                i = starts[0]
                found[i] = replace(found[i], end=found[i].start + timedelta(days=n - 1),
                                   rule=found[i].rule + f" + {n}-day duration")
    return sorted(found, key=lambda f: f.span)
