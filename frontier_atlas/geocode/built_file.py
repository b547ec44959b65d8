"""An index built at set-up into ``build/`` and read in place: the GeoNames towns, the provinces."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path


class BuiltFile:
    """A read-only SQLite file, one connection per thread and process (a forked job opens
    its own): lookups read what they ask for, and the process holds none of the rest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _con(self) -> sqlite3.Connection:
        held = getattr(self._local, "con", None)
        if held is None or held[0] != os.getpid():
            con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            held = self._local.con = (os.getpid(), con)
        return held[1]
