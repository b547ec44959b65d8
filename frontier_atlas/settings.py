"""Configuration: one settings object, read from the environment, each setting with its help.

``settings()`` is what the app, the pages and the commands read; it is built once per
set of environment values (a test that changes a variable gets a new one). The README's
configuration table lists the same variables, and ``tests/test_settings.py`` checks that
the two agree. Streamlit's own settings live in ``.streamlit/config.toml``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
# Front-end packages and data files installed by ``python -m frontier_atlas assets``.
VENDOR_DIR = STATIC_DIR / "vendor"
BASEMAP_DIR = STATIC_DIR / "basemap"  # built by `make basemap`, not committed
# the GeoNames towns as a name index on disk, built at set-up (`make gazetteer`), not committed
GAZETTEER_PATH = ROOT / "build" / "geonames-towns.sqlite3"
# the country names' positions, computed from the world-atlas outlines at set-up (`make gazetteer`)
COUNTRY_INDEX_PATH = ROOT / "build" / "country-index.json"
# the base map's province index (names, points, outlines) as an indexed file, built at set-up
PROVINCES_DB = ROOT / "build" / "provinces.sqlite3"
# Streamlit serves ./static at /app/static when enableStaticServing is on.
STATIC_URL = "/app/static"
PREFIX = "FRONTIER_ATLAS_"
DEFAULT_USER_AGENT = "frontier-atlas/0.1 (self-hosted; set FRONTIER_ATLAS_USER_AGENT to identify your deployment)"


def _path(value: str, default: Path) -> Path:
    """A path setting: the variable's value when given, else the default."""
    return Path(value) if value else default


