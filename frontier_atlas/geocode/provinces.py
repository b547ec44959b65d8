"""Province names to their Natural Earth outlines, offline.

Reports name provinces ("Syunik Province", "East Azerbaijan", "the Nakhchivan
Autonomous Republic"). GeoNames towns answer those with a village of the same
name, or not at all; this gazetteer answers them with a point inside the
province's outline at region precision, and the outline itself to draw. The index
is ``static/basemap/provinces.json``, built by ``frontier_atlas.basemap.regions``
from Natural Earth 10m v4.1.0 (2018 data). Without that file it answers nothing,
like the country index without world-atlas.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise
from frontier_atlas.geocode.built_file import BuiltFile
from frontier_atlas.geocode.names import iso2, split_qualifier
from frontier_atlas.settings import BASEMAP_DIR, PROVINCES_DB

PROVINCES_PATH = BASEMAP_DIR / "provinces.json"
SOURCE = "Natural Earth 10m v4.1.0 (2018)"
# A bare name that is also a town of this many people in the same country is left to
# the town gazetteer: "Ardabil" in a report is the city more often than the province,
# while the villages named after Armenia's provinces (Syunik, 645 people) are not.
TOWN_MIN_POPULATION = 3_000


def _version(path: Path) -> tuple[str, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return str(path), st.st_mtime_ns, st.st_size


Named = list[tuple[int, dict]]  # (tier: 0 its own names, 1 other names; the province)


def _name_keys(entry: dict) -> Iterator[tuple[str, int]]:
    seen: set[str] = set()
    for tier, labels in ((0, entry.get("names") or [entry["name"]]), (1, entry.get("other_names") or [])):
        for label in labels:
            key = normalise(label)
            if key not in seen:
                seen.add(key)
                yield key, tier


class ProvinceIndex:
    """The provinces by normalised name and by id, read from ``provinces.json``."""

    def __init__(self, by_name: dict[str, Named], by_id: dict[str, dict]) -> None:
        self._by_name, self._by_id = by_name, by_id

    def __bool__(self) -> bool:
        return bool(self._by_id)

    def named(self, key: str) -> Named:
        return self._by_name.get(key, [])

    def entry(self, region_id: str) -> dict | None:
        """The province with its outline (``geometry``)."""
        return self._by_id.get(region_id)


class BuiltProvinceIndex(BuiltFile, ProvinceIndex):
    """The same lookups in the file built at set-up (``build_province_db``): a process reads
    the provinces it asks for, not 2.8 MB of outlines (0.2 s of every start)."""

    def __bool__(self) -> bool:
        return True

    def named(self, key: str) -> Named:
        rows = self._con().execute("SELECT n.tier, p.entry FROM names AS n JOIN provinces AS p ON p.id = n.id "
                                   "WHERE n.key = ? ORDER BY n.ord", (key,))
        return [(tier, json.loads(entry)) for tier, entry in rows]

    def entry(self, region_id: str) -> dict | None:
        row = self._con().execute("SELECT entry, geometry FROM provinces WHERE id = ?", (region_id,)).fetchone()
        return {**json.loads(row[0]), "geometry": json.loads(row[1])} if row else None


@lru_cache(maxsize=2)
def _load(key: tuple[str, int, int]) -> ProvinceIndex:
    data = json.loads(Path(key[0]).read_bytes())
    by_name: dict[str, Named] = {}
    by_id: dict[str, dict] = {}
    for entry in data.get("provinces", []):
        by_id[entry["id"]] = entry
        for name, tier in _name_keys(entry):
            by_name.setdefault(name, []).append((tier, entry))
    return ProvinceIndex(by_name, by_id)


def _built_digest(db: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("SELECT value FROM meta WHERE key = 'source_sha1'").fetchone()[0]
        finally:
            con.close()
    except (sqlite3.Error, TypeError):
        return None


@lru_cache(maxsize=2)
def _open(key: tuple[str, int, int], db: Path) -> ProvinceIndex:
    if key[0] == str(PROVINCES_PATH) and _built_digest(db) == _digest(key):
        return BuiltProvinceIndex(db)
    return _load(key)  # not built, or built from another file: read the file itself


def province_index(path: Path = PROVINCES_PATH) -> ProvinceIndex:
    """The provinces by name and id; empty without the file.

    Cached per file version (path, mtime, size): a rebuilt index is read again.
    """
    key = _version(path)
    if key is None:
        return ProvinceIndex({}, {})
    return _open(key, PROVINCES_DB)


def build_province_db(path: Path = PROVINCES_PATH, db: Path = PROVINCES_DB) -> int | None:
    """Write ``provinces.json`` as an indexed file beside the GeoNames index (atomically);
    returns the provinces written, or None without the file (no base map built)."""
    key = _version(path)
    if key is None:
        return None
    data = json.loads(path.read_bytes())
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f"{db.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                          "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                          "CREATE TABLE provinces (id TEXT PRIMARY KEY, entry TEXT, geometry TEXT);"
                          "CREATE TABLE names (key TEXT, tier INTEGER, id TEXT, ord INTEGER);")
        rows, names = [], []
        for ord_, entry in enumerate(data.get("provinces", [])):
            rest = {k: v for k, v in entry.items() if k != "geometry"}
            rows.append((entry["id"], json.dumps(rest, ensure_ascii=False), json.dumps(entry.get("geometry"))))
            names += [(name, tier, entry["id"], ord_) for name, tier in _name_keys(entry)]
        con.executemany("INSERT INTO provinces VALUES (?, ?, ?)", rows)
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
        con.execute("CREATE INDEX names_key ON names (key)")
        con.execute("INSERT INTO meta VALUES ('source_sha1', ?)", (_digest(key),))
        con.commit()
    finally:
        con.close()
    os.replace(tmp, db)
    _open.cache_clear()
    return len(rows)


def provinces_digest(path: Path = PROVINCES_PATH) -> str:
    """A fingerprint of the province index ("" without it), for the geocode cache version.
    The file's bytes, not its parse: a map page whose positions are cached never reads it."""
    key = _version(path)
    return _digest(key) if key is not None else ""


