"""Debian's nginx in front of app processes, with the repository's own deploy/ configuration:
its paths and ports swapped for this machine's, inside a minimal nginx.conf of its own
folder (no system files touched), run in the foreground and stopped at the end."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import streamlit

from support.appserver import free_port
from support.paths import ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy/nginx/frontier-atlas.conf"
DEFAULT_PORTS = (8501, 8502, 8503)


def render(folder: Path, ports: list[int], listen: int) -> Path:
    """deploy/'s site for these app ports, listening on ``listen``, as ``folder``/nginx.conf."""
    site = SITE.read_text(encoding="utf-8")
    bundle = Path(streamlit.__file__).parent / "static/static"
    site = site.replace("/opt/frontier-atlas/.venv/lib/python3.11/site-packages/streamlit/static/static/",
                        f"{bundle}/").replace("/opt/frontier-atlas/", f"{ROOT}/")
    for default, port in zip(DEFAULT_PORTS, ports):
        site = site.replace(f"127.0.0.1:{default}", f"127.0.0.1:{port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};").replace("atlas.example.org", "127.0.0.1")
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""  # the workers read the repository's files as its owner
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/access.log;
    {temp}
{site}
}}
""", encoding="utf-8")
    return conf


class Nginx:
    """nginx on a free port of 127.0.0.1 in front of the app processes at ``ports``."""

    def __init__(self, folder: Path, ports: list[int]) -> None:
        if not Path(NGINX).exists():
            raise RuntimeError("nginx not found: apt-get install -y nginx")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = render(folder, ports, self.port)
        subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(folder)], check=True, capture_output=True)
        self.proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder), "-g", "daemon off;"])
        for _ in range(100):
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not answer: {(folder / 'error.log').read_text()[-1000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
