"""Startup: how fast a new user meets the app, and what it holds in memory. Writes
bench/results/startup.md (or ``--out``).

Measured as the user meets it, in headless Chromium on this machine, medians of ``--runs``:

- first map after a fresh start with an empty user folder: from starting the server to the
  first record marker on screen (the browser is already open);
- the same after a restart on that folder (its caches warm);
- a new browser session on the warm server;
- the server's resident memory (VmRSS, its job worker's beside it) after the first visit;
- the Places, Add from article and Data pages: a new session's first paint (the page's
  title drawn) on the warm server;
- with a 1,000,000-event set open: the server's memory, and per pan the time from the map
  stopping to the new event layer drawn and the bytes sent over the websocket.

``--root`` measures another checkout of the project (its ``serve.py``, this venv), so a
change can be measured against the code before it in the same run:

    .venv/bin/python bench/startup.py [--runs 5] [--root OTHER_CHECKOUT] [--label before]
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

from measuring import WebsocketBytes, proc_status_kb  # noqa: E402  (bench/, the script's folder)
from support.appserver import child_pids, free_port  # noqa: E402
from support.paths import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# a record on the map: a marker, a cluster of them, or a drawn shape
MARKER_JS = "() => document.querySelectorAll('.leaflet-marker-icon, path.fa-record').length"
EVENTS_JS = "() => window.__faEvents ? window.__faEvents.shapes : -1"
PAGES = {"Places": "places", "Add from article": "add_article", "Data": "data"}
EVENTS = 1_000_000


def start_server(root: Path, user_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "FRONTIER_ATLAS_USER_DIR": str(user_dir), "FRONTIER_ATLAS_DATA": str(root / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "serve.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_healthy(port: int, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rss_mib(pid: int) -> float:
    return proc_status_kb(pid, "VmRSS") / 1024


def children_rss_mib(pid: int) -> float:
    """The resident memory of a process's children and theirs (its job worker)."""
    total = 0.0
    for kid in child_pids(pid):
        try:
            total += rss_mib(kid) + children_rss_mib(kid)
        except OSError:
            pass  # gone meanwhile
    return total


def wait_in_map(page, js: str, t0: float, limit: float, want=lambda n: n > 0) -> float | None:
    """Seconds from ``t0`` until ``js`` in the map's frame says it is drawn."""
    while time.perf_counter() - t0 < limit:
        for frame in page.frames:
            if "streamlit_folium" not in frame.url:
                continue
            try:
                if want(frame.evaluate(js)):
                    return time.perf_counter() - t0
            except Exception:
                continue
        page.wait_for_timeout(25)
    return None


def visit_map(browser, url: str, t0: float | None = None, limit: float = 90) -> float | None:
    """A new session's map: seconds from ``t0`` (default: now) to the first record drawn."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter() if t0 is None else t0
    page.goto(url, timeout=limit * 1000)
    took = wait_in_map(page, MARKER_JS, t0, limit)
    page.wait_for_timeout(1500)  # the visit's last reruns end before the next measure
    context.close()
    return took


def visit_page(browser, url: str, limit: float = 60) -> float | None:
    """A new session's page: seconds to its title drawn."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=limit * 1000)
    try:
        page.locator("h1").first.wait_for(timeout=limit * 1000)
        took = time.perf_counter() - t0
    except Exception:
        took = None
    page.wait_for_timeout(1000)
    context.close()
    return took


def one_run(browser, root: Path, work: Path, k: int) -> dict:
    user = work / f"user-{k}"
    user.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    out: dict = {}
    t0 = time.perf_counter()
    proc = start_server(root, user, port)
    try:
        wait_healthy(port, proc)
        out["cold_s"] = visit_map(browser, url, t0)
        time.sleep(1)
        out["rss_cold_mib"], out["jobs_cold_mib"] = rss_mib(proc.pid), children_rss_mib(proc.pid)
        out["session_s"] = visit_map(browser, url)
        for name, path in PAGES.items():
            out[f"page {name}"] = visit_page(browser, f"{url}/{path}")
        out["rss_pages_mib"] = rss_mib(proc.pid)
    finally:
        stop_server(proc)
    t0 = time.perf_counter()
    proc = start_server(root, user, port)
    try:
        wait_healthy(port, proc)
        out["restart_s"] = visit_map(browser, url, t0)
    finally:
        stop_server(proc)
    return out


