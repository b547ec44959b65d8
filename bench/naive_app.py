"""The naive way, for comparison in bench/scale.py only: one folium.Marker per event,
the whole map built and sent on every run. Reads the Parquet file in NAIVE_EVENTS.

bench/scale.py runs a copy beside a link to ./static, since Streamlit serves the
static folder next to the main script (the vendored Leaflet, so this runs offline too).
"""

from __future__ import annotations

import os

import folium
import pandas as pd
from streamlit_folium import st_folium

from frontier_atlas.map.assets import use_local_assets  # on PYTHONPATH: offline, like the app

use_local_assets()
events = pd.read_parquet(os.environ["NAIVE_EVENTS"], columns=["latitude", "longitude", "location", "event_type"])
fmap = folium.Map(location=(20, 0), zoom_start=2, tiles=None)
for row in events.itertuples():
    folium.Marker((row.latitude, row.longitude), tooltip=f"{row.location}: {row.event_type}").add_to(fmap)
st_folium(fmap, height=600, use_container_width=True)
