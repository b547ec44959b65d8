"""What every page starts with: its config, our navigation, the asset check, notices."""

from __future__ import annotations

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.app.identity import acting_user, show_mode
from frontier_atlas.app.uploads import start_upload_releaser
from frontier_atlas.domain.access import Action, allowed
from frontier_atlas.domain.records import Dataset
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.map.assets import missing_assets, use_local_assets
from frontier_atlas.present.escaping import md_text

PAGES = (("app.py", "Map", ":material/map:"), ("pages/data.py", "Data", ":material/table:"),
         ("pages/add_article.py", "Add from article", ":material/post_add:"),
         ("pages/imports.py", "Import events", ":material/upload_file:"),
         ("pages/timeline.py", "Timeline", ":material/timeline:"),
         ("pages/sources.py", "Sources", ":material/menu_book:"),
         ("pages/places.py", "Places", ":material/location_on:"),
         ("pages/audit.py", "Audit trail", ":material/history:"),
         ("pages/admin.py", "Admin", ":material/admin_panel_settings:"),
         ("pages/about.py", "About", ":material/info:"))
# pages listed only to whom may use them (each page says so to anyone who opens it anyway)
PAGE_NEEDS = {"pages/audit.py": Action.READ_AUDIT, "pages/admin.py": Action.MANAGE_ROLES}


# Streamlit's multiselect widens its typing box to 48 px when focused, which wraps it
# onto a second line beside a long chip. Leaving the box (a click on the next widget)
# then shrinks the list by a line under the pointer, and that click lands on whatever
# moved there. Keeping the focused minimum at the blurred one keeps the sidebar still.
# CSS transitions and animations are off: every script run fades elements and animates
# the status widget; with 30 sessions on one machine that drawing raised the median
# latency from 0.69 s to 0.91 s (bench/load.py, N=30).
STEADY_WIDGETS_CSS = ("<style>[data-testid='stMultiSelect'] input[role='combobox']{min-width:8px !important}"
                      "*,*::before,*::after{animation:none !important;transition:none !important}</style>")


def prepare_page(title: str) -> None:
    """Page config, our navigation links, and the offline asset check every page needs.

    Streamlit's automatic page list is turned off (``showSidebarNavigation``): it
    would name the map page "app". Deep links (/places, /about) work as usual.
    """
    st.set_page_config(page_title=f"{title} · Frontier Atlas", page_icon="🗺️", layout="wide")
    start_upload_releaser()  # once per server: gone visitors' uploads leave memory
    st.html(STEADY_WIDGETS_CSS)
    actor = acting_user()
    with st.sidebar:
        for path, label, icon in PAGES:
            if path not in PAGE_NEEDS or allowed(actor, PAGE_NEEDS[path]):
                st.page_link(path, label=label, icon=icon)
    show_mode(actor)
    use_local_assets()
    missing = missing_assets()
    if missing:
        st.error("The map's front-end files are not installed. Run `make run` (or "
                 "`python -m frontier_atlas assets`) once. Missing: " + ", ".join(missing[:3]))
        st.stop()


def show_load_issues(ds: Dataset, geocoder: GeocoderChain | None = None, notices: tuple[str, ...] = ()) -> None:
    for message in (*notices, *(geocoder.messages if geocoder else [])):
        st.warning(md_text(message))
    if ds.issues:
        with st.expander(f"⚠️ {len(ds.issues)} problem(s) in the data files; the rest loaded"):
            for issue in ds.issues:
                st.markdown("- " + md_text(str(issue)))


def _dismiss_link_notices() -> None:
    keys.LINK_NOTICES.set(st.session_state, [])


def show_link_notices() -> None:
    notices = keys.LINK_NOTICES.get(st.session_state)
    if notices:
        with st.container(border=True, key="link-notices"):
            st.markdown("**This link was partly out of date; the nearest valid view is shown.**")
            for notice in notices:
                st.markdown("- " + md_text(notice))
            st.button("Dismiss", key="dismiss-link-notices", on_click=_dismiss_link_notices)
