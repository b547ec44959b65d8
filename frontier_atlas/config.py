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


def online_geocoder() -> str | None:
    """``FRONTIER_ATLAS_GEOCODER_ONLINE=nominatim`` turns Nominatim on; off by default."""
    value = os.environ.get("FRONTIER_ATLAS_GEOCODER_ONLINE", "").strip().lower()
    return value or None


def nominatim_settings() -> dict:
    """Where and how to ask Nominatim (geopy's public default unless set)."""
    return {
        "domain": os.environ.get("FRONTIER_ATLAS_NOMINATIM_DOMAIN") or None,
        "scheme": os.environ.get("FRONTIER_ATLAS_NOMINATIM_SCHEME") or None,
        "user_agent": os.environ.get(
            "FRONTIER_ATLAS_USER_AGENT",
            "frontier-atlas/0.1 (self-hosted; set FRONTIER_ATLAS_USER_AGENT to identify your deployment)",
        ),
        "timeout": float(os.environ.get("FRONTIER_ATLAS_GEOCODE_TIMEOUT", "5")),
    }


def geocode_cache_path() -> Path:
    return Path(os.environ.get("FRONTIER_ATLAS_GEOCODE_CACHE", user_dir() / "geocode-cache.sqlite3"))


def overrides_path() -> Path:
    """Pinned places (the Places page writes here): ``data/place_overrides.csv`` by default."""
    return Path(os.environ.get("FRONTIER_ATLAS_OVERRIDES", data_dir() / "place_overrides.csv"))


def user_records_path() -> Path:
    """SQLite file of records users added from articles (never the curated files)."""
    return Path(os.environ.get("FRONTIER_ATLAS_USER_RECORDS", user_dir() / "user-records.sqlite3"))


def imports_dir() -> Path:
    """Folder of imported event sets (``FRONTIER_ATLAS_IMPORTS``, default ``<user dir>/imports``)."""
    return Path(os.environ.get("FRONTIER_ATLAS_IMPORTS", user_dir() / "imports"))


def base_layer() -> str:
    """``FRONTIER_ATLAS_BASE_LAYER``: ``offline`` (the full offline map, default) or
    ``outlines`` (country outlines only: lighter, for slow machines)."""
    value = os.environ.get("FRONTIER_ATLAS_BASE_LAYER", "offline").strip().lower()
    return value if value in ("offline", "outlines") else "offline"
