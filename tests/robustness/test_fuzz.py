"""Property-based checks on the parsers: any input ends in data or a clear error."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.paths import SEED

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.domain.link import from_query, to_query
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.names import split_qualifier
from frontier_atlas.ingest.dates import find_dates
from frontier_atlas.ingest.drafts import extract
from frontier_atlas.ingest.reading import UploadError, read_upload

# example counts come from the profile (tests/conftest.py): "ci" by default, "wide" to search harder
FAST = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
SPAN = (date(1991, 1, 1), date(2025, 5, 21))
words = st.sampled_from(["May", "18", "to", "21", "from", "November", "24", "of", "last", "year", "in", "March",
                         "earlier", "today", "four-day", "the", "1990s", "2020", "on", "Sunday", "Iran’s",
                         "Ardabil", "Province", "Bileh-Savar", "border", "crossing", "“Aras", "2025”", "\n\n",
                         "Karabakh", "drill", "exercise", "Julfa", "31", "February", "0", "99"])


@FAST
@given(st.dictionaries(st.sampled_from(["from", "to", "timeline", "at", "countries", "kinds", "q", "record", "map"]),
                       st.text(max_size=40)))
def test_any_link_opens_a_valid_view(params):
    view = from_query(params, {"aras-2025"}, {"IRN", "AZE"}, SPAN)
    if view.date_from:
        assert SPAN[0] <= view.date_from <= SPAN[1]
    if view.date_from and view.date_to:
        assert view.date_from <= view.date_to
    assert view.selected in (None, "aras-2025")
    assert set(view.countries) <= {"IRN", "AZE"}
    # what it writes back reads back the same
    assert from_query(to_query(view), {"aras-2025"}, {"IRN", "AZE"}, SPAN).__eq__(view)


@FAST
@given(st.lists(words, max_size=40).map(" ".join), st.dates(date(1990, 1, 1), date(2030, 12, 31)))
def test_dates_never_crash_and_stay_in_order(text, published):
    for found in find_dates(text, published):
        assert found.end is None or found.start <= found.end
        assert text[found.span[0]:found.span[1]] == found.text


@FAST
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.html", "a.pdf", "a"]))
def test_uploads_give_text_or_a_clear_error(data, name):
    try:
        text = read_upload(name, data)
    except UploadError as exc:
        assert name in str(exc)
    else:
        assert isinstance(text, str)


@FAST
@given(st.text(max_size=80))
def test_names_normalise_idempotently(name):
    once = normalise(name)
    assert normalise(once) == once
    core, kind = split_qualifier(name)
    assert isinstance(core, str)


_GEO = None


@FAST
@given(st.lists(words, max_size=60).map(" ".join))
def test_extraction_never_crashes(text):
    global _GEO
    _GEO = _GEO or GeocoderChain(load_dataset(SEED).places)
    result = extract(text, date(2025, 5, 18), _GEO)
    for d in result.drafts:
        for spans in d.spans.values():
            for a, b in spans:
                assert 0 <= a <= b <= len(text)


@FAST
@given(st.dictionaries(st.sampled_from(["id", "name", "start", "end", "participants", "places", "source_ids",
                                        "host", "date_precision", "lat", "lon", "extra"]),
                       st.text(max_size=20), min_size=1))
def test_a_broken_row_is_reported_and_the_rest_loads(tmp_path_factory, row):
    folder = tmp_path_factory.mktemp("data")
    for f in SEED.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    path = folder / "exercises.csv"
    fields = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    with path.open("a", encoding="utf-8", newline="") as out:
        csv.DictWriter(out, fieldnames=fields + ["extra"], extrasaction="ignore").writerow(row)
    ds = load_dataset(folder)
    assert {"bileh-savar", "karabakh"} <= set(ds.records)
    for issue in ds.issues:
        assert issue.file and str(issue)


# ---- imported event files ------------------------------------------------------------
from frontier_atlas.events import UnreadableFile, guess_mapping, read_events, read_header  # noqa: E402
from frontier_atlas.events.formats import ColumnMapping  # noqa: E402

IMPORT_COLUMNS = ["event_id_cnty", "event_date", "time_precision", "event_type", "iso", "country", "location",
                  "latitude", "longitude", "geo_precision", "fatalities", "notes"]
cells = st.one_of(st.text(max_size=20), st.sampled_from(["2024-05-18", "18 May 2024", "40.5", "-200", "1", "3",
                                                         "NaN", "inf", "", "31 Feb 2024", "Azerbaijan", "31"]))


@given(st.binary(max_size=4000), st.sampled_from(["a.csv", "a.geojson", "a.json", "a"]))
def test_any_bytes_import_as_data_or_a_clear_error(data, name):
    mapping = ColumnMapping("custom", {"date": "event_date", "latitude": "latitude", "longitude": "longitude"})
    for step in (lambda: read_header(data, name), lambda: read_events(data, name, mapping)):
        try:
            step()
        except UnreadableFile as exc:
            assert name in str(exc) or "GeoJSON" in str(exc) or "JSON" in str(exc)


@given(st.lists(st.lists(cells, min_size=0, max_size=len(IMPORT_COLUMNS) + 2), max_size=30))
def test_every_imported_row_loads_or_is_listed(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerows(rows)
    data = out.getvalue().encode()
    result = read_events(data, "f.csv", guess_mapping(read_header(data, "f.csv")))
    rejected = {i.row for i in result.issues if i.rejected}
    assert len(result.frame) + len(rejected) == result.rows_read
    assert not rejected & set(result.frame["row"])
    assert result.frame["latitude"].between(-90, 90).all() and result.frame["longitude"].between(-180, 180).all()
    assert (result.frame["date_end"] >= result.frame["date_start"]).all()


json_values = st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=10) | st.integers(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4), max_leaves=20)


@given(st.lists(st.fixed_dictionaries({"type": st.just("Feature"), "geometry": json_values,
                                       "properties": json_values}), max_size=10))
def test_any_geojson_features_load_or_are_listed(features):
    import json

    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    mapping = ColumnMapping("custom", {"date": "when", "latitude": "latitude", "longitude": "longitude"})
    result = read_events(data, "f.geojson", mapping)
    assert len(result.frame) + result.rejected == len(features)
