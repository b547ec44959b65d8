"""The peer a Streamlit user would reach for with a million points, for bench/scale.py only:
one deck.gl ScatterplotLayer of every event in ``st.pydeck_chart``, drawn in the browser by
WebGL. No base map (``map_style=None``): nothing is fetched from another host. Reads the
Parquet file in PYDECK_EVENTS.
"""

from __future__ import annotations

import os

import pandas as pd
import pydeck as pdk
import streamlit as st

events = pd.read_parquet(os.environ["PYDECK_EVENTS"], columns=["latitude", "longitude"])
layer = pdk.Layer("ScatterplotLayer", data=events, get_position=["longitude", "latitude"],
                  get_fill_color=[214, 39, 40, 200], get_radius=2000, radius_min_pixels=2)
st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=pdk.ViewState(latitude=38, longitude=45, zoom=4),
                         map_style=None), height=600)
