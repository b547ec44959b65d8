"""Breaking copies of the data's CSV files on purpose, and proving the originals were not touched."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path


def folder_digest(folder: Path) -> str:
    """One hash of every file under ``folder`` (names and bytes): proves curated data was not touched."""
    h = hashlib.sha256()
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        h.update(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def edit_csv(path: Path, row_id: str, **changes: str) -> None:
    """Change cells of the row whose ``id`` (or first column) is ``row_id``."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    fields = fields + [k for k in changes if k not in fields]  # new columns are added
    for row in rows:
        if row[fields[0]] == row_id:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def append_csv(path: Path, **row: str) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        fields = csv.DictReader(f).fieldnames
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=fields).writerow(row)
