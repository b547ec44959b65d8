"""Reading an event file (CSV or GeoJSON) into our event columns.

Large files are read in chunks and parsed column-wise (no per-row Python), so a
million-row ACLED export imports in seconds. A row that cannot be used (no date,
no position, a bad value in a required field, a broken CSV line) is not lost
silently: it is listed with its file, row and reason, and the rest load.
Rows are numbered as a spreadsheet shows them: the header is row 1. Dates outside the
app's range (``domain.calendar``) are refused row by row. A file's shape is limited before
the work it would cost (``MAX_COLUMNS`` and the other limits below), so a small file of
many columns or property names is refused in milliseconds instead of read in minutes.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from frontier_atlas.domain.calendar import FIRST_DAY, LAST_DAY
from frontier_atlas.domain.issues import Issue
from frontier_atlas.events.formats import (
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    TEXT_FIELDS,
    ColumnMapping,
    country_code,
)

HEAD_BYTES = 1_000_000  # what a file's encoding, kind and CSV header are read from
CHUNK_ROWS = 50_000  # about 10 MB of ACLED text: what an import holds parsed at once (bench: robustness.md)
_ISO_DAY = r"^\d{4}-\d{2}-\d{2}"
# Limits on a file's shape, checked before the work they bound: a small file of many
# columns or property names made the import (and the page's column pickers) quadratic.
MAX_COLUMNS = 500  # CSV columns, or distinct GeoJSON property names
MAX_HEADER_BYTES = 64 * 1024  # a CSV's first line
MAX_NAME_CHARS = 200  # one column or property name
MAX_DEPTH = 32  # nesting of a GeoJSON property's value


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not CSV or GeoJSON, no header, bad JSON)."""


@dataclass
class ImportResult:
    file: str
    frame: pd.DataFrame  # one row per event, our columns (see EVENT_COLUMNS)
    issues: list[Issue] = field(default_factory=list)
    rejected_rows: pd.DataFrame | None = None  # the raw values of rejected rows
    notes: list[str] = field(default_factory=list)  # file-level findings
    rows_read: int = 0

    @property
    def rejected(self) -> int:
        return sum(1 for i in self.issues if i.rejected)

    def issues_frame(self) -> pd.DataFrame:
        """Issues with the raw values of each rejected row, for download."""
        table = pd.DataFrame(
            [(self.file, i.row, i.field or "", i.message, "rejected" if i.rejected else "value dropped")
             for i in self.issues],
            columns=["file", "row", "field", "reason", "outcome"],
        )
        if self.rejected_rows is not None and not table.empty:
            raw = self.rejected_rows.add_prefix("raw:").reset_index(names="row")
            table = table.merge(raw, on="row", how="left")
        return table


EVENT_COLUMNS = ("event_id", "date_start", "date_end", "date_precision", "latitude", "longitude",
                 "geo_precision", "event_type", "sub_type", "actor1", "actor2", "country", "admin1",
                 "location", "fatalities", "source", "notes", "row")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 when it decodes as such (most exports), else charset-normalizer's guess."""
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut by the sample's end
            return "utf-8"
    matches = list(from_bytes(sample))
    if not matches:
        return "latin-1"
    best = matches[0]
    # short samples often tie; Western European exports (cp1252) are the likeliest of the tied
    tied = [m.encoding for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence - 0.01]
    return "cp1252" if "cp1252" in tied else best.encoding


def read_header(data: bytes, name: str) -> list[str]:
    """Column names of a CSV, or the property names of a GeoJSON's features."""
    try:
        return _read_header(data, name)
    except UnreadableFile:
        raise
    except (ValueError, TypeError, AttributeError, pd.errors.ParserError, UnicodeError) as exc:
        raise UnreadableFile(f"{name} is not a CSV or GeoJSON we can read ({exc})") from exc


def read_file_header(stream: BinaryIO, name: str) -> list[str]:
    """``read_header`` of an open file, reading what it needs: a CSV's head, a GeoJSON whole."""
    stream.seek(0)
    data = stream.read(HEAD_BYTES)
    if is_geojson(name, data[:200]):
        stream.seek(0)
        data = stream.read()
    stream.seek(0)
    return read_header(data, name)


