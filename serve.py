"""The app as ``make run`` serves it: app.py, with the response headers of
frontier_atlas/app/serving.py (no framing by other sites, metrics for this machine only).

``streamlit run serve.py`` finds ``app`` and serves it; ``streamlit run app.py`` still
works, without those headers.
"""

import streamlit as st
from starlette.middleware import Middleware

from frontier_atlas.app.serving import HardeningHeaders

app = st.App("app.py", middleware=[Middleware(HardeningHeaders)])
