"""Dates in a report, absolute and relative, resolved against its publication date.

News writes "from May 18 to 21", "earlier today", "in November of last year ...
began on November 24", "the four-day drill", "in March". Rules of our own handle
these; each result keeps the span of text it came from and the rule that read it.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from frontier_atlas.ingest.sentences import sentence_spans

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
# The lookahead on the first letter turns most word starts away before the 25 alternatives
# are tried: a pass of a 2 MB text ran 2-4 times faster with it. (All uses are re.I.)
_M = (r"(?=[" + "".join(sorted({m[0] for m in MONTHS})) + r"])(?P<month>"
      + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?")
_M2 = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"  # a second month, not captured
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15}
_M_LOWER = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"  # on lower-cased text
_WORD_CHAR = re.compile(r"\w")
_IN_BEFORE = re.compile(r"\bin\s+\Z")  # "in " ending where a month begins
_DAYS_BEFORE = re.compile(r"\b(?P<n>\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\Z", re.I)  # ends where "-day" begins
_FULL_MONTH_END = re.compile(r"(?i:" + "|".join(m for m in calendar.month_name if m) + r")\.\Z")
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
    """Spans inside quotation marks: codenames and quotes, not dates or places of ours.

    What ``re.finditer(r"“[^”]*”|\"[^\"]*\"", text)`` finds, with ``str.find``: that regex
    scans to the end of the text from every opening mark that is never closed, so a text of
    unclosed “ marks cost its length squared."""
    spans: list[tuple[int, int]] = []
    # the next opening mark of each kind at or after ``pos``, found again only once passed:
    # a kind absent from the rest of the text is looked for once, not once per quotation
    c, s, pos = text.find("“"), text.find('"'), 0
    while c >= 0 or s >= 0:
        if s < 0 or 0 <= c < s:
            start, end = c, text.find("”", c + 1)
            if end < 0:
                c = -1  # no “ from here on is closed
                continue
        else:
            start, end = s, text.find('"', s + 1)
            if end < 0:
                s = -1
                continue
        spans.append((start, end + 1))
        pos = end + 1
        if 0 <= c < pos:
            c = text.find("“", pos)
        if 0 <= s < pos:
            s = text.find('"', pos)
    return spans


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


def _numeric(a: int, b: int, year: int, sep: str, published: date) -> date | None:
    """"17/10/2022", "10/17/2022", "01.10.2021": day and month in either order where only one
    order is a date; where both are, the one within a month before publication (a report
    dates what just happened), else none: a guess would be an invented date."""
    options = []
    for month, day in ((b, a), (a, b)) if sep == "." else ((a, b), (b, a)):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    options = list(dict.fromkeys(options))
    if len(options) == 1:
        return options[0]
    recent = [d for d in options if timedelta(0) <= published - d <= timedelta(days=31)]
    return recent[0] if len(recent) == 1 else None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by blank lines."""
    spans, start = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with what lies between paragraphs (and before the first, after the last)
    turned to NULs, same length: no rule's pattern matches a NUL (not a word, a digit nor a
    space), so each pattern can run once over the whole text and still not reach across a
    paragraph, where once it ran once per paragraph (a cost per paragraph times their number)."""
    parts, last = [], 0
    for a, b in spans:
        parts += ["\0" * (a - last), text[a:b]]
        last = b
    parts.append("\0" * (len(text) - last))
    return "".join(parts)


def _stretches(spans: list[tuple[int, int]], only: list[int]) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive paragraphs in ``only``."""
    out: list[tuple[int, int]] = []
    last = -2
    for i in only:
        if i == last + 1 and out:
            out[-1] = (out[-1][0], spans[i][1])
        else:
            out.append(spans[i])
        last = i
    return out


