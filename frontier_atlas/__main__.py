"""Command line: ``python -m frontier_atlas assets|validate``."""

from __future__ import annotations

import argparse
import sys

from frontier_atlas import config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m frontier_atlas")
    sub = parser.add_subparsers(dest="command", required=True)
    assets = sub.add_parser("assets", help="install the pinned front-end files into static/vendor")
    assets.add_argument("--force", action="store_true", help="reinstall even if present")
    sub.add_parser("validate", help="load the curated data and list every problem found")
    args = parser.parse_args(argv)

    if args.command == "assets":
        from frontier_atlas.assets import install_assets

        done = install_assets(force=args.force)
        print("front-end assets: " + (", ".join(done) if done else "already installed"))
        return 0

    from frontier_atlas.geocode import OfflineGeocoder
    from frontier_atlas.loader import load_dataset
    from frontier_atlas.positions import locate_all

    ds = load_dataset(config.data_dir())
    located = locate_all(ds, OfflineGeocoder(ds.places))
    for issue in ds.issues:
        print(f"ERROR {issue}")
    unresolved = [(rid, loc.unresolved) for rid, loc in located.items() if loc.unresolved]
    for rid, names in unresolved:
        print(f"WARNING {rid}: place name(s) not resolved: {'; '.join(names)}")
    print(f"{len(ds.records)} records, {len(ds.sources)} sources, {len(ds.issues)} problem(s), "
          f"{len(unresolved)} record(s) with unresolved places")
    return 1 if ds.issues else 0


if __name__ == "__main__":
    sys.exit(main())
