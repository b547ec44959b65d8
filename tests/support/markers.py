"""Marking a folder's tests with its kind, from that folder's conftest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def mark_folder(conftest_file: str, marker: str) -> Callable[[list[pytest.Item]], None]:
    """A ``pytest_collection_modifyitems`` hook marking the tests under ``conftest_file``'s folder.

    A conftest's collection hook sees the whole session's items, so it marks only its own.
    """
    here = Path(conftest_file).resolve().parent
    mark = getattr(pytest.mark, marker)

    def hook(items: list[pytest.Item]) -> None:
        for item in items:
            if here in item.path.parents:
                item.add_marker(mark)

    return hook
