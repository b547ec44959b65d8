"""Data: the records the shared filters leave, in a sortable, searchable table, with exports."""

from __future__ import annotations

import streamlit as st

from frontier_atlas.app.loading import load_atlas
from frontier_atlas.app.page import prepare_page
from frontier_atlas.app.viewlink import shared_view
from frontier_atlas.data.csvsafe import safe_file_name
from frontier_atlas.data.export import to_csv, to_geojson, to_kml
from frontier_atlas.domain.countries import country_name
from frontier_atlas.domain.filters import apply_filters, data_span, filters_for_view
from frontier_atlas.domain.link import describe_view
from frontier_atlas.domain.records import KIND_LABELS
from frontier_atlas.present.escaping import md_text
from frontier_atlas.present.wording import format_dates

prepare_page("Data")
atlas = load_atlas()
view = shared_view(atlas)
ds = atlas.ds
shown = apply_filters(atlas.frame, filters_for_view(view, data_span(atlas.frame)))
ids = list(shown["id"])

st.title("Data")
st.markdown(f"**{len(ids)} of {len(atlas.frame)} records**, as the filters on the map page leave them.")
st.caption(md_text(describe_view(view)))

rows = []
for rid in ids:
    rec = ds.records[rid]
    point = atlas.located[rid].point
    rows.append({
        "name": rec.name,
        "kind": KIND_LABELS[rec.kind],
        "start": rec.start,
        "end": rec.end or rec.start,
        "dates as reported": format_dates(rec.start, rec.end, rec.date_precision),
        "countries": ", ".join(country_name(c) for c in rec.countries),
        "places": "; ".join(p.partition("|")[0] for p in rec.places),
        "position": f"{point.precision} ({point.provider})" if point else "",
        "verification": rec.verification,
        "sources": len(rec.source_ids),
        "origin": "user-added" if rid in ds.user else "curated",
        "id": rid,
    })
st.dataframe(rows, hide_index=True, width="stretch", key="data-table",
             column_config={"start": st.column_config.DateColumn(format="YYYY-MM-DD"),
                            "end": st.column_config.DateColumn(format="YYYY-MM-DD")})

st.subheader("Download exactly these records")
c1, c2, c3 = st.columns(3)
c1.download_button("CSV", to_csv(ds, atlas.located, ids), safe_file_name("frontier-atlas", ".csv"), "text/csv",
                   key="dl-csv", help="Spreadsheet-safe: cells that look like formulas start with '")
c2.download_button("GeoJSON", to_geojson(ds, atlas.located, ids), safe_file_name("frontier-atlas", ".geojson"),
                   "application/geo+json", key="dl-geojson")
c3.download_button("KML", to_kml(ds, atlas.located, ids), safe_file_name("frontier-atlas", ".kml"),
                   "application/vnd.google-earth.kml+xml", key="dl-kml")
st.caption("CSV and GeoJSON hold every field of each record and load back unchanged; "
           "position columns say where we drew it and how that position was found.")