def _read_header(data: bytes, name: str) -> list[str]:
    if is_geojson(name, data[:200]):
        return [*_property_names(_features(data)), "latitude", "longitude"]
    enc = detect_encoding(data[:HEAD_BYTES])
    _check_csv_header(data[:MAX_HEADER_BYTES + 1], enc, name)
    return list(pd.read_csv(io.BytesIO(data[:HEAD_BYTES]), nrows=0, encoding=enc,
                            encoding_errors="replace").columns)


def _check_csv_header(head: bytes, encoding: str, name: str) -> None:
    """Refuse a header past the limits from its first line alone, before pandas reads it."""
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    end = min(ends) if ends else -1
    if end < 0 and len(head) > MAX_HEADER_BYTES:
        raise UnreadableFile(f"{name}: the header line is longer than {MAX_HEADER_BYTES:,} bytes, the limit")
    line = head[: end if end >= 0 else len(head)].decode(encoding, errors="replace")
    try:
        fields = next(csv.reader([line]), [])
    except csv.Error:  # pandas decides what the line means; the limits still need a count
        fields = line.split(",")
    if len(fields) > MAX_COLUMNS:
        raise UnreadableFile(f"{name} has {len(fields):,} columns; the limit is {MAX_COLUMNS:,}")
    longest = max((len(f) for f in fields), default=0)
    if longest > MAX_NAME_CHARS:
        raise UnreadableFile(f"{name} has a column name of {longest:,} characters; "
                             f"the limit is {MAX_NAME_CHARS:,}")


def _property_names(features: list) -> list[str]:
    """Distinct property names in first-seen order, refused past the limits as they are met."""
    names: dict[str, None] = {}
    for feat in features:
        for key in _properties(feat):
            if key in names:
                continue
            key = str(key)
            if len(key) > MAX_NAME_CHARS:
                raise UnreadableFile(f"GeoJSON: a property name of {len(key):,} characters; "
                                     f"the limit is {MAX_NAME_CHARS:,}")
            names[key] = None
            if len(names) > MAX_COLUMNS:
                raise UnreadableFile(f"GeoJSON: more than {MAX_COLUMNS:,} distinct property names; "
                                     f"the limit is {MAX_COLUMNS:,}")
    return list(names)


def is_geojson(name: str, head: bytes) -> bool:
    return name.lower().endswith((".geojson", ".json")) or head.lstrip()[:1] == b"{"


def read_events(data: bytes | BinaryIO | Path, name: str, mapping: ColumnMapping,
                progress: Callable[[float, str], None] | None = None) -> ImportResult:
    """Read a whole file into one frame. ``data`` is the file's bytes, an open binary file or a path.

    ``progress`` hears the share of the file read after each chunk (a background job's bar).
    Raises ``UnreadableFile`` when the file as a whole cannot be read; a bad row is an issue.
    An import stores the chunks as they come instead (``event_chunks``, ``ImportStore.save_chunks``).
    """
    result = ImportResult(file=name, frame=pd.DataFrame())
    frames = list(event_chunks(data, name, mapping, result, progress))
    result.frame = _joined(frames)
    return result


def event_chunks(data: bytes | BinaryIO | Path, name: str, mapping: ColumnMapping, result: ImportResult,
                 progress: Callable[[float, str], None] | None = None) -> Iterator[pd.DataFrame]:
    """The file's events, a chunk at a time, each finished (our columns, countries resolved), so
    a large file is never held parsed whole. ``result`` gathers the issues, counts and notes;
    it is complete once the chunks are all taken. ``UnreadableFile`` as ``read_events``."""
    try:
        if isinstance(data, Path):
            with data.open("rb") as f:
                yield from _event_chunks(f, name, mapping, result, progress)
        else:
            yield from _event_chunks(io.BytesIO(data) if isinstance(data, bytes) else data, name, mapping,
                                     result, progress)
    except UnreadableFile:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(f"{name} is not a CSV or GeoJSON we can read ({exc})") from exc


