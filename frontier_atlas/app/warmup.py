"""Work a first visitor would otherwise wait for, done when the server starts.

``streamlit run`` imports nothing of a page and loads no data until a browser opens one,
so the first visitor paid for the imports, the data, the gazetteers and the positions
(about 2 s on 2 cores) after the browser had already loaded Streamlit. ``serve.py``
starts this on a thread instead, while the browser is still loading; the page run
that comes finds the loaded data in the same ``st.cache_resource`` entry (its compute
lock makes it wait for the warm-up rather than load a second copy).
"""

from __future__ import annotations

import logging
import threading

_log = logging.getLogger(__name__)


def _warm() -> None:
    try:
        # the map page's heavy imports, but not streamlit-folium: a component declared
        # outside a page run is not served (its frame answers 404)
        import frontier_atlas.domain.link  # noqa: F401
        import frontier_atlas.map.canvas  # noqa: F401
        import frontier_atlas.map.events  # noqa: F401
        from frontier_atlas.app.loading import load_atlas

        load_atlas()
    except Exception:  # a page run will meet the same problem and show it
        _log.exception("warm-up failed; the first page run loads the data itself")


def start_warm_up() -> threading.Thread:
    """Load the data on a daemon thread now; the caller does not wait."""
    thread = threading.Thread(target=_warm, name="frontier-atlas-warm-up", daemon=True)
    thread.start()
    return thread