def find_dates(text: str, published: date, spans: list[tuple[int, int]] | None = None,
               fast: bool = True, only: list[int] | None = None,
               names: list[tuple[int, int]] | None = None, sentences: list[int] | None = None) -> list[DateFound]:
    """Every date expression we can resolve, in text order.

    Linear in the text: each pattern runs once over it, a match's paragraph is found by
    bisection, and a span is checked against those already taken with a mask of the text.
    ``only``: the paragraphs (indexes into ``spans``, increasing) to read, when the caller
    needs no others; every rule stays within its paragraph, so their finds are the same.
    ``names``: spans of codenames ("Kavkaz-2020"), whose numbers are not dates; ``sentences``:
    the starts of the text's sentences, when the caller has them (``sentence_spans``)."""
    spans = paragraphs(text) if spans is None else spans
    read = spans if only is None else [spans[i] for i in only]
    masked = _masked(text, read)
    # each pass runs over the stretches of paragraphs read, not over the NULs between them
    # (a pass over 2 MB costs 10-50 ms even where nothing can match); a stretch is bounded
    # by NULs, so its ends look to a pattern as they do in the whole masked text
    stretches = _stretches(spans, only) if only is not None else [(0, len(text))]

    def scan(pattern: str, subject: str, flags: int = 0) -> Iterator[re.Match]:
        rx = re.compile(pattern, flags)
        for a, b in stretches:
            yield from rx.finditer(subject, a, b)
    starts = [a for a, _ in spans]
    found: list[DateFound] = []
    # one byte per character: set where a date or a quotation already is
    occupied = bytearray(len(text))
    for a, b in quoted_spans(text):
        if len(text[a:b].split()) <= 4:  # a name ("Aras 2025"); a quoted statement's dates count
            occupied[a:b] = b"\1" * (b - a)
    for a, b in names or ():
        occupied[a:b] = b"\1" * (b - a)
    sentence_starts = [a for a, _ in sentence_spans(text)] if sentences is None else sentences

    def para_of(pos: int) -> int:
        return bisect_right(starts, pos) - 1

    def sentence_of(pos: int) -> int:
        return bisect_right(sentence_starts, pos) - 1

    # A pattern that begins with ``\b`` is tried at every position of the text; one that begins
    # with its literal is found by a fast search, so ``\b`` is written as a look back after it:
    # ``(?<!\w.{4})`` after "this" says the character before "this" is not a letter.
    contexts: dict[int, int] = {}  # sentence -> the year "last year" or "this year" sets for it
    for m in scan(r"this(?<!\w.{4}) year\b", masked, re.I):
        contexts[sentence_of(m.start())] = published.year
    for m in scan(r"last(?<!\w.{4}) year\b", masked, re.I):
        contexts[sentence_of(m.start())] = published.year - 1  # "last year" wins, as before

    def add(span: tuple[int, int], start: date, end: date | None, precision: str, rule: str) -> None:
        a, b = span
        if text[b - 1:b] == "." and _FULL_MONTH_END.search(text, a, b):
            b -= 1  # "in March.": the sentence's stop, not an abbreviation's
        if occupied.find(1, a, b) < 0:
            occupied[a:b] = b"\1" * (b - a)
            found.append(DateFound(start, end, precision, (a, b), text[a:b], rule, para_of(a)))

    def context_of(m: re.Match) -> int | None:
        return contexts.get(sentence_of(m.start()))

    low = masked.lower() if fast else None
    if low is not None and len(low) != len(masked):
        low = None  # a letter whose lower case is longer ("İ"): the case-blind passes, slower

    def month_led(rest: str, after_in: bool = False) -> Iterator[tuple[tuple[int, int], re.Match]]:
        """(span, match) of a rule that begins with a month name. Case-blind, a pass is tried at
        every position; on the lower-cased text the names are found by a fast search, and a
        match is kept only where a word begins. ``after_in``: an "in " before it is in the span."""
        if low is None:
            lead = r"\b(?:in\s+)?" if after_in else r"\b"
            for m in scan(lead + _M + rest, masked, re.I):
                yield m.span(), m
            return
        for m in scan(_M_LOWER + rest, low):
            a = m.start()
            if a and _WORD_CHAR.match(low, a - 1):
                continue
            if after_in and (before := _IN_BEFORE.search(low, max(0, a - 200), a)):
                a = before.start()
            yield (a, m.end()), m

    rules = [
        (rf"from(?<!\w.{{4}})\s+{_M}\s+(?P<d1>\d{{1,2}})\s+(?:to|until|through|-|–)\s+(?P<d2>\d{{1,2}})"
         rf"(?:,?\s+(?P<year>\d{{4}}))?", "range month day"),
        (rf"from(?<!\w.{{4}})\s+(?P<d1>\d{{1,2}})\s+(?:to|until|through|-|–)\s+(?P<d2>\d{{1,2}})\s+{_M}"
         rf"(?:\s+(?P<year>\d{{4}}))?", "range day month"),
    ]
    rules += [
        # "September 21-26", "September 21–26, 2020", "21-26 September"
        (rf"(?<![\w\-–]){_M}\s+(?P<d1>\d{{1,2}})\s*[-–]\s*(?P<d2>\d{{1,2}})(?!\d)(?:,?\s+(?P<year>\d{{4}}))?",
         "range month day-day"),
        (rf"(?<![\w\-–])(?P<d1>\d{{1,2}})\s*[-–]\s*(?P<d2>\d{{1,2}})\s+{_M}(?:\s+(?P<year>\d{{4}}))?",
         "range day-day month"),
        # "between Oct. 23 and Oct. 25", "between May 15 and 20"
        (rf"between(?<!\w.{{7}})\s+{_M}\s+(?P<d1>\d{{1,2}})\s+and\s+(?:{_M2}\s+)?(?P<d2>\d{{1,2}})(?!\d)"
         rf"(?:,?\s+(?P<year>\d{{4}}))?", "range between"),
    ]
    for pattern, rule in rules:
        for m in scan(pattern, masked, re.I):
            month, d1, d2 = _month(m), int(m.group("d1")), int(m.group("d2"))
            year = int(m.group("year")) if m.group("year") else _near_year(month, d1, published, context_of(m))
            try:
                add(m.span(), date(year, month, d1), date(year, month, d2), "day", rule)
            except ValueError:
                continue
    for span, m in month_led(r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})\b"):
        try:
            add(span, date(int(m.group("year")), _month(m), int(m.group("day"))), None, "day", "month day year")
        except ValueError:
            pass
    for m in scan(rf"\b(?P<day>\d{{1,2}})\s+{_M}\s+(?P<year>\d{{4}})\b", masked, re.I):
        try:
            add(m.span(), date(int(m.group("year")), _month(m), int(m.group("day"))), None, "day", "day month year")
        except ValueError:
            pass
    for span, m in month_led(r"\s+(?:of\s+)?last\s+year\b", after_in=True):
        add(span, date(published.year - 1, _month(m), 1), None, "month", "month of last year")
    for span, m in month_led(r"\s+(?P<year>(?:19|20)\d{2})\b"):
        add(span, date(int(m.group("year")), _month(m), 1), None, "month", "month year")
    no_year = (
        (month_led(r"\s+(?P<day>\d{1,2})(?!\d|,?\s+\d{4})\b"), "month day"),
        (((m.span(), m) for m in scan(rf"\b(?P<day>\d{{1,2}})\s+{_M}(?!\s+\d)", masked, re.I)),
         "day month"),
    )
    for matches, order in no_year:
        for span, m in matches:
            month, day, context = _month(m), int(m.group("day")), context_of(m)
            try:
                add(span, date(_near_year(month, day, published, context), month, day), None, "day",
                    f"{order}, year from context" if context else f"{order}, year of publication")
            except ValueError:
                pass
    for m in scan(rf"in(?<!\w..)\s+{_M}(?!\s+\d)", masked, re.I):
        month = _month(m)
        year = context_of(m) or (published.year if month <= published.month else published.year - 1)
        add(m.span(), date(year, month, 1), None, "month", "in month")
    for m in scan(r"\b(?:earlier\s+|later\s+)?today\b", masked, re.I):
        add(m.span(), published, None, "day", "today")
    for m in scan(r"yesterday(?<!\w.{9})\b", masked, re.I):
        add(m.span(), published - timedelta(days=1), None, "day", "yesterday")
    for m in scan(r"on(?<!\w..)\s+(?P<wd>" + "|".join(WEEKDAYS) + r")\b", masked, re.I):
        back = (published.weekday() - WEEKDAYS[m.group("wd").lower()]) % 7
        add(m.span(), published - timedelta(days=back), None, "day", "weekday before publication")
    for m in scan(r"(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d\d)(?![\d/.]\d)",
                  masked):
        when = _numeric(int(m.group("a")), int(m.group("b")), int(m.group("year")), m.group("sep"), published)
        if when:
            add(m.span(), when, None, "day", "numeric date")
    for m in scan(rf"\b(?P<which>last|next|this|past)\s+{_M}(?!\s+\d)", masked, re.I):
        month, which = _month(m), m.group("which").lower()
        year = published.year
        if which in ("last", "past"):
            year -= month >= published.month
        elif which == "next":
            year += month <= published.month
        add(m.span(), date(year, month, 1), None, "month", f"{which} month")
    for m in scan(rf"\b(?:in\s+)?(?:the\s+)?(?:mid|early|late|end of|beginning of|middle of)[\s\-]+(?:of\s+)?{_M}"
                  rf"(?:\s+(?P<year>(?:19|20)\d\d))?(?!\s+\d{{1,2}}\b)", masked, re.I):
        month = _month(m)
        year = int(m.group("year")) if m.group("year") else (
            context_of(m) or (published.year if month <= published.month else published.year - 1))
        add(m.span(), date(year, month, 1), None, "month", "part of a month")
    for m in scan(r"\b(?P<which>last|next)\s+year\b", masked, re.I):
        year = published.year + (1 if m.group("which").lower() == "next" else -1)
        add(m.span(), date(year, 1, 1), None, "year", f"{m.group('which').lower()} year")
    for m in scan(r"tomorrow(?<!\w.{8})\b", masked, re.I):
        add(m.span(), published + timedelta(days=1), None, "day", "tomorrow")
    for m in scan(r"(?:until|till|through|by|next)(?<!\w.{5})\s+(?P<wd>" + "|".join(WEEKDAYS) + r")\b", masked, re.I):
        ahead = (WEEKDAYS[m.group("wd").lower()] - published.weekday()) % 7 or 7
        add(m.span(), published + timedelta(days=ahead), None, "day", "weekday after publication")
    for m in scan(r"(?P<wd>" + "|".join(name.capitalize() for name in WEEKDAYS) + r")\b", masked):
        if m.start() and _WORD_CHAR.match(masked, m.start() - 1):
            continue
        back = (published.weekday() - WEEKDAYS[m.group("wd").lower()]) % 7
        add(m.span(), published - timedelta(days=back), None, "day", "weekday before publication")
    for m in scan(r"the(?<!\w.{3})\s+(?P<decade>(?:19|20)\d0)s\b", masked, re.I):
        y = int(m.group("decade"))
        add(m.span(), date(y, 1, 1), date(y + 9, 12, 31), "year", "decade")
    for m in scan(r"(?P<year>(?:19|20)(?<!\w..)(?<![A-Za-z]-..)\d{2})\b(?!-\w)", masked):
        add(m.span(), date(int(m.group("year")), 1, 1), None, "year", "year")

    # "the four-day drill": a start day in the same paragraph gets its end. The first such
    # start in the order the rules found them, then the next for the next duration.
    open_starts: dict[int, deque[int]] = {}  # sentence -> the starts in it still without an end
    for i, f in enumerate(found):
        if f.precision == "day" and f.end is None and f.rule not in ("today", "weekday after publication"):
            open_starts.setdefault(sentence_of(f.span[0]), deque()).append(i)
    # found by its "-day" (a fast search), the number then read just before it
    for m in scan(r"[- ]day\b", masked, re.I):
        m = _DAYS_BEFORE.search(masked, max(0, m.start() - 12), m.start())
        if m is None:
            continue
        n = NUMBER_WORDS.get(m.group("n").lower()) or int(m.group("n"))
        waiting = open_starts.get(sentence_of(m.start()))
        if waiting:
            i = waiting.popleft()
            found[i] = replace(found[i], end=found[i].start + timedelta(days=n - 1),
                               rule=found[i].rule + f" + {n}-day duration")
    return sorted(found, key=lambda f: f.span)
