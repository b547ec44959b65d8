"""Load the curated data folder into a validated ``Dataset``.

A bad row must never take the good ones down with it: every problem becomes a
``domain.issues.Issue`` naming file, row and field, and loading goes on. Rows are counted
as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterator

from pydantic import BaseModel, ValidationError

from frontier_atlas.domain.issues import Issue
from frontier_atlas.domain.records import (
    RECORD_MODELS,
    ControlPeriod,
    Dataset,
    Place,
    RegionPoint,
    Source,
)

RECORD_FILES = {
    "exercise": "exercises.csv",
    "crossing": "crossings.csv",
    "region": "regions.csv",
    "event": "events.csv",
    "movement": "movements.csv",
}
SOURCES_FILE = "sources.csv"
PLACES_FILE = "places.csv"
CONTROL_FILE = "control.csv"
OUTLINES_FILE = "outlines.geojson"
OVERRIDES_FILE = "place_overrides.csv"
REGION_POINTS_FILE = "region_points.csv"


def _rows(path: Path, issues: list[Issue]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        issues.append(Issue(path.name, None, None, f"cannot be read: {exc}"))
        return
    reader = csv.DictReader(text.splitlines(keepends=True))
    for index, row in enumerate(reader):
        row_no = index + 2
        if None in row:  # more cells than the header has columns
            issues.append(Issue(path.name, row_no, None, "has more cells than the header"))
            continue
        # a blank cell means "not given": defaults apply, required fields say so
        yield row_no, {k.strip(): v for k, v in row.items() if k and v is not None and v.strip()}


def _validate(
    model: type[BaseModel], file: str, row_no: int, row: dict, issues: list[Issue]
) -> BaseModel | None:
    try:
        return model.model_validate(row)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or None
            msg = err["msg"].removeprefix("Value error, ")
            issues.append(Issue(file, row_no, loc, msg))
        return None


def _load_table(folder: Path, file: str, model: type[BaseModel], issues: list[Issue]):
    for row_no, row in _rows(folder / file, issues):
        item = _validate(model, file, row_no, row, issues)
        if item is not None:
            yield row_no, item


def _load_outlines(path: Path, issues: list[Issue]) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        issues.append(Issue(path.name, None, None, f"is not a GeoJSON FeatureCollection: {exc}"))
        return {}
    outlines = {}
    for n, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        geom = (feature or {}).get("geometry") or {}
        rid = props.get("region_id")
        if not rid:
            issues.append(Issue(path.name, n, "region_id", "feature has no region_id"))
            continue
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            issues.append(Issue(path.name, n, "geometry", "must be a Polygon or MultiPolygon"))
            continue
        if not props.get("precision"):
            issues.append(Issue(path.name, n, "precision", "outline must state its precision"))
            continue
        outlines[rid] = feature
    return outlines


def load_dataset(folder: Path, overrides_file: Path | None = None) -> Dataset:
    """Read every curated file in ``folder``; what fails is reported, the rest kept."""
    ds = Dataset()
    issues = ds.issues

    for _, src in _load_table(folder, SOURCES_FILE, Source, issues):
        if src.id in ds.sources:
            issues.append(Issue(SOURCES_FILE, None, "id", f"duplicate source id {src.id!r}"))
            continue
        ds.sources[src.id] = src

    ds.places = [p for _, p in _load_table(folder, PLACES_FILE, Place, issues)]
    overrides_file = overrides_file or folder / OVERRIDES_FILE
    ds.overrides = [p for _, p in _load_table(overrides_file.parent, overrides_file.name, Place, issues)]

    for kind, file in RECORD_FILES.items():
        for row_no, rec in _load_table(folder, file, RECORD_MODELS[kind], issues):
            if rec.id in ds.records:
                other = ds.origin[rec.id]
                issues.append(Issue(
                    file, row_no, "id", f"duplicate id {rec.id!r} (first at {other[0]}, row {other[1]})"
                ))
                continue
            ds.records[rec.id] = rec
            ds.origin[rec.id] = (file, row_no)

    for row_no, period in _load_table(folder, CONTROL_FILE, ControlPeriod, issues):
        region = ds.records.get(period.region_id)
        if region is None or region.kind != "region":
            issues.append(Issue(CONTROL_FILE, row_no, "region_id", f"no region with id {period.region_id!r}"))
            continue
        ds.control.append(period)
    for row_no, point in _load_table(folder, REGION_POINTS_FILE, RegionPoint, issues):
        region = ds.records.get(point.region_id)
        if region is None or region.kind != "region":
            issues.append(Issue(REGION_POINTS_FILE, row_no, "region_id",
                                    f"no region with id {point.region_id!r}"))
            continue
        ds.region_points.append(point)
    ds.outlines = _load_outlines(folder / OUTLINES_FILE, issues)
    _check_references(ds)
    return ds


def _check_references(ds: Dataset) -> None:
    """Links and citations must point at something that exists.

    A broken link is reported and dropped; a record left with no valid source is
    dropped, since we show nothing we cannot attribute.
    """
    for rid, rec in list(ds.records.items()):
        file, row = ds.origin[rid]
        unknown = [s for s in rec.source_ids if s not in ds.sources]
        for s in unknown:
            ds.issues.append(Issue(file, row, "source_ids", f"unknown source {s!r}"))
        if unknown:
            rec.source_ids = [s for s in rec.source_ids if s in ds.sources]
            if not rec.source_ids:
                ds.issues.append(Issue(file, row, "source_ids", "no valid source left: record not loaded"))
                del ds.records[rid]
                continue
    for rid, rec in ds.records.items():
        file, row = ds.origin[rid]
        for role, target in rec.links:
            other = ds.records.get(target)
            if other is None or other.kind != role:
                ds.issues.append(Issue(file, row, f"{role}_id", f"no {role} with id {target!r}"))
                kept = [t for t in getattr(rec, f"{role}_id") if t != target]
                setattr(rec, f"{role}_id", kept)
