"""Streamlit glue shared by the pages: cached loading and the details panel.

Everything that decides *what* to show lives in plain modules (loader, filters,
details, mapview); this module only caches them and writes them to the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from frontier_atlas import config
from frontier_atlas.assets import missing_assets, use_local_assets
from frontier_atlas.details import record_details
from frontier_atlas.escaping import md_text, safe_url
from frontier_atlas.filters import records_frame
from frontier_atlas.geocode import GeocoderChain
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.loader import Dataset, load_dataset
from frontier_atlas.positions import Located, locate_all


@dataclass(frozen=True)
class Atlas:
    ds: Dataset
    located: dict[str, Located]
    frame: pd.DataFrame
    geocoder: GeocoderChain


def _data_signature(folder: Path) -> tuple:
    # Reload when a curated file changes, not on every rerun.
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                        for p in folder.glob("*") if p.is_file()))


@st.cache_resource(show_spinner="Loading data…")
def _load(folder: str, signature: tuple) -> Atlas:
    ds = load_dataset(Path(folder), config.overrides_path())
    geocoder = build_geocoder(ds.places, ds.overrides)
    located = locate_all(ds, geocoder)
    return Atlas(ds, located, records_frame(ds, located), geocoder)


def load_atlas() -> Atlas:
    folder = config.data_dir()
    overrides = config.overrides_path()
    signature = _data_signature(folder) + (overrides.stat().st_mtime_ns if overrides.exists() else 0,)
    return _load(str(folder), signature)


def reload_atlas() -> None:
    """Forget the loaded data, e.g. after a place was pinned."""
    _load.clear()


PAGES = (("app.py", "Map", ":material/map:"), ("pages/places.py", "Places", ":material/location_on:"),
         ("pages/about.py", "About", ":material/info:"))


def prepare_page(title: str) -> None:
    """Page config, our navigation links, and the offline asset check every page needs.

    Streamlit's automatic page list is turned off (``showSidebarNavigation``): it
    would name the map page "app". Deep links (/places, /about) work as usual.
    """
    st.set_page_config(page_title=f"{title} · Frontier Atlas", page_icon="🗺️", layout="wide")
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
    use_local_assets()
    missing = missing_assets()
    if missing:
        st.error("The map's front-end files are not installed. Run `make run` (or "
                 "`python -m frontier_atlas assets`) once. Missing: " + ", ".join(missing[:3]))
        st.stop()


def show_load_issues(ds: Dataset, geocoder: GeocoderChain | None = None) -> None:
    for message in (geocoder.messages if geocoder else []):
        st.warning(md_text(message))
    if ds.issues:
        with st.expander(f"⚠️ {len(ds.issues)} problem(s) in the data files; the rest loaded"):
            for issue in ds.issues:
                st.markdown("- " + md_text(str(issue)))


def select_record(rid: str | None) -> None:
    st.session_state["selected"] = rid


def details_panel(atlas: Atlas, rid: str) -> None:
    """The selected record, every value escaped; linked records open in turn."""
    d = record_details(rid, atlas.ds, atlas.located)
    box = st.container(border=True, key="details")
    with box:
        st.markdown(f"#### {md_text(d.title)}")
        st.caption(md_text(d.kind))
        for label, text in d.fields:
            st.markdown(f"**{md_text(label)}:** {md_text(text)}")
        st.markdown("**Sources**")
        for src in d.sources:
            title = md_text(src["title"])
            url = safe_url(src["url"])
            if url:
                title = f"[{title}]({url.replace('(', '%28').replace(')', '%29')})"
            st.markdown(f"- {md_text(src['publisher'])}, “{title}”, {md_text(src['published'])} "
                        f"({md_text(src['type'])})")
        if d.linked:
            st.markdown("**Linked records**")
            for role, target, name in d.linked:
                st.button(md_text(f"{role}: {name}"), key=f"link-{rid}-{role}-{target}",
                          on_click=select_record, args=(target,))
        st.button("Close", key=f"close-{rid}", on_click=select_record, args=(None,))
