"""An imported file cannot break or stall the app for everyone (issue 15, rows 2 and 4):
dates outside the app's range are refused row by row, and a file's shape (columns,
header length, property names, nesting) is limited before any work that grows with it."""

from __future__ import annotations

import json
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from frontier_atlas.domain.access import local_actor
from frontier_atlas.domain.calendar import FIRST_DAY, LAST_DAY, clamp_span, in_range
from frontier_atlas.domain.timeline import timeline_steps
from frontier_atlas.events import (
    ColumnMapping,
    EventSet,
    ImportStore,
    UnreadableFile,
    guess_mapping,
    import_events,
    read_events,
    read_header,
)
from frontier_atlas.events.reader import MAX_COLUMNS, MAX_DEPTH, MAX_HEADER_BYTES, MAX_NAME_CHARS

FAR_DATES = (b"event_date,latitude,longitude,location\n"
             b"0001-01-01,40.1,45.1,Early\n"
             b"2024-05-18,40.2,45.2,Kept\n"
             b"9999-12-31,40.3,45.3,Late\n"
             b"1899-12-31,40.4,45.4,Eve\n"
             b"2100-12-31,40.5,45.5,Last day\n")


def test_the_range_is_one_pair_of_days():
    assert (FIRST_DAY, LAST_DAY) == (date(1900, 1, 1), date(2100, 12, 31))
    assert in_range(FIRST_DAY) and in_range(LAST_DAY) and not in_range(date(1899, 12, 31))
    assert clamp_span((date(1, 1, 1), date(9999, 12, 31))) == (FIRST_DAY, LAST_DAY)
    assert clamp_span((date(2300, 1, 1), date(2400, 1, 1))) == (LAST_DAY, LAST_DAY)
    assert clamp_span(None) is None


def test_dates_outside_the_range_are_refused_with_file_row_and_field_and_the_rest_load(tmp_path):
    store = ImportStore(tmp_path / "imports")
    info, result = import_events(FAR_DATES, "far.csv", guess_mapping(read_header(FAR_DATES, "far.csv")), store,
            by=local_actor())
    assert list(pd.read_parquet(store.path(info.id))["location"]) == ["Kept", "Last day"]  # as stored
    refused = {(i.file, i.row, i.field): i.message for i in result.issues}
    assert set(refused) == {("far.csv", 2, "event_date"), ("far.csv", 4, "event_date"), ("far.csv", 5, "event_date")}
    assert refused[("far.csv", 2, "event_date")] == ("0001-01-01 is outside the dates this app shows "
                                                    "(1900-01-01 to 2100-12-31)")
    assert info.rejected == 3 and (info.date_min, info.date_max) == ("2024-05-18", "2100-12-31")
    assert "9999-12-31 is outside" in store.issues_csv(info.id).decode()


def test_an_end_date_outside_the_range_is_refused_too():
    data = b"event_date,end_date,latitude,longitude\n2024-05-18,9999-01-01,40,45\n"
    mapping = ColumnMapping("custom", {"date": "event_date", "date_end": "end_date", "latitude": "latitude",
                                       "longitude": "longitude"})
    result = read_events(data, "end.csv", mapping)
    assert result.frame.empty
    assert [(i.row, i.field, i.message.split(" is ")[0]) for i in result.issues] == [
        (2, "end_date", "end date 9999-01-01")]


def _stored_far_set(tmp_path) -> EventSet:
    """A set as an older version stored it, before dates were checked at import."""
    ok = b"event_date,latitude,longitude\n2024-05-18,40,45\n2024-05-19,41,46\n"
    store = ImportStore(tmp_path / "imports")
    info, result = import_events(ok, "old.csv", guess_mapping(read_header(ok, "old.csv")), store, by=local_actor())
    frame = pd.read_parquet(store.path(info.id))
    far = pd.Series(pd.to_datetime(["0001-01-01", "9999-12-31"], format="%Y-%m-%d").as_unit("s"))
    frame["date_start"] = frame["date_end"] = far
    return EventSet("old", "old", frame)


def test_a_stored_set_with_far_dates_offers_a_span_inside_the_range(tmp_path):
    es = _stored_far_set(tmp_path)
    assert es.span == (FIRST_DAY, LAST_DAY)
    assert es.mask(date(2000, 1, 1), date(2001, 1, 1)).tolist() == [False, False]


