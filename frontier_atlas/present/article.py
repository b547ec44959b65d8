"""The article on the review page, with what was found in it marked, as escaped HTML."""

from __future__ import annotations

import html

from frontier_atlas.ingest.drafts import Extraction

COLOURS = {"place": "#cfe8ff", "date": "#ffe7b3", "party": "#e3d7f5"}


def marked_article(result: Extraction) -> str:
    """The text with places, dates and parties marked; every piece of it escaped.
    A country inside a place's name ("Iran" of "Iran–Azerbaijan border") is not marked twice."""
    marks = [(p.span, "place") for p in result.places] + [(d.span, "date") for d in result.dates]
    marks += [(c.span, "party") for c in result.countries
              if not any(p.span[0] <= c.span[0] < p.span[1] for p in result.places)]
    out, pos = [], 0
    for (a, b), what in sorted(marks):
        if a < pos:
            continue
        out.append(html.escape(result.text[pos:a]))
        out.append(f'<mark style="background:{COLOURS[what]}" title="{what}">{html.escape(result.text[a:b])}</mark>')
        pos = b
    out.append(html.escape(result.text[pos:]))
    return '<div class="fa-article" style="white-space:pre-wrap;line-height:1.5">' + "".join(out) + "</div>"
