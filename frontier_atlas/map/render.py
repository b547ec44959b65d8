"""Rendering a Folium map without compiling every rendered script as a Jinja template.

Folium renders each shape's script and wraps the output in a new ``branca`` Element,
which compiles that output as a Jinja template (``Element(rendered_text)``); a map of
a hundred records compiles some 750 templates, two thirds of a rerun's time. Text
without Jinja markup renders to itself (bar a final newline, which Jinja drops too),
so such text is kept as it is; anything with ``{{``, ``{%`` or ``{#`` is compiled as
before.
"""

from __future__ import annotations

import branca.element

_MARKUP = ("{{", "{%", "{#")


class PlainText:
    """Stands in for a jinja2 Template of text with no markup."""

    def __init__(self, text: str):
        self.text = text.removesuffix("\n")

    def render(self, *args, **kwargs) -> str:
        return self.text


def _template(source: str):
    if any(mark in source for mark in _MARKUP):
        return _jinja_template(source)
    return PlainText(source)


_jinja_template = branca.element.Template


def apply() -> None:
    """Idempotent: Element.__init__ looks ``Template`` up in its module at call time."""
    branca.element.Template = _template
