"""What the benchmarks read off a process and a page: /proc figures and websocket bytes."""

from __future__ import annotations

from pathlib import Path


def proc_status_kb(pid: int, key: str) -> int:
    """A field of /proc/PID/status in kB (VmRSS: resident now, VmHWM: its peak); 0 if absent."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


class WebsocketBytes:
    """The bytes a page has received over its websockets (Streamlit's one), counted as they come."""

    def __init__(self, page) -> None:
        self.total = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))

    def _add(self, payload) -> None:
        self.total += len(payload)
