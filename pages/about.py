"""About: what the app is, what the data covers, how positions are found, how to cite."""

from __future__ import annotations

import streamlit as st

from frontier_atlas.app.loading import load_atlas
from frontier_atlas.app.page import prepare_page
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.basemap.build import layer_sources
from frontier_atlas.domain.filters import data_span
from frontier_atlas.domain.records import KIND_LABELS
from frontier_atlas.present.wording import format_dates

prepare_page("About")
atlas = load_atlas()
shared_view(atlas)
frame = atlas.frame

st.title("About Frontier Atlas")
st.markdown(
    "A map of military exercises, border crossings, disputed regions and the events "
    "around them in the South Caucasus and on Iran's northern border. Every record "
    "names its sources; nothing on the map is shown without one."
)

st.header("Coverage")
span = data_span(frame)
counts = frame["kind"].value_counts()
st.markdown("\n".join(f"- {KIND_LABELS[k]}: {counts.get(k, 0)}" for k in KIND_LABELS))
if span:
    st.markdown(f"Dated records run from {format_dates(span[0], None)} to {format_dates(span[1], None)}. "
                f"{len(atlas.ds.sources)} sources are cited.")
st.markdown(
    "The data is curated by hand from news reports and official statements and is far "
    "from complete: absence from the map does not mean nothing happened."
)

st.header("How positions are found")
st.markdown(
    "Records hold place names as the sources give them, never coordinates. Each name is "
    "looked up offline: first in our own gazetteer (regions, crossings and districts, "
    "each saying where its coordinates come from), then in GeoNames towns of 500 or "
    "more inhabitants. Each position keeps its precision (town, district, region) and "
    "the map draws it as such: a dashed circle for a town or district, the region's "
    "outline for a region. Region outlines approximated from known points say so in "
    "the details panel. Movements are straight schematic lines, not routes."
)

st.header("The offline base map")
st.markdown(
    "The map under the records is built on this machine from packages of the Debian and PyPI "
    "registries (`make basemap`) and served by the app itself: nothing is fetched from elsewhere "
    "unless you pick an online layer. Natural Earth's borders and disputed lines date from 2018, "
    "before the 2020 and 2023 changes in Karabakh. It has no roads or railways: no registry "
    "package holds them."
)
st.dataframe(layer_sources(), hide_index=True, width="stretch", key="basemap-sources")

st.header("Limits")
st.markdown(
    "- Coverage starts from 2020 for exercises; earlier events appear where they explain a region.\n"
    "- Positions are as precise as the sources and our offline gazetteers allow; ranges, bases and "
    "sea areas are listed as reported but not mapped, and some records have no position at all.\n"
    "- Karabakh, Abkhazia and South Ossetia are drawn with Natural Earth's 2018 boundaries (the 1991 "
    "oblast lines); other region outlines are approximations drawn around known settlements, and say so.\n"
    "- Statuses of crossings are as of the date of the report cited, which may be old.\n"
    "- Where sources disagree, both versions are kept and attributed in the record."
)

st.header("How to cite")
st.markdown(
    "Cite the original sources listed in each record's details panel. To cite the "
    "compilation: *Frontier Atlas, curated dataset of exercises, crossings and disputed "
    "regions*, with the date you consulted it."
)
