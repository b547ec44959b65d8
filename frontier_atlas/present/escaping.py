"""Make data text safe for the two places it is shown: HTML (map) and Markdown (panels).

Records may come from anywhere, later from pasted articles and uploads; a name
like ``<img src=x onerror=...>`` must show as those characters, never run.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")
# GFM links bare web and e-mail addresses in text after reading escapes, so no escape
# stops it: an invisible word joiner before "://", "@" and after "www" (when an address
# follows; "http:// or https://" alone is no link and stays as it is) breaks the pattern
_AUTOLINK = re.compile(r"(?=://[-.\w])|(?<=[wW]{3})(?=\.[-\w])|(?<=[-.\w+])(?=@[-\w])")
WORD_JOINER = "\u2060"


def html_text(value: object) -> str:
    """Escape text for an HTML element's content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: object) -> str:
    """Escape text for Streamlit Markdown so it renders literally.

    ``<`` and ``&`` become entities (Streamlit would otherwise drop tags), and
    Markdown's own punctuation is backslash-escaped, so no link, emphasis, LaTeX
    (``$``) or emoji shortcode (``:x:``) can be smuggled in; a bare address
    (``http://…``, ``www.…``, ``a@b.c``), which GFM would link, gets a word joiner.
    """
    text = "" if value is None else str(value)
    text = _AUTOLINK.sub(WORD_JOINER, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


# whitespace, control characters, and what could end a Markdown link or an HTML attribute
_URL_REFUSED = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def safe_url(url: str | None) -> str | None:
    """Return the URL if it may become a link, else None.

    Only http(s) with a host: ``javascript:``, ``data:``, ``vbscript:`` in any case or
    with leading blanks or control characters, and relative paths (which Markdown would
    resolve against the app) stay plain text. A URL holding a quote, angle bracket,
    backtick, backslash or blank is refused rather than repaired: it is malformed anyway.
    """
    if not url:
        return None
    url = url.strip()
    if _URL_REFUSED.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def md_link(text_md: str, url: str | None) -> str:
    """``[text](url)`` for Streamlit Markdown when the URL is safe, else the text alone.

    ``text_md`` must already be escaped (``md_text``). Parentheses in the URL are
    percent-encoded so they cannot close the link early; Streamlit opens such links
    in a new tab with ``rel="noopener noreferrer"``.
    """
    link = safe_url(url)
    if link is None:
        return text_md
    return f"[{text_md}]({link.replace('(', '%28').replace(')', '%29')})"