def _event_chunks(stream: BinaryIO, name: str, mapping: ColumnMapping, result: ImportResult,
                  progress: Callable[[float, str], None] | None) -> Iterator[pd.DataFrame]:
    size = stream.seek(0, io.SEEK_END) or 1
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if is_geojson(name, head[:200]):
        chunks = [_geojson_frame(stream.read(), mapping)]
        bad_lines: list[Issue] = []
    else:
        encoding = detect_encoding(head)
        _check_csv_header(head[:MAX_HEADER_BYTES + 1], encoding, name)
        chunks, bad_lines = _csv_chunks(stream, encoding, mapping, name)
    finishing = _Finishing(result)
    rejected = []
    for raw in chunks:
        frame, issues, rej = parse_chunk(raw, mapping, name)
        result.rows_read += len(raw)
        if progress:
            progress(0.9 * min(stream.tell() / size, 1.0), f"{result.rows_read:,} rows read")
        result.issues.extend(issues)
        rejected.append(rej)
        yield finishing.chunk(frame)  # an empty one too: it carries the columns' types
    result.rows_read += len(bad_lines)
    result.issues.extend(bad_lines)
    result.issues.sort(key=lambda i: i.row)
    finishing.notes()
    result.rejected_rows = pd.concat(rejected) if rejected else None


def _csv_chunks(stream: BinaryIO, encoding: str, mapping: ColumnMapping,
                name: str) -> tuple[Iterator[pd.DataFrame], list[Issue]]:
    """Chunks of raw text cells, indexed by row number; broken lines become issues."""
    wanted = set(mapping.columns.values())
    bad: list[Issue] = []

    def read(step):
        """One step of the reader, its broken-line warnings taken as issues (caught per step,
        so no warning filter is left in place while the caller works between chunks)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = step()
        for w in caught:
            text = str(w.message).strip()
            if text.startswith("Skipping line"):
                for line in text.splitlines():
                    num, _, why = line.removeprefix("Skipping line ").partition(":")
                    if num.strip().isdigit():
                        bad.append(Issue(name, int(num), None, f"broken CSV line:{why}"))
        return out

    def gen() -> Iterator[pd.DataFrame]:
        # one chunk at a time, so a large file's raw cells are never all held at once: a chunk's
        # broken lines are warned while it is read, and later ones cannot move its rows.
        # all columns are read, so a line with too many fields is caught, then only ours kept
        reader = read(lambda: pd.read_csv(stream, dtype=str, keep_default_na=False, encoding=encoding,
                                          encoding_errors="replace", on_bad_lines="warn", chunksize=CHUNK_ROWS))
        done = 0
        with reader:
            while (chunk := read(lambda: next(reader, None))) is not None:
                chunk = chunk[[c for c in chunk.columns if c in wanted]]
                # good row i sits after the bad lines before it
                bad_rows = np.sort(np.array([b.row for b in bad], dtype=np.int64)) - 2  # 0-based data rows
                shifted = bad_rows - np.arange(len(bad_rows))
                good = np.arange(done, done + len(chunk))
                done += len(chunk)
                chunk.index = good + np.searchsorted(shifted, good, side="right") + 2
                yield chunk

    return gen(), bad


def _features(data: bytes) -> list:
    text = data.decode(detect_encoding(data[:HEAD_BYTES]), errors="replace")
    try:
        doc = json.loads(text)
    except RecursionError as exc:
        raise UnreadableFile("nested deeper than the JSON reader allows") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"not valid JSON ({exc})") from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise UnreadableFile("not a GeoJSON FeatureCollection (no 'features' list)")
    return features


def _properties(feat) -> dict:
    props = feat.get("properties") if isinstance(feat, dict) else None
    return props if isinstance(props, dict) else {}


def _depth(value: object) -> int:
    """How deeply a property's value nests, counted without recursion and stopped past the limit."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level + 1)
            if deepest > MAX_DEPTH:
                break
            todo.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)) and _depth(value) > MAX_DEPTH:
        raise UnreadableFile(f"GeoJSON: a property nests more than {MAX_DEPTH} levels deep, the limit")
    return str(value)


