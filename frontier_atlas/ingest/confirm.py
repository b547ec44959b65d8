"""Reviewed drafts to records: the source they cite and every problem, before anything is saved.

Nothing is written here; the page saves what this returns, so a draft that fails
validation is reported with its field and the others are not saved half-way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from frontier_atlas.data.userstore import draft_record, new_id
from frontier_atlas.domain.records import Record, Source
from frontier_atlas.ingest.drafts import Draft


@dataclass(frozen=True)
class SourceInput:
    publisher: str
    title: str
    published: date
    url: str = ""


@dataclass(frozen=True)
class Confirmed:
    source: Source | None
    records: list[Record]
    problems: list[str]


def _errors(prefix: str, exc: ValidationError) -> list[str]:
    return [f"{prefix}{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]


def confirm(drafts: list[Draft], keep: dict[int, bool], edited: dict[int, dict], given: SourceInput,
            taken: set[str]) -> Confirmed:
    """The source and the kept drafts as validated records, with new ids not in ``taken``."""
    if not given.publisher.strip() or not given.title.strip():
        return Confirmed(None, [], ["Give the source's publisher and title: every record names its source."])
    try:
        source = Source(id=new_id(f"{given.publisher} {given.published.isoformat()}", taken, "user-source"),
                        publisher=given.publisher, title=given.title, published=given.published,
                        type="news report", url=given.url.strip() or None,
                        note="Entered with the Add from article page.")
    except ValidationError as exc:
        return Confirmed(None, [], _errors("source ", exc))
    records, problems = [], []
    for i, d in enumerate(drafts):
        if not keep[i]:
            continue
        try:
            records.append(draft_record(d.kind, edited[i], new_id(edited[i].get("name", d.name), taken), source.id))
        except ValidationError as exc:
            problems.extend(_errors(f"{d.name}: ", exc))
    return Confirmed(source, records, problems)
