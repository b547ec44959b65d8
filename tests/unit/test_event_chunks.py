"""A CSV is read and parsed one chunk at a time (issue 15: a large import's memory), and
its rows keep their file line numbers across chunks and broken lines."""

from __future__ import annotations

import io

from frontier_atlas.events import ColumnMapping, read_events
from frontier_atlas.events import reader as reader_module

MAPPING = ColumnMapping("custom", {"date": "date", "latitude": "latitude", "longitude": "longitude"})


def _csv(lines: int, broken: set[int], bad_dates: set[int]) -> bytes:
    """``lines`` data lines (file line 2 onwards); some with an extra field, some with a bad date."""
    out = ["date,latitude,longitude,note"]
    for line in range(2, lines + 2):
        day = "2024-13-45" if line in bad_dates else f"2024-05-{1 + line % 28:02d}"
        out.append(f"{day},40.{line % 90:02d},45.1,n{line}" + (",extra" if line in broken else ""))
    return ("\n".join(out) + "\n").encode()


def _rows(result) -> list[tuple[int, str]]:
    return [(i.row, i.message.split(":")[0]) for i in result.issues]


def test_broken_lines_and_bad_rows_keep_their_line_numbers_across_chunks(monkeypatch):
    data = _csv(20, broken={4, 9, 10, 17}, bad_dates={5, 11, 18, 21})
    whole = read_events(data, "events.csv", MAPPING)
    monkeypatch.setattr(reader_module, "CHUNK_ROWS", 3)
    chunked = read_events(data, "events.csv", MAPPING)
    assert _rows(chunked) == _rows(whole)
    assert [r for r, why in _rows(chunked) if why.startswith("broken CSV line")] == [4, 9, 10, 17]
    assert sorted(r for r, why in _rows(chunked) if not why.startswith("broken")) == [5, 11, 18, 21]
    assert len(chunked.frame) == len(whole.frame) == 20 - 4 - 4


def test_the_first_chunk_is_parsed_before_the_rest_of_the_file_is_read(monkeypatch):
    data = _csv(60_000, broken=set(), bad_dates=set())
    stream = io.BytesIO(data)
    read_at_first_parse: list[int] = []
    parse = reader_module.parse_chunk

    def watched(raw, mapping, name):
        if not read_at_first_parse:
            read_at_first_parse.append(stream.tell())
        return parse(raw, mapping, name)

    monkeypatch.setattr(reader_module, "CHUNK_ROWS", 1_000)
    monkeypatch.setattr(reader_module, "parse_chunk", watched)
    result = read_events(stream, "events.csv", MAPPING)
    assert len(result.frame) == 60_000
    # the raw cells of the whole file were held at once when it had all been read first
    assert read_at_first_parse[0] < len(data) // 2
