"""Extraction from real reports: places, countries, dates and drafts scored against the
labels in bench/labels/reports.json (format and scoring rules: bench/labels/README.md),
plus the speed of a 1,000-word report. Writes bench/results/ingest.md.

The report texts are not in the repository and nothing is fetched: give the folder that
holds them as ``<key>.txt``.

    .venv/bin/python bench/ingest.py --texts FOLDER [--out bench/results/ingest.md]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geopy.distance import great_circle  # noqa: E402

from frontier_atlas.data.curated import load_dataset  # noqa: E402
from frontier_atlas.domain.text import normalise  # noqa: E402
from frontier_atlas.geocode.chain import GeocoderChain  # noqa: E402
from frontier_atlas.ingest.drafts import Extraction, extract  # noqa: E402

LABELS = ROOT / "bench" / "labels" / "reports.json"
NEAR_KM = 30.0
# the label kinds, grouped as the table reads them
CLASSES = {"country": "countries (as places)", "province": "provinces, districts", "district": "provinces, districts",
           "town": "towns, villages, crossings", "village": "towns, villages, crossings",
           "crossing": "towns, villages, crossings", "region": "rivers, seas, corridors, borders, regions",
           "river": "rivers, seas, corridors, borders, regions", "sea": "rivers, seas, corridors, borders, regions",
           "lake": "rivers, seas, corridors, borders, regions",
           "corridor": "rivers, seas, corridors, borders, regions",
           "border": "rivers, seas, corridors, borders, regions",
           "mountain": "rivers, seas, corridors, borders, regions"}
# our draft kinds for a labelled one
DRAFT_KINDS = {"exercise": {"exercise"}, "crossing": {"crossing"}, "incident": {"event"}, "agreement": {"event"},
               "event": {"event"}, "region": {"region"}}


@dataclass
class Tally:
    hit: int = 0
    found: int = 0
    wanted: int = 0

    def add(self, other: "Tally") -> None:
        self.hit, self.found, self.wanted = self.hit + other.hit, self.found + other.found, self.wanted + other.wanted

    def precision(self, right: int | None = None) -> str:
        hit = self.hit if right is None else right
        return f"{hit / self.found:.0%} ({hit}/{self.found})" if self.found else "-"

    def recall(self) -> str:
        return f"{self.hit / self.wanted:.0%} ({self.hit}/{self.wanted})" if self.wanted else "-"


@dataclass
class Scored:
    places: Tally = field(default_factory=Tally)  # hit: labels found; found: places returned
    right: int = 0  # places returned that match a label
    by_class: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    countries: Tally = field(default_factory=Tally)
    dates: Tally = field(default_factory=Tally)
    drafts_usable: bool = False
    drafts_wanted: int = 0
    misses: list[str] = field(default_factory=list)  # what a reader of the results wants to see


def label_names(place: dict) -> set[str]:
    return {normalise(n) for n in [place["name"], *place.get("also", [])]}


def score_places(result: Extraction, labels: list[dict], out: Scored) -> None:
    by_name = {n: lab for lab in labels for n in label_names(lab)}
    got: set[str] = set()  # label names found right
    seen: set[str] = set()
    for p in result.places:
        key = normalise(p.name)
        if key in seen:
            continue
        seen.add(key)
        lab = by_name.get(key)
        if lab is not None and lab.get("role") == "metonym":
            continue  # neither way: a government named by its capital
        if getattr(p, "role", None) == "metonym":
            continue  # we did not offer it as a place
        if lab is None:
            out.places.found += 1
            out.misses.append(f"extra place {p.name!r}")
            continue
        if "lat" in lab and p.position is not None and p.position.precision not in ("country", "region") \
                and great_circle((lab["lat"], lab["lon"]), (p.position.lat, p.position.lon)).km > NEAR_KM:
            out.places.found += 1
            out.misses.append(f"{p.name!r} at {p.position.lat:.2f},{p.position.lon:.2f}, not {lab['lat']},{lab['lon']}")
            continue
        out.places.found += 1
        out.right += 1
        got.add(lab["name"])
    for lab in labels:
        if lab.get("role") == "metonym":
            continue
        cls = CLASSES.get(lab["kind"], "rivers, seas, corridors, borders, regions")
        t = out.by_class[cls]
        t.wanted += 1
        out.places.wanted += 1
        if lab["name"] in got:
            t.hit += 1
            out.places.hit += 1
        else:
            out.misses.append(f"missed {lab['kind']} {lab['name']!r}")


def found_dates(result: Extraction) -> set[str]:
    named = {f.start.isoformat() for f in result.dates}
    named |= {f.end.isoformat() for f in result.dates if f.end and f.rule.startswith("range")}
    return named


GENERIC = {"bridge", "crossing", "border", "checkpoint", "railway", "rail", "road", "point", "terminal", "gate",
           "exercise", "exercises", "drill", "drills", "the"}


# a draft's place keeps the lowercase word its geocoder query needs ("Lachin district"); the labels leave it out
PLACE_GENERIC = {"district", "province", "region", "municipality", "city", "town", "village"}


def draft_place(name: str) -> str:
    """A draft's place folded as the labels write it: "Lachin district" is "Lachin"."""
    return " ".join(w for w in normalise(name).split() if w not in PLACE_GENERIC)