@lru_cache(maxsize=2)
def _digest(key: tuple[str, int, int]) -> str:
    return hashlib.sha1(Path(key[0]).read_bytes()).hexdigest()[:16]


def _names_a_town(norm: str, country: str | None, min_population: int) -> bool:
    from frontier_atlas.geocode.town_index import town_index

    return any(city["countrycode"] == country and city["population"] >= min_population
               for _, city in town_index().towns(norm))


def _position(entry: dict, confidence: float) -> Position:
    lon, lat = entry["point"]
    country = entry.get("admin") or entry.get("country")
    return Position(lat, lon, "region", "Natural Earth", entry["name"], entry.get("iso_a2") or iso2(entry["country"]),
                    f"province outline of {entry['name']} ({country}), {SOURCE}; "
                    "the point is inside the outline and stands for the whole province",
                    entry["id"], confidence)


class ProvinceGazetteer:
    """First-level provinces of every country, by their Natural Earth names and variants.

    A qualified name ("Ardabil Province", "Syunik Marz") always means the province. A
    bare name does too, unless ``defer_to_towns`` and GeoNames has a town of that name
    in the province's country with at least ``TOWN_MIN_POPULATION`` people (any town,
    for a district named after its seat town).
    """

    name = "Natural Earth"

    def __init__(self, path: Path = PROVINCES_PATH, defer_to_towns: bool = True):
        self.path = path
        self.defer_to_towns = defer_to_towns

    def geocode(self, query: str, country: str | None = None) -> list[Position]:
        """The province, then its namesakes of the same tier; nothing if none is in the hinted country."""
        index = province_index(self.path)
        if not index:
            return []
        norm = normalise(query)
        core, kind = split_qualifier(query)
        hits = index.named(norm)
        if not hits and kind == "region":
            hits = index.named(core)
        want = iso2(country)
        if want is not None:
            hits = [h for h in hits if (h[1].get("iso_a2") or iso2(h[1]["country"])) == want]
        if not hits:
            return []  # a province of that name elsewhere is a wrong answer, not an approximate one
        hits = sorted(hits, key=lambda h: (h[0], -h[1].get("area_km2", 0)))
        best_tier, best = hits[0]
        # a district named after its seat (Azerbaijan's rayons) yields to any town of the name
        min_population = 0 if best.get("kind") == "district" else TOWN_MIN_POPULATION
        if kind is None and self.defer_to_towns and _names_a_town(norm, best.get("iso_a2"), min_population):
            return []
        rivals = [e for tier, e in hits[1:] if tier == best_tier]
        pos = _position(best, 0.5 if rivals else 1.0)
        if not rivals:
            return [pos]
        others = [_position(e, 0.5) for e in rivals[:4]]
        return [replace(pos, candidates=tuple(others)), *others]


def province_outline(region_id: str, path: Path = PROVINCES_PATH) -> dict | None:
    """The GeoJSON Feature of a province id from the index (None if unknown), for drawing."""
    entry = province_index(path).entry(region_id)
    if entry is None:
        return None
    tolerance = entry.get("simplified_deg")
    note = (f"Outline of {entry['name']} ({entry.get('admin') or entry.get('country')}), a first-level unit in "
            f"Natural Earth 10m v4.1.0 states_provinces (2018 data)")
    if tolerance:
        note += f", simplified to about {tolerance * 111:.0f} km"
    note += "."
    if entry.get("note"):
        note += " " + entry["note"]
    return {
        "type": "Feature",
        "properties": {"region_id": region_id, "precision": "boundary", "precision_note": note,
                       "source": "Natural Earth 10m v4.1.0 (2018 data); public domain",
                       "area_km2": entry.get("area_km2")},
        "geometry": entry["geometry"],
    }
