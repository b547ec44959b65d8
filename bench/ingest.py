"""Extraction from articles: speed on a 1,000-word text, and precision and recall of
places and dates on hand-labelled test reports written for this repository
(tests/fixtures/reports/labels.json, plus the seed article when ../shared is there).
Writes bench/results/ingest.md.

    .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from frontier_atlas.data.curated import load_dataset  # noqa: E402
from frontier_atlas.domain.text import normalise  # noqa: E402
from frontier_atlas.geocode.chain import GeocoderChain  # noqa: E402
from frontier_atlas.ingest.drafts import extract  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "reports"
SEED_ARTICLE = ROOT.parent / "shared" / "seed" / "aras-2025-article.txt"
SEED_LABELS = {
    "published": "2025-05-18",
    "places": ["Tehran", "Iran", "Azerbaijan", "Karabakh", "Bileh-Savar", "Ardabil Province", "Aslanduz",
               "Armenia", "Yerevan"],
    "dates": ["2025-05-18", "2025-05-21", "2024-11-01", "2024-11-24", "2025-03-01", "2020-01-01", "1990-01-01"],
}


def score(found: set[str], wanted: set[str]) -> tuple[int, int, int]:
    return len(found & wanted), len(found), len(wanted)


def main() -> None:
    geocoder = GeocoderChain(load_dataset(ROOT / "data").places)
    labels = json.loads((FIXTURES / "labels.json").read_text(encoding="utf-8"))
    cases = [(name, (FIXTURES / name).read_text(encoding="utf-8"), lab) for name, lab in labels.items()
             if not name.startswith("_")]
    if SEED_ARTICLE.exists():
        cases.append(("seed article (Tehran Times)", SEED_ARTICLE.read_text(encoding="utf-8"), SEED_LABELS))

    t0 = time.perf_counter()
    extract(cases[0][1], date.fromisoformat(cases[0][2]["published"]), geocoder)
    cold = time.perf_counter() - t0

    rows, totals = [], {"places": [0, 0, 0], "dates": [0, 0, 0]}
    for name, text, lab in cases:
        result = extract(text, date.fromisoformat(lab["published"]), geocoder)
        places = score({normalise(p.name) for p in result.places}, {normalise(p) for p in lab["places"]})
        # days the text names: starts, and the ends of ranges it spells out (not ends we derive)
        named = {f.start.isoformat() for f in result.dates}
        named |= {f.end.isoformat() for f in result.dates if f.end and f.rule.startswith("range")}
        dates = score(named, set(lab["dates"]))
        for key, s in (("places", places), ("dates", dates)):
            totals[key] = [a + b for a, b in zip(totals[key], s)]
        rows.append((name, places, dates))

    words = " ".join(text for _, text, _ in cases).split()
    long_text = " ".join((words * (1000 // len(words) + 1))[:1000])
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        extract(long_text, date(2025, 5, 18), geocoder)
        times.append(time.perf_counter() - t0)

    def pr(s):
        hit, found, wanted = s
        return f"{hit / found:.0%} ({hit}/{found})" if found else "-", f"{hit / wanted:.0%} ({hit}/{wanted})"

    lines = ["| report | places precision | places recall | dates precision | dates recall |", "|---|---|---|---|---|"]
    for name, places, dates in rows:
        lines.append(f"| {name} | {' | '.join(pr(places))} | {' | '.join(pr(dates))} |")
    lines.append(f"| **all** | {' | '.join(pr(totals['places']))} | {' | '.join(pr(totals['dates']))} |")
    table = "\n".join(lines)
    timing = (f"| measure | value |\n|---|---|\n| extraction, 1,000-word article, median of 5 | "
              f"{statistics.median(times) * 1000:.0f} ms |\n| first extraction in a process (builds the GeoNames "
              f"index) | {cold:.1f} s |")
    out = ROOT / "bench" / "results" / "ingest.md"
    out.write_text("# Article extraction benchmark\n\nTest reports written for this repository, labelled by "
                   "hand (how: `tests/fixtures/reports/labels.json`, key `_how`). A date counts once per "
                   "distinct day named; a range counts its first and last day; an end we derive (from a "
                   "duration) is not counted.\n\n" + table + "\n\n" + timing + "\n", encoding="utf-8")
    print(table)
    print(timing)


if __name__ == "__main__":
    main()
