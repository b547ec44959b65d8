"""A small event file and the import store of the test's user folder, for import tests."""

from __future__ import annotations

import os

from frontier_atlas.events import ImportStore

FEW = b"event_date,latitude,longitude,event_type,location\n2024-05-18,39.4,47.4,Protests,Aslanduz\n"


def user_import_store() -> ImportStore:
    """The store the app uses for ``FRONTIER_ATLAS_USER_DIR`` (set by the ``seed_env`` fixture)."""
    return ImportStore(os.path.join(os.environ["FRONTIER_ATLAS_USER_DIR"], "imports"))