@pytest.mark.parametrize("step", ["year", "month", "week"])
def test_timeline_steps_are_bounded_whatever_the_span(step):
    windows = timeline_steps((date(1, 1, 1), date(9999, 12, 31)), step)  # used to overflow or take minutes
    assert 0 < len(windows) <= 11_000
    assert windows[0][0] <= FIRST_DAY <= windows[0][1] and windows[-1][0] <= LAST_DAY <= windows[-1][1]


# --- the file's shape -------------------------------------------------------------------------------

def test_a_header_of_commas_is_refused_before_pandas_reads_it():
    filed = b"," * 100_000 + b"\n1,2\n"  # the filed 100 kB header: past the line limit
    shorter = b"," * 30_000 + b"\n1,2\n"  # under the line limit, past the column limit
    mapping = ColumnMapping("custom", {"date": "a", "latitude": "b", "longitude": "c"})
    started = time.process_time()
    with pytest.raises(UnreadableFile, match=f"longer than {MAX_HEADER_BYTES:,} bytes"):
        read_header(filed, "commas.csv")
    with pytest.raises(UnreadableFile, match=f"30,001 columns; the limit is {MAX_COLUMNS:,}"):
        read_header(shorter, "commas.csv")
    for data in (filed, shorter):
        with pytest.raises(UnreadableFile, match="limit"):
            read_events(data, "commas.csv", mapping)
    assert time.process_time() - started < 5  # generous: it was 18.9 s; the limit makes it milliseconds


def test_the_column_limit_counts_fields_not_quoted_commas():
    quoted = ",".join(f'"name, part {k}"' for k in range(MAX_COLUMNS)).encode() + b"\n"
    assert len(read_header(quoted, "quoted.csv")) == MAX_COLUMNS
    one_more = ",".join(f"c{k}" for k in range(MAX_COLUMNS + 1)).encode() + b"\n"
    with pytest.raises(UnreadableFile, match=f"{MAX_COLUMNS + 1:,} columns"):
        read_header(one_more, "wide.csv")


def test_a_header_line_longer_than_the_limit_is_refused():
    data = b"a" * (MAX_HEADER_BYTES + 10)  # no line break at all
    with pytest.raises(UnreadableFile, match=f"longer than {MAX_HEADER_BYTES:,} bytes"):
        read_header(data, "long.csv")
    with pytest.raises(UnreadableFile, match=f"the limit is {MAX_NAME_CHARS:,}"):
        read_header(b"date," + b"x" * (MAX_NAME_CHARS + 1) + b"\n", "name.csv")


def _geojson(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _point(props: dict, lon: float = 45.0, lat: float = 40.0) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def test_geojson_with_its_own_property_name_on_every_feature_is_refused_quickly():
    data = _geojson([_point({"date": "2024-05-18", f"p{k}": "x"}) for k in range(20_000)])
    mapping = ColumnMapping("custom", {"date": "date", "latitude": "latitude", "longitude": "longitude"})
    started = time.process_time()
    with pytest.raises(UnreadableFile, match=f"more than {MAX_COLUMNS:,} distinct property names"):
        read_header(data, "many.geojson")
    with pytest.raises(UnreadableFile, match="distinct property names"):
        read_events(data, "many.geojson", mapping)
    assert time.process_time() - started < 10  # a dense table of 20,000 x 20,000 cells took minutes


def test_geojson_under_the_limits_keeps_only_the_mapped_properties():
    feats = [_point({"date": "2024-05-18", "place": "Agdam", f"extra{k % 50}": "v"}) for k in range(200)]
    data = _geojson(feats)
    assert len(read_header(data, "ok.geojson")) == 2 + 50 + 2
    mapping = ColumnMapping("custom", {"date": "date", "location": "place", "latitude": "latitude",
                                       "longitude": "longitude"})
    result = read_events(data, "ok.geojson", mapping)
    assert len(result.frame) == 200 and set(result.frame["location"]) == {"Agdam"}
    assert np.allclose(result.frame["latitude"], 40.0)


def test_geojson_nesting_past_the_limit_is_refused():
    deep: object = "x"
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    data = _geojson([_point({"date": "2024-05-18", "blob": deep})])
    mapping = ColumnMapping("custom", {"date": "date", "notes": "blob", "latitude": "latitude",
                                       "longitude": "longitude"})
    with pytest.raises(UnreadableFile, match=f"more than {MAX_DEPTH} levels deep"):
        read_events(data, "deep.geojson", mapping)
    very_deep = b'{"type":"FeatureCollection","features":[' + b"[" * 200_000 + b"]" * 200_000 + b"]}"
    with pytest.raises(UnreadableFile, match="nested deeper"):
        read_header(very_deep, "deeper.geojson")
