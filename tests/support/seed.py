"""The seed report's text, for the seed acceptance tests.

The seed report is a third-party article, so it is not in the repository: .ci/run points
``FRONTIER_ATLAS_SEED_ARTICLE`` at the copy CI lays in the shared folder beside the clone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ARTICLE_ENV = "FRONTIER_ATLAS_SEED_ARTICLE"


def seed_article() -> str:
    """The seed report's text; skips the calling test, saying why, when it is not given."""
    path = os.environ.get(ARTICLE_ENV)
    if not path:
        pytest.skip(f"{ARTICLE_ENV} is not set: the seed acceptance test needs the seed article's path")
    if not Path(path).is_file():
        pytest.fail(f"{ARTICLE_ENV}={path}: no such file")
    return Path(path).read_text(encoding="utf-8")
