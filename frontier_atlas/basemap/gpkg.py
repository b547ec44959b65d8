"""Reading a GeoPackage's feature tables without GDAL: it is SQLite, and each geometry
is a small GeoPackage header followed by standard WKB, which shapely reads."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

# envelope size in bytes by the header's envelope code (GeoPackage spec, 2.1.3)
_ENVELOPE = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def geometry(blob: bytes) -> BaseGeometry | None:
    """A GeoPackage geometry blob as a shapely geometry (None for an empty one)."""
    if not blob or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & 0b10000:  # the empty-geometry flag
        return None
    envelope = _ENVELOPE[(flags >> 1) & 0b111]
    return shapely.from_wkb(blob[8 + envelope:])


def features(path: Path, table: str, columns: list[str]) -> Iterator[tuple[dict, BaseGeometry]]:
    """(attributes, geometry) for each row of a feature table that has a geometry."""
    if not table.isidentifier() or not all(c.isidentifier() for c in columns):
        raise ValueError("table and column names must be plain identifiers")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        cols = ", ".join(f'"{c}"' for c in columns)
        for row in con.execute(f'SELECT {cols}, geom FROM "{table}"'):
            geom = geometry(row[-1])
            if geom is not None:
                yield dict(zip(columns, row[:-1])), geom


def srs_id(path: Path, table: str) -> int:
    """The spatial reference of a table (4326: WGS 84 longitude/latitude)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return struct.unpack("<i", struct.pack("<i", con.execute(
            "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (table,)).fetchone()[0]))[0]