def draft_name(name: str) -> str:
    """A draft's name folded, without the generic words a name may or may not carry ("Hakari bridge")."""
    return " ".join(w for w in normalise(name).split() if w not in GENERIC)


def score_drafts(result: Extraction, labels: list[dict], out: Scored) -> None:
    out.drafts_wanted = len(labels)
    usable = 0
    for lab in labels:
        for d in result.drafts:
            if d.kind not in DRAFT_KINDS.get(lab["kind"], {lab["kind"]}):
                continue
            if lab.get("name") and draft_name(d.name) != draft_name(lab["name"]):
                continue
            # a crossing's day is the day it was used or changed (its status date)
            start, end = d.fields.get("start") or d.fields.get("status_date"), d.fields.get("end")
            if (start.isoformat() if start else None) != lab.get("start"):
                continue
            if lab.get("end") and (end.isoformat() if end else None) != lab["end"]:
                continue
            parts = set(d.fields.get("participants") or [])
            for key in ("country_a", "country_b"):
                if d.fields.get(key):
                    parts.add(d.fields[key])
            if parts != set(lab.get("participants") or []):
                continue
            wanted = {draft_place(n) for n in lab.get("places") or []}
            mine = {draft_place(n) for n in d.fields.get("places") or []} | {draft_place(d.fields.get("name_a") or "")}
            if wanted and not (wanted & mine):
                continue
            usable += 1
            break
        else:
            out.misses.append(f"no usable {lab['kind']} draft {lab.get('name')!r}")
    out.drafts_usable = usable == len(labels)


def score(result: Extraction, lab: dict) -> Scored:
    out = Scored()
    score_places(result, lab.get("places", []), out)
    codes = {c.code for c in result.countries}
    want = set(lab.get("countries", []))
    out.countries = Tally(len(codes & want), len(codes), len(want))
    out.misses += [f"country {c} missed" for c in sorted(want - codes)]
    out.misses += [f"country {c} extra" for c in sorted(codes - want)]
    named = found_dates(result)
    wanted = {d["iso"] for d in lab.get("dates", [])} | {d["end"] for d in lab.get("dates", []) if d.get("end")}
    out.dates = Tally(len(named & wanted), len(named), len(wanted))
    out.misses += [f"date {d} missed" for d in sorted(wanted - named)]
    out.misses += [f"date {d} extra" for d in sorted(named - wanted)]
    score_drafts(result, lab.get("drafts", []), out)
    return out


