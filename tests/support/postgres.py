"""A throwaway PostgreSQL server for tests: Debian's own binaries, a cluster made by
``initdb`` in a temporary folder, on a free port of 127.0.0.1, removed at the end.

The server refuses to run as root (and CI runs as root), so there it runs as the
``postgres`` user Debian's package creates. Durability is switched off (``fsync``) unless
asked for: these clusters are deleted after the run, and it makes ``CREATE DATABASE``
quick enough for one database per test.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from support.appserver import free_port

SUPERUSER = "fa"


def bin_dir() -> Path:
    """The newest installed server's binaries (``/usr/lib/postgresql/<version>/bin``)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL server not found: apt-get install -y postgresql-15 postgresql-15-postgis-3")
    return Path(found[-1]).parent


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    """One server; ``new_database()`` gives each test its own empty database."""

    def __init__(self, durable: bool = False, settings: dict[str, str] | None = None) -> None:
        """``durable``: keep PostgreSQL's own settings, for a test that kills the server
        and expects what was committed before to be there after (and a benchmark).
        ``settings``: more server settings (``shared_buffers``...)."""
        self.durable = durable
        self.settings = settings or {}
        self.bin = bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="fa-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._names = itertools.count(1)
        self._template = False
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(_as_server_user([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust",
                                        "-U", SUPERUSER, "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        options += "".join(f" -c {name}={value}" for name, value in self.settings.items())
        subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                                        "-l", str(self.folder / "server.log"), "-w", "start"]),
                       check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        """``mode`` as pg_ctl's: fast (a clean shut-down) or immediate (as if killed)."""
        subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                                        "stop"]), check=False, capture_output=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """An empty database with PostGIS, as a DBA would hand one over. Copied from a
        template made once: ``CREATE EXTENSION postgis`` alone takes about a second."""
        name = f"t{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            if not self._template:
                con.execute("CREATE DATABASE fa_template")
                with psycopg.connect(self.url("fa_template"), autocommit=True) as template:
                    template.execute("CREATE EXTENSION postgis")
                self._template = True
            con.execute(f"CREATE DATABASE {name} TEMPLATE fa_template")
        return self.url(name)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