def _geojson_frame(data: bytes, mapping: ColumnMapping) -> pd.DataFrame:
    """Point features as rows: the mapped properties plus latitude/longitude from the geometry.

    Only the properties the mapping uses become columns, so a file where every feature has
    its own property names costs what its size does (a dense table of all names was quadratic).
    """
    features = _features(data)
    _property_names(features)  # the same limits as the column pickers
    wanted = {c for c in mapping.columns.values() if c}
    rows = []
    for feat in features:
        feat = feat if isinstance(feat, dict) else {}
        row = {str(k): _cell_text(v) for k, v in _properties(feat).items() if str(k) in wanted}
        geom = feat.get("geometry") or {}
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if (isinstance(geom, dict) and geom.get("type") == "Point" and isinstance(coords, list)
                and len(coords) >= 2 and all(isinstance(c, (int, float)) for c in coords[:2])):
            row["longitude"], row["latitude"] = str(coords[0]), str(coords[1])
        else:
            row["longitude"] = row["latitude"] = ""
            kind = geom.get("type") if isinstance(geom, dict) else None
            row["__geometry"] = (f"geometry is {str(kind)[:30]}, not a Point" if kind != "Point"
                                 else "a Point without two numbers for coordinates")
        rows.append(row)
    frame = pd.DataFrame(rows, dtype=str).fillna("")
    frame.index = np.arange(len(frame)) + 1  # "row N" is feature N
    return frame


