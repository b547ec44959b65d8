"""Imported sets cannot break the pages for everyone (issue 15, rows 2, 4 and 7), through AppTest."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support.imports import FEW, user_import_store
from support.paths import ROOT

from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import guess_mapping, import_events, read_events, read_header


@pytest.fixture(autouse=True)
def _seed(seed_env):
    return seed_env


def _store_far_dated_set() -> None:
    """Store a set holding 0001-01-01 and 9999-12-31, as versions before the import check did."""
    data = FEW + b"2024-05-19,39.5,47.5,Protests,Horadiz\n"
    mapping = guess_mapping(read_header(data, "far.csv"))
    result = read_events(data, "far.csv", mapping)
    far = pd.to_datetime(["0001-01-01", "9999-12-31"], format="%Y-%m-%d").as_unit("s")
    result.frame["date_start"] = result.frame["date_end"] = pd.Series(far)
    user_import_store().save(result, "far dates", "0" * 64, mapping.columns, mapping.fmt, by=local_actor())


def _store_empty_set() -> None:
    """Every row refused: the set is stored with no events."""
    data = b"event_date,latitude,longitude\n0001-01-01,40,45\n9999-12-31,41,46\n"
    info, _ = import_events(data, "none.csv", guess_mapping(read_header(data, "none.csv")), user_import_store(),
            by=local_actor())
    assert info.rows == 0 and info.rejected == 2


def _run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    return at.switch_page(page).run() if page else at


@pytest.mark.parametrize("step", ["year", "month", "week"])
def test_the_map_page_opens_with_a_far_dated_set_and_an_empty_set(step):
    _store_far_dated_set()
    _store_empty_set()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["step"] = step
    at.run()
    assert not at.exception, at.exception
    lo, hi = next(s for s in at.slider if s.label == "Dates").value
    assert (lo.year, hi.year) == (1900, 2100)
    at.run()  # a second visit, as every other user's next rerun
    assert not at.exception, at.exception


def test_the_map_page_opens_with_only_an_empty_set():
    _store_empty_set()
    at = _run()
    assert not at.exception, at.exception


def test_the_imports_page_escapes_set_and_file_names_and_offers_a_safe_download_name(monkeypatch):
    import streamlit as st

    offered: list[tuple[str, bytes]] = []
    real = st.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        offered.append((file_name, data))
        return real(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    data = (b"event_date,latitude,longitude,location\n"
            b"2024-05-18,,45,\"=HYPERLINK(\"\"http://example.invalid\"\")\"\n2024-05-19,40,45,Agdam\n")
    import_events(data, "=formula(1)*x*.csv", guess_mapping(read_header(data, "x.csv")), user_import_store(),
                  set_name="=formula(1) **loud** [link](javascript:alert(1))", by=local_actor())
    at = _run("pages/imports.py")
    assert not at.exception, at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith("####"))
    assert "**loud**" not in heading and "](javascript" not in heading
    caption = " ".join(c.value for c in at.caption)
    assert "*x*" not in caption and "=formula(1)" in caption.replace("\\", "")
    ((file_name, listing),) = offered
    assert file_name == "formula-1-loud-link-javascript-alert-1-rows-not-read.csv"
    cells = [c for row in csv.reader(io.StringIO(listing.decode())) for c in row]
    assert "'=HYPERLINK(\"http://example.invalid\")" in cells and "'=formula(1)*x*.csv" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