def import_million(root: Path, user: Path, rows: int) -> None:
    """A synthetic ACLED-shaped set of ``rows`` events imported into ``user``'s folder, by
    the code of the checkout measured."""
    code = f"""
import sys; sys.path.insert(0, {str(root)!r})
from pathlib import Path
from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header
from frontier_atlas.events.synthetic import write_acled_csv
csv = write_acled_csv(Path({str(user)!r}) / "events.csv", {rows})
mapping = guess_mapping(read_header(csv.read_bytes()[:200_000], csv.name))
import_events(csv, csv.name, mapping, ImportStore(Path({str(user)!r}) / "imports"), "Synthetic", by=local_actor())
csv.unlink()
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def pans(browser, url: str, n: int, limit: float = 60) -> dict:
    """The map with the set: memory, then ``n`` pans, each timed from the map stopping to the
    new event layer drawn, with the websocket bytes it cost."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    received = WebsocketBytes(page)
    t0 = time.perf_counter()
    page.goto(url, timeout=limit * 1000)
    first = wait_in_map(page, EVENTS_JS, t0, limit * 3)
    page.wait_for_timeout(4000)
    times, sizes, missed = [], [], 0
    for i in range(n):
        frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        before = received.total
        dx = 400 if i % 2 == 0 else -300
        frame.evaluate("() => { window.__faEvents = null; return true; }")
        t = time.perf_counter()
        frame.evaluate(f"() => {{ window.map.panBy([{dx}, 150], {{animate: false}}); return true; }}")
        took = wait_in_map(page, EVENTS_JS, t, limit, want=lambda v: v is not None and v >= 0)
        page.wait_for_timeout(2500)  # the rest of the run's messages
        if took is None:
            missed += 1
        else:
            times.append(took)
        sizes.append(received.total - before)
    context.close()
    return {"events_first_s": first, "pan_s": statistics.median(times) if times else None,
            "pan_bytes": statistics.median(sizes), "pans_not_redrawn": missed}


def events_run(browser, root: Path, work: Path, rows: int, n: int) -> dict:
    user = work / "user-events"
    user.mkdir()
    t = time.perf_counter()
    import_million(root, user, rows)
    imported = time.perf_counter() - t
    port = free_port()
    proc = start_server(root, user, port)
    try:
        wait_healthy(port, proc)
        out = pans(browser, f"http://127.0.0.1:{port}", n)
        out["rss_events_mib"] = rss_mib(proc.pid)
        out["import_s"] = imported
    finally:
        stop_server(proc)
    return out


