"""Article extraction limits and cost (issue 15, row 1): a text past a limit gets a message
naming it before any work, and what is accepted costs work linear in its length."""

from __future__ import annotations

import re
import sys
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.paths import ROOT, SEED

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.ingest import drafts as drafts_module
from frontier_atlas.ingest.dates import paragraphs, quoted_spans
from frontier_atlas.ingest.drafts import Extraction, extract
from frontier_atlas.ingest.reading import (
    MAX_CHARS,
    MAX_DRAFTS,
    MAX_PARAGRAPH_CHARS,
    MAX_PARAGRAPHS,
    TextLimitError,
)

PUBLISHED = date(2025, 5, 18)
LIMITED = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Untouched:
    """A geocoder that fails the test if asked anything: the limits come before any work."""

    def locate(self, *args, **kwargs):
        raise AssertionError("extraction started on a text past a limit")


@pytest.fixture(scope="module")
def geo() -> GeocoderChain:
    return GeocoderChain(load_dataset(SEED).places)


def paragraphs_text(count: int, width: int = 10) -> str:
    body = ("word " * width)[: width - 1]
    return "\n\n".join([body] * count)


@pytest.mark.parametrize("text, limit", [
    ("a" * (MAX_CHARS + 1), "MAX_CHARS"),
    (paragraphs_text(MAX_PARAGRAPHS + 1), "MAX_PARAGRAPHS"),
    ("word " * (MAX_PARAGRAPH_CHARS // 5 + 1), "MAX_PARAGRAPH_CHARS"),
])
def test_each_limit_gives_its_message_before_any_work(text, limit):
    with pytest.raises(TextLimitError) as caught:
        extract(text, PUBLISHED, Untouched())
    assert caught.value.limit == limit
    message = str(caught.value)
    assert limit in message and f"{caught.value.maximum:,}" in message and "Split the report" in message


def test_draft_limit_stops_the_work(geo):
    # one "drill" paragraph with many codenames: one exercise draft each
    text = "The drill " + " ".join(f"“Name{i}”" for i in range(30)) + "."
    assert len(extract(text, PUBLISHED, geo).drafts) == 30
    with pytest.raises(TextLimitError, match="MAX_DRAFTS") as caught:
        extract(text, PUBLISHED, geo, max_drafts=29)
    assert "more than 29 draft records" in str(caught.value)
    assert MAX_DRAFTS >= 100  # a real report proposes a handful


@LIMITED
@given(extra=st.integers(-3, 3))
def test_around_the_character_limit(geo, extra):
    size = 200 + extra
    text = ("Iran " * size)[:size]
    if extra > 0:
        with pytest.raises(TextLimitError, match="MAX_CHARS"):
            extract(text, PUBLISHED, geo, max_chars=200)
    else:
        assert isinstance(extract(text, PUBLISHED, geo, max_chars=200), Extraction)


@LIMITED
@given(extra=st.integers(-3, 3), width=st.integers(1, 12))
def test_around_the_paragraph_limit(geo, extra, width):
    text = paragraphs_text(50 + extra, width)
    if extra > 0:
        with pytest.raises(TextLimitError, match="MAX_PARAGRAPHS"):
            extract(text, PUBLISHED, geo, max_paragraphs=50)
    else:
        assert len(extract(text, PUBLISHED, geo, max_paragraphs=50).text) == len(text)


@LIMITED
@given(extra=st.integers(-3, 3), head=st.integers(0, 4))
def test_around_the_paragraph_length_limit(geo, extra, head):
    longest = "x" * (300 + extra)
    text = "\n\n".join(["short"] * head + [longest, "short"])
    if extra > 0:
        with pytest.raises(TextLimitError, match="MAX_PARAGRAPH_CHARS"):
            extract(text, PUBLISHED, geo, max_paragraph_chars=300)
    else:
        assert isinstance(extract(text, PUBLISHED, geo, max_paragraph_chars=300), Extraction)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='“”"ab \n', max_size=60))
