"""Rendering a Folium map without compiling any rendered script as a Jinja template.

Folium renders each shape's script and wraps the output in a new ``branca`` Element,
which compiles that output as a Jinja template (``Element(rendered_text)``). The
output holds our data (names, places, notes), so a record called ``Camp {# here``
raised ``TemplateSyntaxError`` and took the map away from every visitor, and any
other brace in data was source code for a second, unsandboxed render. Text already
rendered is never a template again here: it is kept as it is, whatever braces it
holds. It is also quicker: a map of a hundred records compiled some 750 templates,
two thirds of a rerun's time.

The one thing Folium means a second render to do is turn its own element references,
``{{'name'}}`` (``GeoJsonStyleMapper``), into bare names; that exact form is resolved
by a regular expression, the way streamlit-folium does. Data cannot take that form:
every text reaches a script through ``tojson`` or ``html_text``, which escape ``'``.
"""

from __future__ import annotations

import re

import branca.element

# what Jinja would have made of Folium's reference: the quoted name, bare
_ELEMENT_REF = re.compile(r"\{\{\s*'([A-Za-z_$][A-Za-z0-9_$]*)'\s*\}\}")


class PlainText:
    """Stands in for a jinja2 Template: rendered text is shown as it is, not run."""

    def __init__(self, text: str):
        # Jinja dropped one final newline; kept so for byte-identical output
        self.text = _ELEMENT_REF.sub(r"\1", text).removesuffix("\n")

    def render(self, *args, **kwargs) -> str:
        return self.text


def _template(source: str) -> PlainText:
    return PlainText(source)


def apply() -> None:
    """Idempotent: Element.__init__ looks ``Template`` up in its module at call time."""
    branca.element.Template = _template
