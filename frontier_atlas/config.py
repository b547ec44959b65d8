"""Configuration: every setting the app reads, from environment variables, in one place.

The README's configuration table lists the same names; Streamlit's own settings
live in ``.streamlit/config.toml``.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
# Streamlit serves ./static at /app/static when enableStaticServing is on.
STATIC_URL = "/app/static"


def data_dir() -> Path:
    """Folder of curated data (``FRONTIER_ATLAS_DATA``, default ``data/``)."""
    return Path(os.environ.get("FRONTIER_ATLAS_DATA", ROOT / "data"))


def user_dir() -> Path:
    """Folder for caches and user data (``FRONTIER_ATLAS_USER_DIR``)."""
    default = platformdirs.user_data_dir("frontier-atlas", appauthor=False)
    return Path(os.environ.get("FRONTIER_ATLAS_USER_DIR", default))
