"""The one spreadsheet-safe CSV writer, used by every CSV the app hands out.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel, LibreOffice and Google Sheets (CSV injection), so such a cell
gets a leading apostrophe; a plain number such as ``-12.5`` stays a number. Download
names go through ``safe_file_name`` so a set called ``=formula(1)`` cannot name a file
that looks like a formula or climbs out of the downloads folder.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def spreadsheet_safe(text: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate; numbers stay numbers."""
    if text.startswith(FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """Undo ``spreadsheet_safe`` when reading our own export back."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN, as pandas leaves a missing cell
        return ""
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object] | Mapping[str, object]]) -> str:
    """CSV text with every cell, the header included, made spreadsheet-safe.

    Rows may be sequences (in header order) or mappings (missing keys are blank).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(_text(h)) for h in header])
    for row in rows:
        cells = [row.get(h) for h in header] if isinstance(row, Mapping) else row
        writer.writerow([spreadsheet_safe(_text(c)) for c in cells])
    return out.getvalue()


def frame_csv(frame: pd.DataFrame) -> str:
    """A pandas DataFrame (without its index) as spreadsheet-safe CSV text."""
    return write_csv([str(c) for c in frame.columns], frame.itertuples(index=False, name=None))


def safe_file_name(name: str, suffix: str, fallback: str = "frontier-atlas") -> str:
    """A download name of letters, digits, ``.``, ``_`` and ``-`` that starts with a letter or digit.

    Spreadsheets open a CSV by its name and some show the name as a cell; a name like
    ``=formula(1).csv`` or ``../x`` must not survive into the browser's save dialog.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[-._]*-[-._]*", "-", _UNSAFE_NAME.sub("-", ascii_name))  # no "..", no "--"
    stem = re.sub(r"\.{2,}", ".", stem).strip("-._")[:60].strip("-._")
    return f"{stem or fallback}{suffix}"
