"""One problem in an input file, for the curated data and for imported events alike.

A bad row must never take the good ones down with it: loading records the problem
here and goes on, and every listing (the data page, the command line, an import's
issues.csv) names the place the same way: "file, row N, field 'x': message".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    file: str
    row: int | None  # as a spreadsheet shows it (the header is row 1); None: the whole file
    field: str | None
    message: str
    rejected: bool = True  # False: the row loaded, only this value was dropped

    @property
    def where(self) -> str:
        """"file, row 3, field 'date'": the part of a message a reader looks up."""
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"
