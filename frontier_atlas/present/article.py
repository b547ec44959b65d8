"""The article on the review page, with what was found in it marked, as escaped HTML."""

from __future__ import annotations

import html
from bisect import bisect_right
from dataclasses import replace

from frontier_atlas.ingest.drafts import Draft, Extraction

# The review shows this much of a text marked: a 2 MB report marked whole was over 6 MB of
# HTML for the browser, and the drafts cite their own passages anyway.
PREVIEW_CHARS = 100_000

COLOURS = {"place": "#cfe8ff", "date": "#ffe7b3", "party": "#e3d7f5", "government": "#e6e6e6"}


def for_review(result: Extraction, limit: int = PREVIEW_CHARS) -> Extraction:
    """What the review shows of an extraction: every draft and the text, the finds in the marked
    part, and each place name's first find (for the map and its runners-up). A 2 MB text's
    100,000 finds were 13 MB to send back from its job; the review uses a few thousand."""
    first: dict[str, object] = {}
    for p in result.places:
        first.setdefault(p.name, p)
    places = [p for p in result.places if p.span[0] < limit or first[p.name] is p]
    return replace(result, places=places, dates=[d for d in result.dates if d.span[0] < limit],
                   countries=[c for c in result.countries if c.span[0] < limit],
                   forces=[f for f in result.forces if f[1][0] < limit])


def marked_article(result: Extraction, limit: int = PREVIEW_CHARS) -> str:
    """The text (its first ``limit`` characters) with places, dates and parties marked; every
    piece of it escaped. A country inside a place's name ("Iran" of "Iran–Azerbaijan border")
    is not marked twice."""
    text = result.text[:limit]
    places = sorted(p.span for p in result.places if p.span[0] < limit)
    starts = [a for a, _ in places]

    def in_a_place(pos: int) -> bool:  # places do not overlap: the one starting last before pos
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < places[i][1]

    # a capital standing for its government ("Baku said") is marked apart: not a place of the events
    governments = {p.span for p in result.places if p.role == "metonym"}
    marks = [(span, "government" if span in governments else "place") for span in places]
    marks += [(d.span, "date") for d in result.dates if d.span[0] < limit]
    marks += [(c.span, "party") for c in result.countries if c.span[0] < limit and not in_a_place(c.span[0])]
    out, pos = [], 0
    for (a, b), what in sorted(marks):
        if a < pos or b > limit:
            continue
        out.append(html.escape(text[pos:a]))
        out.append(f'<mark style="background:{COLOURS[what]}" title="{what}">{html.escape(text[a:b])}</mark>')
        pos = b
    out.append(html.escape(text[pos:]))
    more = len(result.text) - len(text)
    tail = (f'<p class="fa-article-more"><em>The first {limit:,} characters are shown; {more:,} more were '
            "read. Each draft shows the passage it came from.</em></p>") if more > 0 else ""
    return ('<div class="fa-article" style="white-space:pre-wrap;line-height:1.5">' + "".join(out) + "</div>"
            + tail)


def why_chosen(text: str, draft: Draft, most: int = 4) -> list[tuple[str, str]]:
    """(field, the words it came from) for each field of a draft that cites the text, so the
    review shows why each value was chosen; plain text (the page escapes it)."""
    out = []
    for name, spans in draft.spans.items():
        words = list(dict.fromkeys(" ".join(text[a:b].split()).strip("“”\"") for a, b in spans))
        shown = ", ".join(f"“{w}”" for w in words[:most])
        if len(words) > most:
            shown += f" and {len(words) - most} more"
        out.append((name, shown))
    return out
