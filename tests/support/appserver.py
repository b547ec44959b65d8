"""The real app, served by Streamlit on a free port of 127.0.0.1, on given data and user folders."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_pids(pid: int) -> list[int]:
    """A process's children now, from /proc (each of its threads lists the ones it started)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _is_resource_tracker(pid: int) -> bool:
    return b"multiprocessing.resource_tracker" in _cmdline(pid)


def is_fork_server(pid: int) -> bool:
    """The jobs' fork server (``jobs.zygote``), which stays for the life of the server."""
    return b"multiprocessing.forkserver" in _cmdline(pid)


def job_pids(pid: int) -> list[int]:
    """A server's background jobs now: its children and the fork server's, less the helpers
    multiprocessing keeps for the life of the server (its resource tracker, the fork server)."""
    found = []
    for child in child_pids(pid):
        if is_fork_server(child):
            found += child_pids(child)
        elif not _is_resource_tracker(child):
            found.append(child)
    return found


def stop_process(proc: subprocess.Popen, log) -> None:
    """End a server started for a test (asked, then killed after 10 s) and close its log."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


class StreamlitServer:
    """``streamlit run script`` on a free port, waited for until healthy; ``stop`` ends it."""

    def __init__(self, script: str | Path, env: dict[str, str], log_path: Path, *args: str,
                 host: str = "localhost", port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://{host}:{self.port}"
        self.log_path = log_path
        self.log = log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(self.port), *args,
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("streamlit did not start within 60 s")

    def children(self) -> list[int]:
        """The server's background jobs now (``job_pids``)."""
        return job_pids(self.proc.pid)

    def active_sessions(self) -> int:
        """Browser sessions the process holds now, from its own metrics (this machine may read them)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/metrics", timeout=5) as r:
            return int(re.search(r"(?m)^active_sessions (\d+)", r.read().decode()).group(1))

    def stop(self) -> None:
        stop_process(self.proc, self.log)


class AppServer(StreamlitServer):
    """The app as ``make run`` serves it (``serve.py``), on these data and user folders."""

    def __init__(self, data_dir: Path, user_dir: Path, more_env: dict[str, str] | None = None,
                 more_args: tuple[str, ...] = (), port: int | None = None):
        """``more_args``: more of Streamlit's options (a secrets file); ``port``: one chosen
        beforehand (a sign-in's redirect address names it)."""
        self.user_dir = user_dir
        env = dict(os.environ, FRONTIER_ATLAS_DATA=str(data_dir), FRONTIER_ATLAS_USER_DIR=str(user_dir),
                   **(more_env or {}))
        super().__init__("serve.py", env, user_dir / "streamlit.log",
                         "--server.address", "127.0.0.1", "--server.headless", "true", *more_args, port=port)
