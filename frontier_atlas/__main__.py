"""Command line: ``python -m frontier_atlas assets|validate|geocode``."""

from __future__ import annotations

import argparse
import sys

from frontier_atlas import config


def _assets(args) -> int:
    from frontier_atlas.assets import install_assets

    done = install_assets(force=args.force)
    print("front-end assets: " + (", ".join(done) if done else "already installed"))
    return 0


def _validate(args) -> int:
    from frontier_atlas.geocode import GeocoderChain
    from frontier_atlas.loader import load_dataset
    from frontier_atlas.positions import locate_all

    ds = load_dataset(config.data_dir(), config.overrides_path())
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    for issue in ds.issues:
        print(f"ERROR {issue}")
    unresolved = [(rid, loc.unresolved) for rid, loc in located.items() if loc.unresolved]
    for rid, names in unresolved:
        print(f"WARNING {rid}: place name(s) not resolved: {'; '.join(names)}")
    print(f"{len(ds.records)} records, {len(ds.sources)} sources, {len(ds.issues)} problem(s), "
          f"{len(unresolved)} record(s) with unresolved places")
    return 1 if ds.issues else 0


def _geocode(args) -> int:
    from tqdm import tqdm

    from frontier_atlas.geocode.factory import build_geocoder
    from frontier_atlas.loader import load_dataset
    from frontier_atlas.places import place_queries

    ds = load_dataset(config.data_dir(), config.overrides_path())
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m frontier_atlas")
    sub = parser.add_subparsers(dest="command", required=True)
    assets = sub.add_parser("assets", help="install the pinned front-end files into static/vendor")
    assets.add_argument("--force", action="store_true", help="reinstall even if present")
    assets.set_defaults(run=_assets)
    sub.add_parser("validate", help="load the curated data and list every problem found").set_defaults(
        run=_validate)
    geo = sub.add_parser("geocode", help="resolve every place name in the data into the cache")
    geo.add_argument("--online", action="store_true",
                     help="also ask Nominatim for names the offline gazetteers do not know")
    geo.set_defaults(run=_geocode)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
