"""The real app in a real headless Chromium.
Every test in this folder is marked ``browser``."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # a conftest's collection hook sees the whole session's items: mark only this folder's
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
