"""One issue type for the curated data and for imported event files, named the same way."""

from __future__ import annotations

from frontier_atlas.domain.issues import Issue


def test_an_issue_names_file_row_and_field_as_far_as_known():
    assert str(Issue("exercises.csv", 3, "start", "not a date")) == "exercises.csv, row 3, field 'start': not a date"
    assert str(Issue("acled.csv", 7, None, "broken CSV line")) == "acled.csv, row 7: broken CSV line"
    assert str(Issue("control.csv", None, None, "cannot be read")) == "control.csv: cannot be read"
    assert Issue("a.csv", 2, "date_end", "dropped", rejected=False).where == "a.csv, row 2, field 'date_end'"
    assert Issue("a.csv", 2, None, "x").rejected  # a row's problem rejects the row unless it says otherwise