def _parse_dates(text: pd.Series, day_first: bool) -> pd.Series:
    """ISO (also with a time), DD Month YYYY, DD-Mon-YYYY, numeric day/month forms, a bare year."""
    text = text.str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    iso = text.str.match(_ISO_DAY)
    out[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    numeric = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y") if day_first else ("%m/%d/%Y", "%d-%m-%Y", "%d.%m.%Y")
    for fmt in ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%B-%Y", "%B %d, %Y", *numeric):
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    return out


def parse_chunk(raw: pd.DataFrame, mapping: ColumnMapping,
                file: str) -> tuple[pd.DataFrame, list[Issue], pd.DataFrame]:
    """Raw text cells -> typed event columns, the issues, and the rejected raw rows."""
    cols = mapping.columns
    n = len(raw)
    empty = pd.Series([""] * n, index=raw.index, dtype=str)

    def col(name: str) -> pd.Series:
        source = cols.get(name)
        return raw[source].astype(str) if source and source in raw else empty

    issues: list[Issue] = []
    reject = pd.Series(False, index=raw.index)

    def flag(mask: pd.Series, field: str, reason, rejected: bool = True) -> None:
        nonlocal reject
        mask = mask & ~reject  # one reason per rejected row is enough
        for row in mask[mask].index:
            issues.append(Issue(file, int(row), field, reason(row) if callable(reason) else reason, rejected))
        if rejected:
            reject |= mask

    if "__geometry" in raw:
        geo_bad = raw["__geometry"].fillna("") != ""
        flag(geo_bad, "geometry", lambda r: raw.at[r, "__geometry"])

    start_text = col("date")
    start = _parse_dates(start_text, mapping.day_first)
    flag(start_text.str.strip() == "", cols.get("date"), "no date")
    flag(start.isna(), cols.get("date"),
         lambda r: f"{start_text[r][:40]!r} is not a date (use YYYY-MM-DD or DD Month YYYY)")
    end_text = col("date_end")
    end = _parse_dates(end_text, mapping.day_first)
    flag(end.isna() & (end_text.str.strip() != ""), cols.get("date_end"),
         lambda r: f"{end_text[r][:40]!r} is not a date; the start date is used", rejected=False)
    end = end.fillna(start)
    # outside the app's range a date breaks the date widgets and the timeline for everyone
    lo, hi = np.datetime64(FIRST_DAY, "s"), np.datetime64(LAST_DAY, "s")
    outside = f"is outside the dates this app shows ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
    flag((start < lo) | (start > hi), cols.get("date"), lambda r: f"{start[r].date().isoformat()} {outside}")
    flag((end < lo) | (end > hi), cols.get("date_end"), lambda r: f"end date {end[r].date().isoformat()} {outside}")
    flag(end < start, cols.get("date_end"), "ends before it starts")

    coords = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        text = col(name)
        value = pd.to_numeric(text.str.strip().str.replace(",", ".", regex=False), errors="coerce")
        flag(text.str.strip() == "", cols.get(name), f"no {name}")
        flag(value.isna(), cols.get(name), lambda r, t=text, nm=name: f"{t[r][:40]!r} is not a {nm}")
        flag(~np.isfinite(value) | (value.abs() > limit), cols.get(name),
             lambda r, v=value, nm=name, lim=limit: f"{nm} {v[r]} is outside ±{lim}")
        coords[name] = value

    fatal_text = col("fatalities").str.strip()
    fatalities = pd.to_numeric(fatal_text, errors="coerce")
    flag((fatal_text != "") & (fatalities.isna() | (fatalities < 0)), cols.get("fatalities"),
         lambda r: f"{fatal_text[r][:40]!r} is not a count; left blank", rejected=False)
    fatalities = fatalities.where(fatalities >= 0)

    keep = ~reject
    out = pd.DataFrame(index=raw.index[keep])
    ids = col("event_id").str.strip()
    out["event_id"] = ids[keep].where(ids[keep] != "", "row " + out.index.astype(str))
    out["date_start"] = start[keep]
    out["date_end"] = end[keep]
    out["date_precision"] = _codes(col("date_precision")[keep], mapping.date_codes, DATE_PRECISIONS)
    out["latitude"] = coords["latitude"][keep].astype("float64")
    out["longitude"] = coords["longitude"][keep].astype("float64")
    out["geo_precision"] = _codes(col("geo_precision")[keep], mapping.geo_codes, GEO_PRECISIONS)
    for name in TEXT_FIELDS:
        if name == "event_id":
            continue
        values = col(name)[keep].str.strip()
        if name == "event_type" and mapping.type_codes:
            values = values.map(lambda v: mapping.type_codes.get(v, v))
        out[name] = values
    out["country"] = col("country")[keep].str.strip()
    out["fatalities"] = fatalities[keep].round().astype("Int32")
    out["row"] = out.index.astype("int32")
    rejected_raw = raw[reject].drop(columns=["__geometry"], errors="ignore")
    return out, issues, rejected_raw


def _codes(text: pd.Series, codes: dict[str, str], allowed: tuple[str, ...]) -> pd.Series:
    """Precision codes ("1", "2"...) or our own words -> our words; unknown -> blank."""
    clean = text.str.strip().str.lower().str.removesuffix(".0")
    table = {**{w: w for w in allowed}, **codes}
    return clean.map(table).astype(pd.CategoricalDtype(list(allowed)))


CATEGORIES = ("event_type", "sub_type", "actor1", "actor2", "admin1", "location", "country")  # few values, many rows


class _Finishing:
    """Countries resolved once per distinct value, text compacted, a chunk at a time; the notes
    about the whole file (unknown countries, repeated ids) once every chunk has passed."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.resolved: dict[str, str | None] = {}
        self.unknown: Counter[str] = Counter()
        self.ids: list[np.ndarray] = []  # 64-bit hashes of each chunk's event ids

    def chunk(self, frame: pd.DataFrame) -> pd.DataFrame:
        names = [n for n in frame["country"].unique() if n and n not in self.resolved]
        self.resolved.update({n: country_code(n) for n in names})
        counts = frame["country"].value_counts()
        self.unknown.update({n: int(c) for n, c in counts.items() if n and self.resolved.get(n) is None})
        frame["country"] = frame["country"].map(self.resolved)
        self.ids.append(pd.util.hash_array(frame["event_id"].to_numpy(dtype=object)))
        for name in CATEGORIES:
            frame[name] = frame[name].astype("category")
        return frame[list(EVENT_COLUMNS)].reset_index(drop=True)

    def notes(self) -> None:
        for name in sorted(self.unknown)[:20]:
            self.result.notes.append(f"country {name[:60]!r} ({self.unknown[name]} row(s)) is not a country we "
                                     "know; those events have no country")
        ids = np.concatenate(self.ids) if self.ids else np.array([], dtype=np.uint64)
        repeated = len(ids) - len(np.unique(ids))
        if repeated:
            self.result.notes.append(f"{repeated} row(s) repeat an event id seen earlier in the file; "
                                     "they are kept (ids are shown with the row number)")


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The finished chunks as one frame (each chunk's categories differ, so they are made again)."""
    if not frames:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    frame = pd.concat(frames, ignore_index=True)
    for name in CATEGORIES:
        frame[name] = frame[name].astype("category")
    return frame