def test_quoted_spans_as_the_regex_found_them(text):
    # the loop replaced a regex that scanned to the end from every unclosed mark
    assert quoted_spans(text) == [m.span() for m in re.finditer(r"“[^”]*”|\"[^\"]*\"", text)]


def test_unclosed_quotes_cost_a_pass_not_a_scan_each():
    text = "“a " * 50_000
    calls = []
    real = str.find

    class Counting(str):
        def find(self, *args):
            calls.append(args)
            return real(self, *args)

    assert quoted_spans(Counting(text)) == []
    # a few passes of str.find; the old regex (no find at all) scanned to the end from each of the 50,000 marks
    assert 1 <= len(calls) <= 4


def test_closed_quotes_of_one_kind_are_not_a_scan_each_for_the_other():
    # 20,000 closed “…” and no straight quote: the absent kind was looked for again after
    # every quotation, each time to the end of the text (2 MB of codenames took 1.8 s in find)
    text = "“Aras” drill. " * 20_000
    scanned = []
    real = str.find

    class Counting(str):
        def find(self, sub, start=0, *rest):
            at = real(self, sub, start, *rest)
            scanned.append((len(self) if at < 0 else at) - start)
            return at

    assert len(quoted_spans(Counting(text))) == 20_000
    assert sum(scanned) <= 3 * len(text)  # each character looked at a few times, not once per quotation


