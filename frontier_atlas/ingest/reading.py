"""Turning an upload into plain text: size and type limits, encoding, HTML to text."""

from __future__ import annotations

from html.parser import HTMLParser

from charset_normalizer import from_bytes

MAX_BYTES = 2_000_000
TYPES = (".txt", ".html", ".htm")


class UploadError(ValueError):
    """An upload we refuse, with a message for the user."""


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
