"""Release the uploads of visitors who have gone (issue 15: one visitor's files held for good).

Streamlit keeps every uploaded file in the server's memory until the session that
uploaded it shuts down. A closed tab's session is kept for reconnecting for
``server.disconnectedSessionTTL`` seconds, but after that it is only marked expired:
it is removed (and its files with it) when a later visitor's tab closes, so the last
visitors' uploads stayed in memory for as long as nobody else left (bench/results/robustness.md,
"uploads"). One thread per server closes such sessions itself, through Streamlit's
own thread-safe call, shortly before their reconnect time is up. Only sessions that
hold uploads are touched; a visitor who comes back within the reconnect time keeps
everything.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st
from streamlit import runtime

CHECK_EVERY_S = 5.0
_log = logging.getLogger(__name__)


class UploadReleaser:
    """Watches which sessions hold uploads and closes those gone for nearly the reconnect time."""

    def __init__(self, ttl_s: float, check_every_s: float | None = None) -> None:
        # a quarter of a short reconnect time (tests, benchmarks), else every 5 s
        self.check_every_s = check_every_s or max(min(CHECK_EVERY_S, ttl_s / 4), 0.5)
        # a session is seen gone at most one check after it went, and closed one check
        # before Streamlit would expire it (never sooner than one check after it went)
        self.grace_s = max(ttl_s - 2 * self.check_every_s, self.check_every_s)
        self._gone_since: dict[str, float] = {}

    def check(self, now: float | None = None) -> list[str]:
        """One pass; returns the sessions it closed."""
        if not runtime.exists():
            return []
        rt = runtime.get_instance()
        holders = getattr(rt.uploaded_file_mgr, "file_storage", None)  # MemoryUploadedFileManager's
        if holders is None:
            return []
        now = time.monotonic() if now is None else now
        held = set(list(holders))  # list(): one C-level copy, safe beside the server's threads
        closed = []
        for session_id in held:
            if rt.is_active_session(session_id):
                self._gone_since.pop(session_id, None)
                continue
            since = self._gone_since.setdefault(session_id, now)
            if now - since >= self.grace_s:
                # Streamlit's thread-safe close of a stored session (made for logout):
                # it is shut down on the event loop, dropping its files and state
                rt.clear_user_info_for_session(session_id)
                rt.uploaded_file_mgr.remove_session_files(session_id)  # if it had already expired
                closed.append(session_id)
                self._gone_since.pop(session_id, None)
        for session_id in set(self._gone_since) - held:
            del self._gone_since[session_id]  # released some other way
        return closed

    def run_forever(self) -> None:
        while True:
            time.sleep(self.check_every_s)
            try:
                closed = self.check()
                if closed:
                    _log.info("released the uploads of %d closed session(s)", len(closed))
            except Exception:  # a bad pass must not end the thread
                _log.exception("releasing uploads failed")


def start_upload_releaser() -> None:
    """Start the server's one releaser thread (the first page run does); never fails a page."""
    try:
        _start()
    except Exception:
        _log.exception("could not start the upload releaser")


@st.cache_resource(show_spinner=False)
def _start() -> UploadReleaser:
    releaser = UploadReleaser(float(st.get_option("server.disconnectedSessionTTL")))
    threading.Thread(target=releaser.run_forever, name="upload-releaser", daemon=True).start()
    return releaser
