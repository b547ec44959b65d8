"""Make data text safe for the two places it is shown: HTML (map) and Markdown (panels).

Records may come from anywhere, later from pasted articles and uploads; a name
like ``<img src=x onerror=...>`` must show as those characters, never run.
"""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~:$])")


def html_text(value: object) -> str:
    """Escape text for an HTML element's content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: object) -> str:
    """Escape text for Streamlit Markdown so it renders literally.

    ``<`` and ``&`` become entities (Streamlit would otherwise drop tags), and
    Markdown's own punctuation is backslash-escaped, so no link, emphasis, LaTeX
    (``$``) or emoji shortcode (``:x:``) can be smuggled in.
    """
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", "  \n")


def safe_url(url: str | None) -> str | None:
    """Return the URL if it may become a link (http/https only), else None."""
    if url and url.strip().lower().startswith(("http://", "https://")) and not re.search(r"[\s<>\"'`]", url.strip()):
        return url.strip()
    return None
