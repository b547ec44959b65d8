"""Base map: what the offline map costs a visitor, against the country outlines it replaced.

In one run, the real app on the bundled data is started twice, with
``FRONTIER_ATLAS_BASE_LAYER=offline`` (the offline map, relief and labels) and with
``outlines`` (the country outlines alone, the old default). For each, headless Chromium
opens a regional view at zoom 8 (1300x760 px, over Karabakh and the Aras), and we measure:
- the base-map bytes the browser received (every response under /app/static/, the
  vendored scripts included: what this view makes it download);
- the first draw: from navigation to the records on the map and the base map drawn
  (land in the offline map's ground tiles, or the outlines loaded), median of warm visits.
Writes bench/results/basemap.md.

    .venv/bin/python bench/basemap.py [--visits 9]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.paths import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

VIEW = "39.6000,46.4000,8"
SIZE = {"width": 1300, "height": 760}

# the map page's own iframe, sized to the view under test, with nothing else on the page
DRAWN_JS = {
    "offline": """() => [...document.querySelectorAll('.leaflet-faGround-pane canvas')].filter(c => {
        const p = c.getContext('2d').getImageData(c.width / 2, c.height / 2, 1, 1).data;
        return p[0] === 244 && p[1] === 241 && p[2] === 234; }).length >= 4
        && document.querySelectorAll('.leaflet-faRelief-pane img').length >= 4
        && document.querySelectorAll('.fa-record').length > 0""",
    "outlines": """() => { let loaded = 0; window.map.eachLayer(l => { if (l.faAll) loaded = l.faAll.length; });
        return loaded > 200 && document.querySelectorAll('.fa-record').length > 0; }""",
}


LABELS_JS = """() => [...document.querySelectorAll('.leaflet-faLabels-pane canvas')].filter(c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 28) if (d[i] > 0) return true;
    return false; }).length >= 4"""


def start(base: str, user: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, FRONTIER_ATLAS_BASE_LAYER=base, FRONTIER_ATLAS_USER_DIR=str(user))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return proc
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the app did not start")


def visit(browser, url: str, base: str) -> tuple[float, int, int, float | None]:
    """Seconds to the first draw; bytes of base-map data, and of every /app/static response;
    seconds to the place names drawn (the offline map's labels follow its first draw)."""
    ctx = browser.new_context(viewport={"width": SIZE["width"] + 460, "height": SIZE["height"] + 400})
    page = ctx.new_page()
    sizes: dict[str, int] = {}

    def seen(resp):
        if "/app/static/" in resp.url:
            try:
                sizes[f"{resp.url} {resp.request.headers.get('range', '')}"] = len(resp.body())
            except Exception:  # noqa: BLE001 - a response the page dropped
                pass

    page.on("response", seen)
    t0 = time.perf_counter()
    page.goto(url)
    frame = None
    while time.perf_counter() - t0 < 60:  # the else clause runs when it never broke out
        frame = next((f for f in page.frames if "streamlit_folium" in f.url), None)
        try:
            if frame and frame.evaluate(DRAWN_JS[base]):
                break
        except Exception:  # noqa: BLE001 - the frame is still loading
            pass
        page.wait_for_timeout(50)  # lets Playwright take in the page's events (new frames)
    else:
        raise RuntimeError(f"{base}: the map was not drawn within 60 s")
    drawn = time.perf_counter() - t0
    labelled = None
    while base == "offline" and time.perf_counter() - t0 < 60 and labelled is None:
        if frame.evaluate(LABELS_JS):
            labelled = time.perf_counter() - t0
        page.wait_for_timeout(50)
    page.wait_for_timeout(2000)  # what the view still fetches once drawn (the last tiles)
    ctx.close()
    data = sum(v for k, v in sizes.items() if "/basemap/" in k or "/world-atlas/" in k)
    return drawn, data, sum(sizes.values()), labelled


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=9)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = {}
    bases = ("outlines", "offline")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        procs = {base: start(base, Path(tmp) / base, 8710 + n) for n, base in enumerate(bases)}
        urls = {base: f"http://127.0.0.1:{8710 + n}/?map={VIEW}" for n, base in enumerate(bases)}
        try:
            for base in bases:
                visit(browser, urls[base], base)  # warms the server (data, gazetteer) and the OS cache
            runs: dict[str, list] = {base: [] for base in bases}
            for _ in range(args.visits):  # alternating, so drift in the machine's load hits both alike
                for base in bases:
                    runs[base].append(visit(browser, urls[base], base))
        finally:
            for proc in procs.values():
                proc.terminate()
                proc.wait(timeout=20)
        browser.close()
    for base in bases:
        r = runs[base]
        rows[base] = {"drawn": statistics.median(x[0] for x in r), "data": statistics.median(x[1] for x in r),
                      "static": statistics.median(x[2] for x in r), "all": [round(x[0], 2) for x in r],
                      "labels": statistics.median(x[3] for x in r) if base == "offline" else None}
    built = json.loads((ROOT / "static" / "basemap" / "build.json").read_text())
    diff = rows["offline"]["drawn"] - rows["outlines"]["drawn"]
    lines = [
        "# Base map benchmark", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, "
        "headless Chromium (software rendering), the bundled data, a view of "
        f"{SIZE['width']}x{SIZE['height']} px at zoom 8 over Karabakh and the Aras (map={VIEW}); "
        f"median of {args.visits} warm visits each, "
        "the two servers running side by side and visited in turn.", "",
        "| base layer | first draw | base-map data | all of /app/static (scripts included) | visits (s) |",
        "|---|---:|---:|---:|---|",
    ]
    for base, label in (("outlines", "country outlines only (the old default)"),
                        ("offline", "offline map + relief + labels")):
        r = rows[base]
        lines.append(f"| {label} | {r['drawn']:.2f} s | {r['data'] / 1000:.0f} kB | {r['static'] / 1000:.0f} kB "
                     f"| {r['all']} |")
    lines += ["", f"The offline map's first draw is {diff:+.2f} s against the outlines "
              "(budget: at most +0.5 s); its view's base-map data is "
              f"{rows['offline']['data'] / 1000:.0f} kB (budget: 500 kB). Its place names follow, drawn at "
              f"{rows['offline']['labels']:.2f} s (median).", "",
              f"Build (`python -m frontier_atlas basemap`): {built['seconds']} s; files: "
              + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in built["bytes"].items()) + ".", ""]
    out = ROOT / "bench" / "results" / "basemap.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
