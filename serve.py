"""The app as ``make run`` serves it: app.py, with the response headers of
frontier_atlas/app/serving.py (no framing by other sites, metrics for this machine only),
and the data loaded as the server starts (frontier_atlas/app/warmup.py).

``streamlit run serve.py`` finds ``app`` and serves it; ``streamlit run app.py`` still
works, without those headers.
"""

import streamlit as st
from starlette.middleware import Middleware

from frontier_atlas.app.serving import HardeningHeaders
from frontier_atlas.app.warmup import start_warm_up

app = st.App("app.py", middleware=[Middleware(HardeningHeaders)])
start_warm_up()  # the data loads while the first browser loads Streamlit