def measure(root: Path, runs: int, rows: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="fa-startup-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        work = Path(tmp)
        per_run = [one_run(browser, root, work, k) for k in range(runs)]
        events = events_run(browser, root, work, rows, runs) if rows else {}
        browser.close()
    keys = per_run[0].keys()
    med = {k: statistics.median([r[k] for r in per_run if r[k] is not None] or [float("nan")]) for k in keys}
    med["failed"] = {k: sum(r[k] is None for r in per_run) for k in keys}
    return {**med, **events, "runs": per_run}


def fmt(v, unit: str) -> str:
    if v is None or v != v:
        return "-"
    if unit == "n":
        return f"{v:.0f}"
    return f"{v:.2f} s" if unit == "s" else f"{v:.0f} MiB" if unit == "MiB" else f"{v / 1000:.0f} kB"


ROWS = [("first map, fresh start, empty user folder", "cold_s", "s", "≤ 3 s"),
        ("first map after a restart (warm caches)", "restart_s", "s", ""),
        ("a new session on a warm server", "session_s", "s", "≤ 1.5 s"),
        ("server memory after the first visit (bundled data)", "rss_cold_mib", "MiB", "≤ 250 MB"),
        ("its job worker's memory, beside it", "jobs_cold_mib", "MiB", ""),
        ("server memory after every page was visited", "rss_pages_mib", "MiB", ""),
        *[(f"{name} page, first paint, warm server", f"page {name}", "s", "≤ 2 s") for name in PAGES],
        ("1M-event set: server memory with it shown", "rss_events_mib", "MiB", "≤ 500 MB"),
        ("1M-event set: first event layer drawn, from page load", "events_first_s", "s", ""),
        ("1M-event set: a pan, map stopped to new layer drawn", "pan_s", "s", "≤ 0.5 s"),
        ("1M-event set: bytes sent per pan", "pan_bytes", "B", "≤ 30 kB"),
        ("1M-event set: pans that drew no new layer (within 60 s)", "pans_not_redrawn", "n", "")]


# the figures issue 19 was filed with (the same machine, before the GeoNames index went on disk)
AS_FILED = {"cold_s": "23.8 s", "restart_s": "6.4 s", "session_s": "4.5 s", "rss_cold_mib": "740 MB",
            "rss_pages_mib": "about 980 MB (with 13,584 events)", "pan_bytes": "about 160 kB"}


NOTES = [
    "What each figure is made of, and what bounds the ones short of their goal:",
    "",
    "- **A new session** (1.49 s): Streamlit's own page and its 60-odd script chunks take 0.7 s to load "
    "and another 0.4 s to fetch the widgets' chunks; our page run takes 0.1 s; the map's frame, its one bundle "
    "and the markers the rest. What is ours to remove was: the map's five scripts loaded one after another "
    "(0.3 s), now one bundle.",
    "- **A fresh start** (under 3 s): the server's start (0.7 s), then the imports and the data (1.2 s), now "
    "loaded on a thread as the server starts, while the browser loads Streamlit; the country and province "
    "indexes are built at set-up, so a start no longer decodes 3.5 MB of outlines (0.4 s).",
    "- **Bytes per pan** (about 100 kB against 30 kB): the map is one streamlit-folium element, and a pan "
    "changes its event layer, so the whole element is sent again: the base map (16 kB), the records' layer "
    "(63 kB for 89 records, since the markers are rows of one data layer; folium's one script a marker made "
    "it 121 kB) and the events (about 20 kB). Streamlit's message cache skips an element only when all of it "
    "is unchanged. The map's fragment keeps the rest of the page from being sent again; meeting the goal "
    "needs the records' layer out of the per-pan element, which is not done.",
    "- Pans that drew no new layer: the events in and around the new view were those already drawn, so the "
    "element was unchanged and nothing needed drawing.",
    "",
]


def table(results: dict[str, dict]) -> list[str]:
    labels = list(results)
    lines = ["| what | as filed | " + " | ".join(labels) + " | goal |", "|---|---:|" + "---:|" * len(labels) + "---|"]
    for name, key, unit, goal in ROWS:
        lines.append(f"| {name} | {AS_FILED.get(key, '')} | "
                     + " | ".join(fmt(results[lab].get(key), unit) for lab in labels) + f" | {goal} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=EVENTS, help="events in the imported set (0: skip)")
    parser.add_argument("--root", type=Path, action="append", help="a checkout to measure (repeatable)")
    parser.add_argument("--label", action="append", help="a name for each --root")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "startup.md")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--from-json", type=Path, help="write the table from figures saved with --json")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        results, when = saved["results"], saved["when"]
    else:
        roots = args.root or [ROOT]
        labels = args.label or [r.name for r in roots]
        results = {}
        for label, root in zip(labels, roots):
            print(f"measuring {label} ({root})", flush=True)
            results[label] = measure(root.resolve(), args.runs, args.rows)
            print(json.dumps({k: v for k, v in results[label].items() if k != "runs"}, default=str), flush=True)
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "when": when}, indent=1, default=str))
    lines = [
        "# Startup: the first map, new sessions, memory, pans",
        "",
        f"Run {when} on {os.cpu_count()} cores, Python {platform.python_version()}, headless Chromium (software "
        f"rendering). Medians of {args.runs} runs; each run starts a server on an empty user folder. The browser is "
        "open before the server starts; a map counts as shown when its first record marker is drawn. Pans: "
        f"{args.runs} pans of a few hundred pixels on a set of {args.rows:,} synthetic events; bytes are those the "
        "browser received over the websocket until the run ended.",
        "",
        *table(results),
        "",
        *NOTES,
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
