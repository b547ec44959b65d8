"""Turning an upload into plain text: size and type limits, encoding, HTML to text.

Limits on what the extraction reads (issue 15). A long text is read in a background job
(``frontier_atlas.jobs``), so it does not hold the server for other visitors; still, each
step of the extraction is linear in its input (n log n where it looks a position up), and
these bounds, checked by ``check_text`` before any work starts, cap what one click costs:

- ``MAX_CHARS``: characters in the text, pasted or uploaded: as many as the upload's byte
  limit, ``MAX_BYTES``, lets through (which does not bound pasted text); the worst shape
  we found takes about 1 s at this size (bench/results/robustness.md);
- ``MAX_PARAGRAPHS``: blocks separated by blank lines (each is scanned by every rule);
- ``MAX_PARAGRAPH_CHARS``: the longest paragraph (a draft cites every find in its
  paragraph, so one huge paragraph makes every draft in it huge);
- ``MAX_DRAFTS``: draft records one text may propose (the review page holds each one);
  most drafts (exercises, crossings) are counted once the places are found, and a text
  past it is refused then, before its dates are read; the rest stop the work once passed.

Past a limit the user gets a ``TextLimitError`` naming it, not a stalled page.
"""

from __future__ import annotations

from html.parser import HTMLParser

from charset_normalizer import from_bytes

MAX_BYTES = 2_000_000
TYPES = (".txt", ".html", ".htm")
MAX_CHARS = 2_000_000  # the upload limit; at worst about 1 s of extraction; a long report is ~50,000
MAX_PARAGRAPHS = 20_000
MAX_PARAGRAPH_CHARS = 100_000
MAX_DRAFTS = 500


class UploadError(ValueError):
    """An upload we refuse, with a message for the user."""


class TextLimitError(ValueError):
    """A text past one of the extraction's limits; the message names the limit, for the user."""

    def __init__(self, limit: str, value: int, maximum: int, what: str, at_least: bool = False) -> None:
        self.limit, self.value, self.maximum = limit, value, maximum
        has = f"more than {maximum:,}" if at_least else f"{value:,}"
        super().__init__(f"This text has {has} {what}, over the limit of {maximum:,} ({limit}). "
                         "Split the report into smaller parts and add them one at a time.")
        self._given = (limit, value, maximum, what, at_least)

    def __reduce__(self) -> tuple:  # sent back from a background job whole, not as its message
        return type(self), self._given


def check_text(text: str, spans: list[tuple[int, int]], max_chars: int = MAX_CHARS,
               max_paragraphs: int = MAX_PARAGRAPHS, max_paragraph_chars: int = MAX_PARAGRAPH_CHARS) -> None:
    """Refuse, before any extraction work, a text whose size would hold the server for long.

    ``spans`` are its paragraphs (``dates.paragraphs``); the caller has them already."""
    if len(text) > max_chars:
        raise TextLimitError("MAX_CHARS", len(text), max_chars, "characters")
    if len(spans) > max_paragraphs:
        raise TextLimitError("MAX_PARAGRAPHS", len(spans), max_paragraphs, "paragraphs")
    longest = max((b - a for a, b in spans), default=0)
    if longest > max_paragraph_chars:
        raise TextLimitError("MAX_PARAGRAPH_CHARS", longest, max_paragraph_chars, "characters in one paragraph")


class _TextOfHTML(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "header", "footer", "blockquote"}
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def read_upload(name: str, data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The text of an uploaded .txt or .html file, whatever its encoding."""
    lower = name.lower()
    if not lower.endswith(TYPES):
        raise UploadError(f"{name}: only .txt and .html files can be read")
    if len(data) > max_bytes:
        raise UploadError(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,}")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadError(f"{name}: this looks like a binary file, not text")
    best = from_bytes(data).best()
    if best is None:
        raise UploadError(f"{name}: the text encoding could not be recognised")
    text = str(best)
    return html_to_text(text) if lower.endswith((".html", ".htm")) else text.replace("\r\n", "\n")
