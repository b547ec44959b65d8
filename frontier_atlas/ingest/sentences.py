"""Sentence spans of a report, so a draft reads the sentences about its event and a
relative year ("last year") holds for its own sentence, not its whole paragraph.

A full stop ends a sentence unless it ends an abbreviation or an initial ("Gen.",
"U.S.", "J."); a line break always does. Reports glue sentences together when a
page loses its spacing ("…statement.The ninth meeting"), so a stop followed at once by
a capital and a lower-case letter ends one too.
"""

from __future__ import annotations

import re
from bisect import bisect_right

ABBREVIATIONS = {"gen", "lt", "col", "maj", "brig", "capt", "adm", "sgt", "mr", "mrs", "ms", "dr", "st", "no",
                 "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
                 "gov", "sen", "rep", "prof", "inc", "co", "corp", "est", "approx", "etc"}
_END = re.compile(r"[.!?]+[\"”’)\]]*(?:\s+|(?<=[a-z0-9]{2}[.!?])(?=[A-Z][a-z]{2}))|\n+")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?]*[\"”’)\]]*\s*\Z")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, in order, covering every non-space character."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group().startswith((".",)) and "\n" not in m.group():
            before = _WORD_BEFORE.search(text, max(0, m.start() - 20), m.start() + 1)
            word = before.group(1).lower().rstrip(".") if before else ""
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word:
                continue  # "Gen. Madani", "J. Smith", "U.S. troops"
            nxt = text[m.end():m.end() + 1]
            if nxt and not (nxt.isupper() or nxt in "\"“(‘'" or nxt.isdigit()):
                continue  # "... 1.5 km", "e.g. the": no capital after it
        end = m.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


class Sentences:
    """A text's sentences, looked up by character position."""

    def __init__(self, text: str) -> None:
        self.spans = sentence_spans(text)
        self.starts = [a for a, _ in self.spans]

    def index(self, pos: int) -> int:
        """The sentence holding ``pos`` (the one before it, if ``pos`` is in the space between)."""
        return max(0, bisect_right(self.starts, pos) - 1)

    def __len__(self) -> int:
        return len(self.spans)
