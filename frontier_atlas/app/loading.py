"""Loading, cached for the process: the curated data, the user's records, the geocoder,
where every record goes, and imported event sets. Every page gets them from here."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.data.engine import is_database_url, open_database
from frontier_atlas.data.userstore import UserStore, merge_into
from frontier_atlas.domain.filters import records_frame
from frontier_atlas.domain.position import Located
from frontier_atlas.domain.records import Dataset
from frontier_atlas.events import EventSet, ImportStore, PostgisImportStore, SetInfo, open_import_store
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.places.locate import locate_all
from frontier_atlas.present.escaping import md_text
from frontier_atlas.settings import Settings, settings

RETRY_SECONDS = 5  # between tries while the user store's database cannot be reached
_STORE_NOTICES: dict[str, str] = {}  # user store -> what this process told about setting it aside


@dataclass(frozen=True)
class Atlas:
    ds: Dataset
    located: dict[str, Located]
    frame: pd.DataFrame
    geocoder: GeocoderChain  # the one geocoder of the process: its cache and Nominatim's rate limit are shared
    settings: Settings
    notices: tuple[str, ...] = ()  # e.g. a damaged user store that was moved aside

    @property
    def outlines_only(self) -> bool:
        """Whether maps open on the light country outlines instead of the offline map."""
        return self.settings.base_layer == "outlines"


def _data_signature(folder: Path) -> tuple:
    # Reload when a curated file changes, not on every rerun.
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                        for p in folder.glob("*") if p.is_file()))


@st.cache_resource(show_spinner="Loading data…")
def _load(config: Settings, signature: tuple) -> Atlas:
    ds = load_dataset(config.data_dir, config.overrides_path)
    store = UserStore(config.user_store)
    merge_into(ds, store)
    geocoder = build_geocoder(ds.places, ds.overrides)
    located = locate_all(ds, geocoder)
    if store.notice:
        _STORE_NOTICES[str(config.user_store)] = store.notice
    # the load after the one that set a damaged store aside (the warm-up's, then the first
    # page run's, once the new store exists) still tells the user
    notice = _STORE_NOTICES.get(str(config.user_store))
    notices = (notice,) if notice else ()
    gc.freeze()  # the loaded data lives for the process: keep it out of every later collection
    return Atlas(ds, located, records_frame(ds, located), geocoder, config, notices)


def load_atlas() -> Atlas:
    """The loaded data, reloaded when a curated file, a pin or the user's records change."""
    config = settings()
    overrides = config.overrides_path
    try:
        if not is_database_url(config.user_store) and not Path(config.user_store).exists():
            UserStore(config.user_store)  # made before its revision is read: the load below is not made twice
        signature = (_data_signature(config.data_dir), overrides.stat().st_mtime_ns if overrides.exists() else 0,
                     open_database(config.user_store, checked=False).revision())
        return _load(config, signature)
    except StoreUnavailable as exc:  # a database server down: say so, and try again by itself
        _wait_for_store(exc)
        raise  # not reached: the wait ends in a rerun


def _wait_for_store(exc: StoreUnavailable) -> None:
    st.error(f"This page cannot be shown yet: {md_text(str(exc))}. "
             f"Nothing was changed. The page tries again every {RETRY_SECONDS} seconds.")
    time.sleep(RETRY_SECONDS)
    st.rerun()


def reload_atlas() -> None:
    """Forget the loaded data, e.g. after a place was pinned."""
    _load.clear()


def user_store() -> UserStore:
    """The store of what users write: records, pins, verified marks, roles and the audit log."""
    try:
        return UserStore(settings().user_store)
    except StoreUnavailable as exc:
        _wait_for_store(exc)
        raise


def import_store() -> ImportStore | PostgisImportStore:
    """Where imported sets are: the shared database when one is set, else the Parquet folder."""
    try:
        return open_import_store(settings().imports_location)
    except StoreUnavailable as exc:
        _wait_for_store(exc)
        raise


@st.cache_resource(show_spinner="Opening imported events…", max_entries=8)
def _open_set(location: str, set_id: str, version: float) -> EventSet:
    # read-only once opened: every session shares one copy of a set's columns (a database
    # set is only its description: its events stay in the database)
    return open_import_store(location).open(set_id)


def open_event_set(info: SetInfo) -> EventSet | None:
    """The set, or None when another session deleted it since the list was read."""
    store = import_store()
    try:
        return _open_set(str(store.location), info.id, store.cache_key(info))
    except (FileNotFoundError, KeyError):  # its folder, or its row, is gone
        return None