def _setting(env: str, help: str, default: str = "") -> object:
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Settings:
    """Every variable the app reads, raw as given; the properties below interpret them."""

    data: str = _setting("FRONTIER_ATLAS_DATA", "folder of curated data files (default: data/)")
    user: str = _setting("FRONTIER_ATLAS_USER_DIR", "caches and user data (default: the platform's user "
                         "data folder, ~/.local/share/frontier-atlas)")
    geocode_cache: str = _setting("FRONTIER_ATLAS_GEOCODE_CACHE", "persistent geocoding cache")
    user_records: str = _setting(
        "FRONTIER_ATLAS_USER_RECORDS",
        "what users write: records added from articles, pinned places, verified marks, roles and the audit log")
    database_url: str = _setting(
        "FRONTIER_ATLAS_DATABASE_URL", "postgresql://user:password@host:port/database: keep the user store in "
        "this PostgreSQL database, shared by every app process (default: the SQLite file above)")
    imports: str = _setting("FRONTIER_ATLAS_IMPORTS", "imported event sets (Parquet; in the database when "
                            "FRONTIER_ATLAS_DATABASE_URL is set)")
    overrides: str = _setting(
        "FRONTIER_ATLAS_OVERRIDES",
        "hand-kept place overrides, curated and read-only (pins made on the Places page go to the user store)")
    geocoder_online: str = _setting("FRONTIER_ATLAS_GEOCODER_ONLINE", "'nominatim' turns Nominatim on")
    user_agent: str = _setting("FRONTIER_ATLAS_USER_AGENT", "User-Agent sent to Nominatim", DEFAULT_USER_AGENT)
    nominatim_domain: str = _setting("FRONTIER_ATLAS_NOMINATIM_DOMAIN", "a self-hosted Nominatim's host")
    nominatim_scheme: str = _setting("FRONTIER_ATLAS_NOMINATIM_SCHEME", "http or https for it")
    geocode_timeout: str = _setting("FRONTIER_ATLAS_GEOCODE_TIMEOUT", "seconds before an online lookup fails",
                                    "5")
    base: str = _setting("FRONTIER_ATLAS_BASE_LAYER", "the map's starting base layer: offline or outlines",
                         "offline")
    job_seconds: str = _setting("FRONTIER_ATLAS_JOB_SECONDS", "time limit on one background job (a long "
                                "article's extraction, an import), in seconds", "600")
    job_memory: str = _setting("FRONTIER_ATLAS_JOB_MEMORY_MB", "memory one background job may add, in MB",
                               "2048")
    mode: str = _setting("FRONTIER_ATLAS_MODE", "single-user (a laptop app, no sign-in) or team (sign-in through "
                         "the OpenID Connect provider in .streamlit/secrets.toml, and roles)", "single-user")
    roles_claim: str = _setting("FRONTIER_ATLAS_ROLES_CLAIM", "team mode: the ID-token claim that lists a "
                                "user's roles (viewer, editor, reviewer, admin)", "roles")
    admins: str = _setting("FRONTIER_ATLAS_ADMINS", "team mode: e-mails (or subjects), separated by commas, "
                           "that are admins whatever the claim or the roles table says: the first admin")
    session: str = _setting("FRONTIER_ATLAS_SESSION_HOURS", "team mode: hours a sign-in counts, from the "
                            "provider's issue time; after that the user signs in again", "12")
    basemap_sources: str = _setting("FRONTIER_ATLAS_BASEMAP_SOURCES", "where `make basemap` keeps the "
                                    "unpacked packages it builds from")

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(**{f.name: env.get(f.metadata["env"], f.default) for f in fields(cls)})

    @property
    def data_dir(self) -> Path:
        return _path(self.data, ROOT / "data")

    @property
    def user_dir(self) -> Path:
        return _path(self.user, Path(platformdirs.user_data_dir("frontier-atlas", appauthor=False)))

    @property
    def geocode_cache_path(self) -> Path:
        return _path(self.geocode_cache, self.user_dir / "geocode-cache.sqlite3")

    @property
    def overrides_path(self) -> Path:
        """Pinned places: ``data/place_overrides.csv`` by default."""
        return _path(self.overrides, self.data_dir / "place_overrides.csv")

    @property
    def user_records_path(self) -> Path:
        """SQLite file of records users added from articles (never the curated files)."""
        return _path(self.user_records, self.user_dir / "user-records.sqlite3")

    @property
    def user_store(self) -> Path | str:
        """Where the user store is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url.strip() or self.user_records_path

    @property
    def imports_location(self) -> Path | str:
        """Where imported sets are: the PostgreSQL database when one is set, else the Parquet folder."""
        return self.database_url.strip() or self.imports_dir

    @property
    def imports_dir(self) -> Path:
        return _path(self.imports, self.user_dir / "imports")

    @property
    def basemap_sources_dir(self) -> Path:
        return _path(self.basemap_sources,
                     Path(platformdirs.user_cache_dir("frontier-atlas", appauthor=False)) / "basemap-sources")

    @property
    def online_geocoder(self) -> str | None:
        """Off unless set: nothing leaves the machine unless the user turned it on."""
        return self.geocoder_online.strip().lower() or None

    @property
    def nominatim(self) -> dict:
        """Where and how to ask Nominatim (geopy's public default unless set)."""
        return {"domain": self.nominatim_domain or None, "scheme": self.nominatim_scheme or None,
                "user_agent": self.user_agent, "timeout": float(self.geocode_timeout)}

    @property
    def job_limits(self) -> tuple[float, int]:
        """(seconds, MB) for one background job; a value that is not a positive number is the default."""
        def positive(raw: str, default: float) -> float:
            try:
                value = float(raw)
            except ValueError:
                return default
            return value if math.isfinite(value) and value > 0 else default
        return positive(self.job_seconds, 600.0), int(positive(self.job_memory, 2048.0))

    @property
    def team(self) -> bool:
        """Team mode unless the mode says single-user: a misspelt mode must not open every write."""
        return self.mode.strip().lower() not in ("", "single-user")

    @property
    def mode_problem(self) -> str | None:
        """Why the mode setting is not one of the two, or None."""
        if self.mode.strip().lower() in ("", "single-user", "team"):
            return None
        return f"FRONTIER_ATLAS_MODE is {self.mode!r}, which is neither single-user nor team"

    @property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.admins.split(",") if a.strip())

    def rows(self) -> list[dict[str, str]]:
        """Each setting as an admin reads it on the Admin page: variable, value as given, help."""
        return [{"variable": f.metadata["env"], "value": getattr(self, f.name) or "(default)",
                 "meaning": f.metadata["help"]} for f in fields(self)]

    @property
    def session_hours(self) -> float:
        """A value that is not a positive number is the default, 12: never "forever"."""
        try:
            value = float(self.session)
        except ValueError:
            return 12.0
        return value if math.isfinite(value) and value > 0 else 12.0

    @property
    def base_layer(self) -> str:
        """``offline`` (the full offline map) or ``outlines`` (country outlines only, lighter)."""
        value = self.base.strip().lower()
        return value if value in ("offline", "outlines") else "offline"


@lru_cache(maxsize=8)
def _settings(values: tuple[tuple[str, str], ...]) -> Settings:
    return Settings.from_environment(dict(values))


def settings() -> Settings:
    """The settings for the environment as it is now (built once per set of values)."""
    return _settings(tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(PREFIX))))


def environment_variables() -> dict[str, str]:
    """Each setting's variable and its help: what the README's table must list."""
    return {f.metadata["env"]: f.metadata["help"] for f in fields(Settings)}
