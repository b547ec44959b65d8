"""Where things are: the repository, its curated data, the tests' seed dataset, and Chromium."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"  # the curated dataset (tests/unit/test_dataset.py checks all of it)
# a small fixed dataset (the seed article's records) for tests that count what filters leave
SEED = ROOT / "tests" / "fixtures" / "seed"
CHROMIUM = os.environ.get("FRONTIER_ATLAS_CHROMIUM", "/usr/bin/chromium")
# how the tests and the benchmarks start it: headless, quiet, nothing fetched of its own
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
