"""The two paths for imported events answer every view alike: one file imported into the
Parquet store (NumPy in memory) and into PostGIS (SQL where the events live), then the
same filters and views asked of both: counts, points, grid cells, a cell's breakdown,
one event's details. The database set is imported twice: with no counts made ahead, and
with every zoom up to 6 counted ahead (``postgis_cube``), so both of its ways of counting
are checked against the NumPy path."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from frontier_atlas.domain.access import Actor, Role
from frontier_atlas.domain.viewport import Viewport
from frontier_atlas.events import ImportStore, PostgisImportStore, guess_mapping, import_events, read_header
from frontier_atlas.events.breakdown import cell_breakdown
from frontier_atlas.events.synthetic import acled_frame
from frontier_atlas.events.view import MaskedSet
from frontier_atlas.map.events import build_event_layer

EDITOR = Actor(id="eddie@desk.example", name="Eddie Editor", role=Role.EDITOR, mode="team")
VIEWS = [Viewport(-60, -180, 75, 180, 2), Viewport(25, 30, 45, 60, 5), Viewport(30, -10, 60, 40, 6),
         Viewport(-40, 160, 10, 200, 4),  # across the antimeridian
         Viewport(35.6, 51.2, 35.8, 51.5, 11)]
FILTERS = [{}, {"date_from": date(2019, 1, 1), "date_to": date(2019, 6, 30)},
           {"event_types": frozenset({"Battles", "Protests"})}, {"query": "ab"},
           {"date_from": date(2020, 3, 1), "date_to": date(2020, 3, 1)},
           {"date_from": date(2017, 2, 11), "date_to": date(2018, 11, 20), "countries": frozenset({"IND"})}]


@pytest.fixture(scope="module", params=[0, 7], ids=["events-table", "counted-ahead"])
def both(request, tmp_path_factory, postgres):
    """(the in-memory set, the database set, the two stores) of one file of 30,000 events."""
    frame = acled_frame(30_000, seed=5)
    frame["fatalities"] = frame["fatalities"].astype(object)
    frame.loc[::97, "fatalities"] = ""  # some counts not given
    frame.loc[::89, "actor2"] = "Tab\there, back\\slash, new\nline"  # COPY's special characters
    data = frame.to_csv(index=False).encode()
    mapping = guess_mapping(read_header(data, "acled.csv"))
    files = ImportStore(tmp_path_factory.mktemp("imports"))
    database = PostgisImportStore(postgres.new_database(), cube_levels=request.param)
    a, _ = import_events(data, "acled.csv", mapping, files, "events", by=EDITOR)
    b, _ = import_events(data, "acled.csv", mapping, database, "events", by=EDITOR)
    return files.open(a.id), database.open(b.id), files, database, a, b


def _views(both, **chosen):
    memory, db = both[0], both[1]
    keys = {"date_from": None, "date_to": None, "countries": frozenset(), "event_types": frozenset(), "query": ""}
    args = {**keys, **chosen}
    return MaskedSet(memory, memory.mask(**args)), db.filtered(**args)


def test_a_set_reads_the_same_from_either_store(both):
    memory, db, files, database, a, b = both
    assert (db.n, db.span, db.countries(), db.event_types()) == (memory.n, memory.span, memory.countries(),
                                                                   memory.event_types())
    assert {k: v for k, v in vars(a).items() if k not in ("id", "imported_at")} == \
        {k: v for k, v in vars(b).items() if k not in ("id", "imported_at")}
    for i in (0, 88, 89, 96, 97, 29_999):
        assert db.describe(i) == memory.describe(i)
    rows = [0, 89, 97, 29_999]
    pd.testing.assert_frame_equal(database.events(b.id, rows).astype(str), files.events(a.id, rows)[
        list(database.events(b.id, rows).columns)].astype(str), check_dtype=False)
    assert database.issues_csv(b.id) == files.issues_csv(a.id)


@pytest.mark.parametrize("chosen", FILTERS, ids=["all", "half-year", "types", "text", "one-day", "days-country"])
def test_every_view_counts_the_same_cells_and_points(both, chosen):
    mine, theirs = _views(both, **chosen)
    assert theirs.matched() == mine.matched() > 0
    for view in VIEWS:
        area = view.padded()
        n = mine.count_in(area)
        assert theirs.count_in(area) == n, view
        assert theirs.count_in(area, limit=1001) == mine.count_in(area, limit=1001) == min(n, 1001)
        a, b = mine.cells(area, view.zoom), theirs.cells(area, view.zoom)
        for name in ("ix", "iy", "count", "fatalities"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), (view, name)
        assert np.allclose(a.lat, b.lat, rtol=0, atol=1e-9) and np.allclose(a.lon, b.lon, rtol=0, atol=1e-9)
        if n <= 1000:
            pd.testing.assert_frame_equal(theirs.points(area), mine.points(area), check_dtype=False)
        layer_a, summary_a = build_event_layer([mine], view)
        layer_b, summary_b = build_event_layer([theirs], view)
        assert summary_a == summary_b, view
    south, west, north, east = theirs.bounds()
    assert south < north and west < east


def test_a_cells_breakdown_is_the_same(both):
    mine, theirs = _views(both, event_types=frozenset({"Battles", "Violence against civilians", "Protests"}))
    cells = mine.cells(VIEWS[1].padded(), 5)
    busiest = np.argsort(-cells.count)[:3]
    for k in busiest:
        cell = (5, int(cells.ix[k]), int(cells.iy[k]))
        a, b = cell_breakdown([mine], *cell), cell_breakdown([theirs], *cell)
        assert (b.count, b.fatalities, b.first, b.last, b.centre, b.zoom) == \
            (a.count, a.fatalities, a.first, a.last, a.centre, a.zoom) and a.count == cells.count[k]
        for name in ("by_type", "by_country", "by_year", "top_locations", "top_actors"):
            pd.testing.assert_frame_equal(getattr(b, name), getattr(a, name), check_dtype=False, obj=name)
    assert cell_breakdown([theirs], 5, -1, 0).count == 0  # a forged cell