def line_events(fn) -> int:
    """Python lines run by ``fn``: a count of work, the same on any machine at any load."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename.startswith(drafts_module.__file__.rsplit("/", 1)[0]):
            if event == "line":
                count += 1
            return tracer
        return None

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("unit", [
    "Word\n\n",  # one-word paragraphs: each word's paragraph was found by a scan of all paragraphs
    "Tehran Iran May 18, 2025 Azerbaijan “Aras” drill Bileh-Savar crossing into Iran. ",  # one line
    "“Aras” drill in Karabakh, Iran and Azerbaijan, from May 18 to 21, the four-day drill.\n\n",
])
def test_work_grows_linearly(geo, unit):
    """4x the text runs well under 16x the lines of the ingest package (quadratic: ~16x)."""
    def run(n: int) -> int:
        text = (unit * (n // len(unit) + 1))[:n]
        return line_events(lambda: extract(text, PUBLISHED, geo))

    run(500)  # the geocoder's memo, warm for both sizes
    small, large = run(1_500), run(6_000)
    assert large / small < 5.5, (small, large)


def test_paragraphs_are_found_by_bisection():
    # the old lookup scanned every paragraph for each word: the spans' order is what it relies on
    text = paragraphs_text(1_000, 3)
    spans = paragraphs(text)
    assert spans == sorted(spans) and all(b <= a2 for (_, b), (a2, _) in zip(spans, spans[1:]))


def test_the_page_shows_the_limit_not_a_traceback(seed_env):
    from streamlit.testing.v1 import AppTest
    from support.paths import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/add_article.py").run()
    at.text_area(key="article-text").input(paragraphs_text(MAX_PARAGRAPHS + 1, 3)).run()
    at.button(key="extract").click().run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # md_text escapes the markdown in it
    assert any("MAX_PARAGRAPHS" in e and f"{MAX_PARAGRAPHS:,}" in e for e in shown), shown


def test_the_review_marks_the_first_part_of_a_long_text_and_says_so(geo):
    from frontier_atlas.present.article import marked_article

    unit = "Iranian forces crossed at Bileh-Savar in Iran's Ardabil Province on May 18, 2025.\n\n"
    result = extract(unit * 40, PUBLISHED, geo)
    shown = marked_article(result, limit=len(unit) * 3)
    # Bileh-Savar, Iran's (a country, as a place) and Ardabil Province; one date; "Iranian" a party
    assert shown.count('title="place"') == 3 * 3 and shown.count('title="date"') == 3
    assert shown.count('title="party"') == 3  # the country "Iran" is inside a place: not marked twice
    assert "The first 249 characters are shown; 3,071 more were read." in shown
    whole = marked_article(result)
    assert "fa-article-more" not in whole and whole.count('title="place"') == 3 * 40


def test_marking_is_not_a_scan_of_every_place_for_every_country(geo):
    from frontier_atlas.present.article import marked_article

    unit = "Tehran Iran May 18, 2025 Azerbaijan Ardabil Province on Monday "
    result = extract(((unit * 1_400) + "\n\n") * 4, PUBLISHED, geo)
    assert len(result.places) > 5_000 and len(result.countries) > 5_000
    seen = line_events(lambda: marked_article(result))
    # linear: about a few lines per find; the old any() over all places was countries x places
    assert seen < 40 * (len(result.places) + len(result.countries) + len(result.dates))


DATE_WORDS = ["May", "may", "JUNE", "Sept.", "in", "within", "of", "last", "year", "this", "from", "to", "5", "18,",
              "31", "2025", "1999", "xMay", "May5", "today", "on", "Monday", "four-day", "the", "1990s", "Ü"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DATE_WORDS), st.sampled_from([" ", " ", "  ", "\n\n", ", ", "-"])),
                max_size=40))
def test_month_rules_on_the_lower_cased_text_find_what_the_case_blind_passes_find(words):
    from frontier_atlas.ingest.dates import find_dates

    text = "".join(w + gap for w, gap in words)
    assert find_dates(text, PUBLISHED) == find_dates(text, PUBLISHED, fast=False)


def test_month_rules_keep_the_in_before_a_month_and_skip_a_month_inside_a_word():
    from frontier_atlas.ingest.dates import find_dates

    text = "Talks began in May of last year; within May of last year; xMay 5, 2025; and on May 5, 2025."
    fast, slow = find_dates(text, PUBLISHED), find_dates(text, PUBLISHED, fast=False)
    assert fast == slow
    assert [f.text for f in fast if f.rule in ("month of last year", "month day year")] == [
        "in May of last year", "May of last year", "May 5, 2025"]
    # "İ" lower-cases to two characters: such a text takes the case-blind passes, with the same finds
    assert [f.text for f in find_dates("İstanbul, " + text, PUBLISHED)] == [f.text for f in fast]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DATE_WORDS + ["“", "”", '"']),
                          st.sampled_from([" ", "  ", "\n\n", "\n\n", ", ", "-"])), max_size=60),
       st.sets(st.integers(0, 30)))
def test_dates_read_in_some_paragraphs_are_those_a_whole_reading_finds_there(words, chosen):
    from frontier_atlas.ingest.dates import find_dates

    text = "".join(w + gap for w, gap in words)
    spans = paragraphs(text)
    only = sorted(i for i in chosen if i < len(spans))
    whole = find_dates(text, PUBLISHED, spans)
    assert find_dates(text, PUBLISHED, spans, only=only) == [f for f in whole if f.paragraph in only]


def test_a_long_text_reads_dates_only_where_a_draft_or_the_review_needs_them(geo):
    from frontier_atlas.present.article import for_review

    reports = "\n\n".join((ROOT / "tests/fixtures/reports" / n).read_text(encoding="utf-8")
                          for n in ("border-villages.txt", "drill-announcement.txt", "joint-exercise-report.txt"))
    text = "\n\n".join([reports] * 4)
    whole = extract(text, PUBLISHED, geo)
    part = extract(text, PUBLISHED, geo, dates_before=1500)
    assert part.drafts == whole.drafts and part.places == whole.places
    assert for_review(part, 1500) == for_review(whole, 1500)
    assert 0 < len(part.dates) < len(whole.dates)  # the border reports' dates no draft reads are not read


def test_too_many_drafts_are_refused_before_the_dates_are_read(geo):
    text = "The drill " + " ".join(f"“Name{i}” on May {i % 28 + 1}, 2025" for i in range(30)) + "."
    heard: list[str] = []
    with pytest.raises(TextLimitError, match="MAX_DRAFTS"):
        extract(text, PUBLISHED, geo, max_drafts=29, progress=lambda f, message: heard.append(message))
    assert "finding places" in heard and "finding dates" not in heard
