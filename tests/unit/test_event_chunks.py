"""A CSV is read and parsed one chunk at a time (issue 15: a large import's memory), and
its rows keep their file line numbers across chunks and broken lines."""

from __future__ import annotations

import io

from frontier_atlas.domain.access import local_actor
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


def test_an_import_stores_each_chunk_as_it_comes_and_keeps_what_a_whole_read_gives(monkeypatch, tmp_path):
    import pandas as pd

    from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header
    from frontier_atlas.events import store as store_module

    lines = ["event_id_cnty,event_date,latitude,longitude,event_type,country,location"]
    for k in range(2, 202):
        country = ("Azerbaijan", "Armenia", "Atlantis")[k % 3]  # one name no country list holds
        repeat = "TWICE" if k in (50, 150) else f"E{k}"  # one id twice, in two different chunks
        lines.append(f"{repeat},2024-05-{1 + k % 28:02d},40.{k % 90:02d},45.1,Type {k % 150},{country},Place {k}")
    data = ("\n".join(lines) + "\n").encode()
    mapping = guess_mapping(read_header(data, "chunks.csv"))
    whole = read_events(data, "chunks.csv", mapping)
    written: list[int] = []
    real = store_module.pq.ParquetWriter.write_table

    def counted(self, table, *args, **kwargs):
        written.append(table.num_rows)
        return real(self, table, *args, **kwargs)

    monkeypatch.setattr(store_module.pq.ParquetWriter, "write_table", counted)
    monkeypatch.setattr(reader_module, "CHUNK_ROWS", 40)
    monkeypatch.setattr(store_module, "ROW_GROUP", 16)
    store = ImportStore(tmp_path / "imports")
    info, result = import_events(data, "chunks.csv", mapping, store, by=local_actor())
    assert written == [40] * 5  # one write per chunk: the file was never held parsed whole
    stored = pd.read_parquet(store.path(info.id))
    pd.testing.assert_frame_equal(stored.astype(str), whole.frame.astype(str))
    assert stored["event_type"].dtype == "category" and len(stored["event_type"].cat.categories) == 150
    assert result.notes == whole.notes and len(result.notes) == 2
    assert "'Atlantis' (67 row(s))" in result.notes[0] and result.notes[1].startswith("1 row(s) repeat")
    assert (info.rows, info.date_min, info.date_max) == (200, "2024-05-01", "2024-05-28")
    # an event is found in its row group though the groups are of several sizes
    picked = store.events(info.id, [0, 39, 40, 123, 199])
    assert list(picked["location"]) == [f"Place {k + 2}" for k in (0, 39, 40, 123, 199)]