def first_call_seconds() -> float:
    """One extraction in a fresh process, with the gazetteers as ``make`` leaves them: what
    the first reader of a new app process waits."""
    code = ("import time, sys; from datetime import date; from pathlib import Path; "
            "t = time.perf_counter(); "
            "from frontier_atlas.data.curated import load_dataset; "
            "from frontier_atlas.geocode.chain import GeocoderChain; "
            "from frontier_atlas.ingest.drafts import extract; "
            "extract('TEHRAN - Troops crossed at Astara into Azerbaijan on May 18.', date(2025, 5, 20), "
            "GeocoderChain(load_dataset(Path('data')).places)); print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", required=True, type=Path, help="folder of <key>.txt report texts")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.md")
    parser.add_argument("--misses", action="store_true", help="print what each report missed")
    args = parser.parse_args()

    geocoder = GeocoderChain(load_dataset(ROOT / "data").places)
    labels = {k: v for k, v in json.loads(args.labels.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    cases, missing = [], []
    for key, lab in labels.items():
        path = args.texts / f"{key}.txt"
        if path.exists():
            cases.append((key, path.read_text(encoding="utf-8"), lab))
        else:
            missing.append(key)

    total = Scored()
    rows, usable, with_drafts = [], 0, 0
    for key, text, lab in cases:
        s = score(extract(text, date.fromisoformat(lab["published"]), geocoder), lab)
        for name in ("places", "countries", "dates"):
            getattr(total, name).add(getattr(s, name))
        total.right += s.right
        for cls, t in s.by_class.items():
            total.by_class[cls].add(t)
        if s.drafts_wanted:
            with_drafts += 1
            usable += s.drafts_usable
        rows.append((key, lab, s))
        if args.misses and s.misses:
            print(f"## {key}\n  " + "\n  ".join(s.misses))

    words = " ".join(text for _, text, _ in cases).split()
    long_text = " ".join((words * (1000 // max(1, len(words)) + 1))[:1000])
    extract(long_text, date(2025, 5, 18), geocoder)
    times = []
    for _ in range(5):
        geocoder.forget()  # names looked up afresh: the text repeats them
        t0 = time.perf_counter()
        extract(long_text, date(2025, 5, 18), geocoder)
        times.append(time.perf_counter() - t0)
    first = first_call_seconds()

    publishers = {lab["publisher"] for _, lab, _ in rows}
    years = sorted({lab["published"][:4] for _, lab, _ in rows})
    head = ["| report | publisher | date | places P | places R | countries R | dates R | drafts |",
            "|---|---|---|---|---|---|---|---|"]
    for key, lab, s in rows:
        drafts = ("usable" if s.drafts_usable else "not usable") if s.drafts_wanted else "-"
        head.append(f"| {key} | {lab['publisher']} | {lab['published']} | {s.places.precision(s.right)} | "
                    f"{s.places.recall()} | {s.countries.recall()} | {s.dates.recall()} | {drafts} |")
    summary = ["| measure | result | target |", "|---|---|---|",
               f"| place precision | {total.places.precision(total.right)} | ≥ 97 % |",
               f"| place recall | {total.places.recall()} | ≥ 90 % |"]
    for cls in sorted(total.by_class):
        summary.append(f"| place recall, {cls} | {total.by_class[cls].recall()} | |")
    summary += [f"| countries, recall | {total.countries.recall()} | ≥ 95 % |",
                f"| countries, precision | {total.countries.precision()} | |",
                f"| dates exact, recall | {total.dates.recall()} | ≥ 90 % |",
                f"| dates, precision | {total.dates.precision()} | |",
                f"| usable drafts | {usable} of {with_drafts} reports "
                f"({usable / max(1, with_drafts):.0%}) | ≥ 8 of 10 |",
                f"| extraction, 1,000-word report, median of 5 after the first | "
                f"{statistics.median(times) * 1000:.0f} ms | ≤ 50 ms |",
                f"| first extraction in a new process (imports and gazetteers included) | {first:.2f} s | |"]
    text = ("# Article extraction benchmark\n\n"
            f"{len(rows)} real reports from {len(publishers)} publishers, {years[0]}–{years[-1]} "
            f"(labels and addresses: `bench/labels/reports.json`; format and scoring: "
            f"`bench/labels/README.md`). Texts not found in the folder given: {len(missing)}. The reader's "
            "rules were improved against this set, so these figures are in-sample; a held-out set is likely "
            "to score lower. "
            "Date libraries weighed against our rules: `ingest-dates-libraries.md`.\n\n"
            + "\n".join(summary) + "\n\n" + "\n".join(head) + "\n")
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
