"""Scale: imported event sets of 1,000 to 1,000,000 synthetic ACLED-shaped rows, measured
end to end, against the naive way (one folium.Marker per row, bench/naive_app.py) and
against pydeck (one deck.gl ScatterplotLayer in st.pydeck_chart, bench/pydeck_app.py).

For each size, in one run: import time, reopen time, a date-and-country filter, the map
build (the curated map plus the event layer, rendered to the strings st_folium sends),
the bytes of that map payload, the bytes the browser received over Streamlit's websocket
until the map was drawn, the time from page load to the event layer drawn in headless
Chromium, the app's peak memory (VmHWM), the page's JavaScript heap, and one pan's
latency and bytes.
Writes bench/results/scale.md.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000,1000000] [--naive-max 100000]

``--postgis 1000000,10000000`` measures the shared-database path instead, against the
in-memory one at the first size: import time, filter-and-count per viewport (the event
layer built for each of a few views and filters, as a page run builds it) and the app
process's resident memory with the set shown, on a PostgreSQL server this run starts
(durable settings, shared_buffers 2 GB). Writes bench/results/scale-postgis.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import folium  # noqa: E402
from measuring import WebsocketBytes, proc_status_kb  # noqa: E402  (bench/, the script's folder)
from streamlit_folium import _get_feature_group_string, _get_map_string  # noqa: E402
from support.paths import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from frontier_atlas.data.curated import load_dataset  # noqa: E402
from frontier_atlas.domain.access import local_actor  # noqa: E402
from frontier_atlas.domain.filters import records_frame  # noqa: E402
from frontier_atlas.domain.viewport import Viewport  # noqa: E402
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header  # noqa: E402
from frontier_atlas.events.synthetic import write_acled_csv  # noqa: E402
from frontier_atlas.geocode.chain import GeocoderChain  # noqa: E402
from frontier_atlas.map.canvas import build_map  # noqa: E402
from frontier_atlas.map.events import build_event_layer, event_bounds  # noqa: E402
from frontier_atlas.places.locate import locate_all  # noqa: E402

DRAWN_JS = "() => window.__faEvents ? window.__faEvents.shapes : -1"
NAIVE_DRAWN_JS = "() => document.querySelectorAll('.leaflet-marker-icon').length"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def serve(script: str, env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{script} did not start")


def peak_rss_mib(pid: int) -> float:
    return proc_status_kb(pid, "VmHWM") / 1024


def browser_run(browser, url: str, drawn_js: str, want: int | None, timeout: float, pan: bool) -> dict:
    """Load the page; time until the layer is drawn; websocket bytes for the load and one pan."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    received = WebsocketBytes(page)
    t0 = time.perf_counter()
    page.goto(url, timeout=timeout * 1000)
    drawn_at = None
    while time.perf_counter() - t0 < timeout:
        for frame in page.frames:
            if "streamlit_folium" not in frame.url:
                continue
            try:
                shapes = frame.evaluate(drawn_js)
            except Exception:
                continue
            if shapes > 0 and (want is None or shapes >= want):
                drawn_at = time.perf_counter() - t0
                # evaluate waits while the page is busy, so this can land past the limit
                drawn_at = drawn_at if drawn_at <= timeout else None
                break
        if time.perf_counter() - t0 >= timeout:
            break
        if drawn_at:
            break
        page.wait_for_timeout(50)  # (a sync sleep would not let Playwright see new frames)
    out = {"draw_s": drawn_at, "ws_bytes_load": received.total, "pan_bytes": None, "heap_mib": js_heap_mib(page)}
    if drawn_at and pan:
        page.wait_for_timeout(3000)  # let the first view report settle
        before = received.total
        frame = [f for f in page.frames if "streamlit_folium" in f.url][-1]
        ours = drawn_js == DRAWN_JS
        if ours:  # the next layer drawn sets it again
            frame.evaluate("() => { window.__faEvents = null; return true; }")
        t = time.perf_counter()
        frame.evaluate("() => { window.map.panBy([400, 150], {animate: false}); return true; }")
        if ours:  # the new event layer, after the server's run
            while time.perf_counter() - t < 30 and frame.evaluate(drawn_js) < 0:
                page.wait_for_timeout(20)
            out["pan_s"] = time.perf_counter() - t if frame.evaluate(drawn_js) >= 0 else None
        else:  # Leaflet moves what it holds: the second animation frame after the pan
            frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            out["pan_s"] = time.perf_counter() - t
        page.wait_for_timeout(4000)
        out["pan_bytes"] = received.total - before
    context.close()
    return out


def js_heap_mib(page) -> float | None:
    """The page's JavaScript heap in use (Chromium's metric; WebGL buffers are not in it)."""
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return metrics.get("JSHeapUsedSize", 0) / 2**20
    except Exception:
        return None


DECK = "[data-testid='stDeckGlJsonChart']"


def _deck_drawn(page) -> bool:
    """Whether the deck's canvas shows the points: red pixels in a screenshot of it (a WebGL
    canvas cannot be read back from script)."""
    from io import BytesIO

    from PIL import Image

    box = page.locator(DECK)
    if box.count() == 0 or box.locator("canvas").count() == 0:
        return False
    img = Image.open(BytesIO(box.first.screenshot(timeout=5000))).convert("RGB")
    red = sum(1 for r, g, b in img.getdata() if r > 150 and g < 110 and b < 110)
    return red > 50


def pydeck_run(browser, url: str, timeout: float, pan: bool) -> dict:
    """Load the pydeck page; time until its points are drawn; websocket bytes; one drag of the
    map timed to the second animation frame after it (deck.gl pans in the browser)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    page = context.new_page()
    received = WebsocketBytes(page)
    t0 = time.perf_counter()
    page.goto(url, timeout=timeout * 1000)
    drawn_at = None
    while time.perf_counter() - t0 < timeout:
        try:
            if _deck_drawn(page):
                drawn_at = time.perf_counter() - t0
                break
        except Exception:
            pass
        page.wait_for_timeout(100)
    out = {"draw_s": drawn_at, "ws_bytes_load": received.total, "pan_bytes": None, "pan_s": None,
           "heap_mib": js_heap_mib(page)}
    if drawn_at and pan:
        page.wait_for_timeout(2000)
        before = received.total
        box = page.locator(DECK).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        t = time.perf_counter()
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 250, y, steps=5)
        page.mouse.up()
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        out["pan_s"] = time.perf_counter() - t
        page.wait_for_timeout(3000)
        out["pan_bytes"] = received.total - before
    context.close()
    return out


def probe(url: str, js: str, want: int | None, timeout: float, pan: bool) -> dict:
    """``browser_run`` in its own process and Chromium, killed at the limit: a page busy
    drawing 100,000 markers does not answer Playwright until it is done."""
    cmd = [sys.executable, __file__, "--probe", url, "--js", js, "--want", str(want or 0),
           "--timeout", str(timeout)] + (["--pan"] if pan else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout + 30)
        return json.loads(out.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, IndexError, ValueError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # with its Chromium
        except ProcessLookupError:
            pass  # it had ended (without a result)
        proc.wait()
        return {"draw_s": None, "ws_bytes_load": None, "pan_bytes": None, "heap_mib": None}


def warm_visits(url: str, js: str, want: int | None, timeout: float, visits: int = 3) -> dict:
    """Median draw time of a few visits after the first (the last one also pans)."""
    runs = []
    for k in range(visits):
        time.sleep(3)  # the server finishes the previous visit's reruns
        runs.append(probe(url, js, want, timeout, pan=k == visits - 1))
        if runs[-1]["draw_s"] is None:
            return runs[-1]
    return {**runs[-1], "draw_s": statistics.median(r["draw_s"] for r in runs)}


def _probe_main(args) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if args.js == "pydeck":
            print(json.dumps(pydeck_run(browser, args.probe, args.timeout, args.pan)))
        else:
            js = DRAWN_JS if args.js == "ours" else NAIVE_DRAWN_JS
            print(json.dumps(browser_run(browser, args.probe, js, args.want or None, args.timeout, args.pan)))
        browser.close()


def measure_ours(n: int, csv: Path, work: Path, port: int, ds_bits) -> dict:
    store = ImportStore(work / f"user-{n}" / "imports")
    mapping = guess_mapping(read_header(csv.read_bytes()[:200_000], csv.name))
    t0 = time.perf_counter()
    info, _ = import_events(csv, csv.name, mapping, store, f"Synthetic {n:,}", by=local_actor())
    import_s = time.perf_counter() - t0
    reopen_s = median_time(lambda: store.open(info.id), 5)
    es = store.open(info.id)
    top_country = max(es.countries(), key=lambda c: int(es.mask(countries=frozenset({c})).sum()))
    filter_s = median_time(lambda: es.mask(date(2020, 1, 1), date(2021, 12, 31), frozenset({top_country})), 21)

    ds, located, frame = ds_bits
    mask = es.mask()

    def build() -> tuple[str, str]:
        layer, _ = build_event_layer([(es, mask)], Viewport(-60, -180, 75, 180, 2))
        fmap = build_map(frame, ds, located, extra_bounds=event_bounds([(es, mask)]))
        base = _get_map_string(fmap)
        return base, _get_feature_group_string(layer, fmap)

    build_s = median_time(build, 7)
    base, layer = build()
    proc = serve("app.py", {"FRONTIER_ATLAS_USER_DIR": str(work / f"user-{n}")}, port)
    try:
        cold = probe(f"http://127.0.0.1:{port}", "ours", None, 90, pan=False)
        run = warm_visits(f"http://127.0.0.1:{port}", "ours", None, 60)
        run["draw_cold_s"] = cold["draw_s"]
        peak = peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return {"import_s": import_s, "reopen_s": reopen_s, "filter_s": filter_s, "build_s": build_s,
            "map_bytes": len(base.encode()) + len(layer.encode()), "layer_bytes": len(layer.encode()),
            **run, "peak_mib": peak}


def measure_naive(n: int, parquet: Path, port: int, timeout: float) -> dict:
    import pandas as pd

    events = pd.read_parquet(parquet, columns=["latitude", "longitude", "location", "event_type"])

    def build() -> str:
        fmap = folium.Map(location=(20, 0), zoom_start=2, tiles=None)
        for row in events.itertuples():
            folium.Marker((row.latitude, row.longitude), tooltip=f"{row.location}: {row.event_type}").add_to(fmap)
        return _get_map_string(fmap)

    t0 = time.perf_counter()
    text = build()
    build_s = time.perf_counter() - t0
    # Streamlit serves the static folder beside the main script: run a copy beside a link to ours
    runner = parquet.parent.parent.parent / "naive"
    runner.mkdir(exist_ok=True)
    (runner / "naive_app.py").write_text((ROOT / "bench" / "naive_app.py").read_text())
    if not (runner / "static").exists():
        (runner / "static").symlink_to(ROOT / "static")
    run = served_peer(str(runner / "naive_app.py"), {"NAIVE_EVENTS": str(parquet), "PYTHONPATH": str(ROOT)},
                      port, "naive", n, timeout)
    return {"build_s": build_s, "map_bytes": len(text.encode()), **run}


def served_peer(script: str, env: dict[str, str], port: int, js: str, want: int | None, timeout: float) -> dict:
    """A peer's app served: its first visit, the visits after it (if the first drew), its peak memory."""
    proc = serve(script, env, port)
    try:
        cold = probe(f"http://127.0.0.1:{port}", js, want, timeout, pan=False)
        run = warm_visits(f"http://127.0.0.1:{port}", js, want, timeout) if cold["draw_s"] else dict(cold)
        run["draw_cold_s"] = cold["draw_s"]
        return {**run, "peak_mib": peak_rss_mib(proc.pid)}
    finally:
        proc.terminate()
        proc.wait(10)


def measure_pydeck(n: int, parquet: Path, port: int, timeout: float) -> dict:
    import pandas as pd
    import pydeck as pdk

    events = pd.read_parquet(parquet, columns=["latitude", "longitude"])

    def build() -> str:
        layer = pdk.Layer("ScatterplotLayer", data=events, get_position=["longitude", "latitude"])
        return pdk.Deck(layers=[layer], map_style=None).to_json()

    t0 = time.perf_counter()
    text = build()
    build_s = time.perf_counter() - t0
    run = served_peer(str(ROOT / "bench" / "pydeck_app.py"), {"PYDECK_EVENTS": str(parquet)}, port, "pydeck", None,
                      timeout)
    return {"build_s": build_s, "map_bytes": len(text.encode()), **run}


POSTGIS_VIEWS = {  # what a user looks at: the world, a region, a city
    "world (z2)": Viewport(-60, -180, 75, 180, 2),
    "Middle East (z5)": Viewport(25, 30, 45, 60, 5),
    "a city (z10)": Viewport(35.6, 51.25, 35.8, 51.5, 10),
}


def _postgis_filters(countries: list[str]) -> dict[str, dict]:
    return {"no filter": {}, "2020-2021": {"date_from": date(2020, 1, 1), "date_to": date(2021, 12, 31)},
            "2020-2021, one country": {"date_from": date(2020, 1, 1), "date_to": date(2021, 12, 31),
                                       "countries": frozenset(countries[:1])},
            "15 Mar 2020 - 10 Jul 2021": {"date_from": date(2020, 3, 15), "date_to": date(2021, 7, 10)},
            "text 'battle'": {"query": "battle"}}


def write_acled_parts(path: Path, rows: int, part: int = 1_000_000) -> Path:
    """A CSV of ``rows`` synthetic events, written a million at a time (each part its own seed)."""
    from frontier_atlas.events.synthetic import acled_frame

    with path.open("w", encoding="utf-8", newline="") as f:
        for k, start in enumerate(range(0, rows, part)):
            acled_frame(min(part, rows - start), seed=7 + k).to_csv(f, index=False, header=k == 0)
    return path


def layer_times(view_of, countries: list[str], repeat: int, forget=None) -> dict[str, float]:
    """Median seconds to filter and build the event layer, per view and filter (a page run's work).

    ``forget``: called before each run, to time a filter's first view (the PostGIS path keeps
    a filter's total count for the pans that follow)."""
    out = {}

    def run(chosen, view):
        if forget is not None:
            forget()
        build_event_layer([view_of(chosen)], view)

    for fname, chosen in _postgis_filters(countries).items():
        for vname, view in POSTGIS_VIEWS.items():
            out[f"{vname}, {fname}"] = median_time(lambda: run(chosen, view), repeat)
    return out


def served_memory(env: dict[str, str], port: int) -> tuple[float, dict]:
    """The app process's peak RSS after a page showed the set (and a second visit)."""
    proc = serve("app.py", env, port)
    try:
        first = probe(f"http://127.0.0.1:{port}", "ours", None, 180, pan=False)
        second = probe(f"http://127.0.0.1:{port}", "ours", None, 120, pan=True)
        return peak_rss_mib(proc.pid), {"draw_cold_s": first["draw_s"], "draw_s": second["draw_s"],
                                        "pan_bytes": second["pan_bytes"]}
    finally:
        proc.terminate()
        proc.wait(10)


def postgis_main(sizes: list[int], out: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from support.postgres import Cluster

    from frontier_atlas.events import PostgisImportStore
    from frontier_atlas.events.view import MaskedSet

    work = Path(tempfile.mkdtemp(prefix="fa-scale-pg-"))
    cluster = Cluster(durable=True, settings={"shared_buffers": "2GB", "work_mem": "64MB"})
    results: dict[str, dict] = {}
    try:
        for n in sizes:
            csv = write_acled_parts(work / f"acled-{n}.csv", n)
            mapping = guess_mapping(read_header(csv.read_bytes()[:200_000], csv.name))
            if n == sizes[0]:  # the in-memory path, for the ratios
                user = work / "user-memory"
                store = ImportStore(user / "imports")
                t0 = time.perf_counter()
                info, _ = import_events(csv, csv.name, mapping, store, f"Synthetic {n:,}", by=local_actor())
                import_s = time.perf_counter() - t0
                es = store.open(info.id)
                countries = sorted(es.countries(), key=lambda c: -int(es.mask(countries=frozenset({c})).sum()))
                keys = {"date_from": None, "date_to": None, "countries": frozenset(), "event_types": frozenset(),
                        "query": ""}
                times = layer_times(lambda c: MaskedSet(es, es.mask(**{**keys, **c})), countries, 7)
                peak, seen = served_memory({"FRONTIER_ATLAS_USER_DIR": str(user)}, 8702)
                results[f"in memory, {n:,}"] = {"import_s": import_s, "times": times, "peak_mib": peak, **seen}
                print("memory", n, json.dumps(results[f"in memory, {n:,}"], default=str), flush=True)
                del es
            url = cluster.new_database()
            store = PostgisImportStore(url)
            t0 = time.perf_counter()
            info, _ = import_events(csv, csv.name, mapping, store, f"Synthetic {n:,}", by=local_actor())
            import_s = time.perf_counter() - t0
            import psycopg

            with psycopg.connect(url, autocommit=True) as con:
                t1 = time.perf_counter()
                con.execute("VACUUM ANALYZE events")  # what autovacuum does soon after an import
                vacuum_s = time.perf_counter() - t1
                size = con.execute("SELECT pg_total_relation_size('events')").fetchone()[0]
                size += con.execute("SELECT pg_total_relation_size('event_cube')").fetchone()[0]
                cube = dict(con.execute("SELECT zoom, count(*) FROM event_cube GROUP BY 1 ORDER BY 1").fetchall())
            es = store.open(info.id)
            from frontier_atlas.events import postgis_query

            repeat = 5 if n <= 1_000_000 else 3
            first = layer_times(lambda c: es.filtered(**c), countries, repeat, forget=postgis_query.forget_counts)
            times = layer_times(lambda c: es.filtered(**c), countries, repeat)
            user = work / f"user-pg-{n}"
            peak, seen = served_memory({"FRONTIER_ATLAS_USER_DIR": str(user), "FRONTIER_ATLAS_DATABASE_URL": url},
                                       8703)
            results[f"PostGIS, {n:,}"] = {"import_s": import_s, "vacuum_s": vacuum_s, "table_bytes": size,
                                          "times": times, "first": first, "cube": cube, "peak_mib": peak, **seen}
            print("postgis", n, json.dumps(results[f"PostGIS, {n:,}"], default=str), flush=True)
            csv.unlink()
    finally:
        from frontier_atlas.data.postgres_database import close_all

        close_all()
        cluster.remove()
    write_postgis_results(results, sizes, out)


def write_postgis_results(results: dict[str, dict], sizes: list[int], out: Path) -> None:
    paths = list(results)
    pg_paths = [p for p in paths if "first" in results[p]]
    cases = list(next(iter(results.values()))["times"])

    def first(p: str) -> dict[str, float]:  # the in-memory path keeps nothing between runs
        return results[p].get("first", results[p]["times"])

    lines = [
        "# Scale: imported events in PostGIS against the in-memory path",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python "
        f"{platform.python_version()}, PostgreSQL 15 and PostGIS 3 on the same machine (durable settings, "
        "shared_buffers 2 GB, work_mem 64 MB, 2 parallel workers), headless Chromium. Synthetic ACLED-shaped "
        "rows (`frontier_atlas/events/synthetic.py`, a million per seed). `bench/scale.py --postgis`.",
        "",
        "Filter and count: the event layer built for one view under one filter, as a page run builds it "
        "(the filter's total count, whether the padded view holds more than 1,000 events, then the grid "
        "cells the view touches or the points in view). A pan: the filter's total is known from the "
        "run before (the PostGIS path keeps it per set and filter; a set's events never change). A "
        "filter's first view: that total counted too. Medians of 7 (in memory), 5 (PostGIS, 1M) and 3 "
        "(PostGIS, 10M). At zooms 0 to 6 the PostGIS path sums counts made at import "
        "(`events/postgis_cube.py`); text filters and deeper zooms read the events table. "
        "Memory: the app process's peak RSS (VmHWM) after two visits that drew the set.",
        "",
        "| | " + " | ".join(paths) + " |",
        "|---|" + "---:|" * len(paths),
        "| import (with the counts made ahead) | " + " | ".join(fmt_s(results[p]["import_s"]) for p in paths) + " |",
        "| then VACUUM ANALYZE | " + " | ".join(fmt_s(results[p].get("vacuum_s")) if "vacuum_s" in results[p]
                                             else "–" for p in paths) + " |",
        "| table, counts ahead and indexes | " + " | ".join(fmt_b(results[p].get("table_bytes")) for p in paths)
        + " |",
        "| rows counted ahead, zoom 0 / 2 / 4 / 6 | " + " | ".join(
            " / ".join(f"{results[p]['cube'].get(z, 0):,}" for z in (0, 2, 4, 6)) if "cube" in results[p] else "–"
            for p in paths) + " |",
        "| **a pan** | |",
    ]
    for case in cases:
        lines.append(f"| {case} | " + " | ".join(fmt_s(results[p]["times"][case]) for p in paths) + " |")
    lines.append("| median over the views and filters, a pan | " + " | ".join(
        fmt_s(statistics.median(results[p]["times"].values())) for p in paths) + " |")
    lines.append("| **a filter's first view** | |")
    for case in cases:
        lines.append(f"| {case} | " + " | ".join(fmt_s(first(p)[case]) for p in paths) + " |")
    lines.append("| median over the views and filters, first view | " + " | ".join(
        fmt_s(statistics.median(first(p).values())) for p in paths) + " |")
    lines.append("| app process peak memory | " + " | ".join(f"{results[p]['peak_mib']:.0f} MiB" for p in paths)
                 + " |")
    lines.append("| page load to layer drawn (first visit) | " + " | ".join(
        f"{fmt_s(results[p]['draw_s'])} ({fmt_s(results[p]['draw_cold_s'])})" for p in paths) + " |")
    memory, pg = paths[0], pg_paths[0]
    lines += ["", f"## Ratios at {sizes[0]:,} events (PostGIS ÷ in memory)", "",
              "| | a pan | first view |", "|---|---:|---:|",
              f"| import | {results[pg]['import_s'] / results[memory]['import_s']:.1f}x | |"]
    for case in cases:
        lines.append(f"| {case} | {results[pg]['times'][case] / results[memory]['times'][case]:.1f}x | "
                     f"{first(pg)[case] / results[memory]['times'][case]:.1f}x |")
    lines.append(f"| app process peak memory | {results[pg]['peak_mib'] / results[memory]['peak_mib']:.2f}x | |")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def fmt_s(v) -> str:
    return "timed out" if v is None else (f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s")


def fmt_b(v) -> str:
    if v is None:
        return "–"
    return f"{v / 1e6:.2f} MB" if v >= 1e6 else f"{v / 1e3:.0f} kB"


def fmt_mib(v) -> str:
    return "–" if v is None else f"{v:.0f} MiB"


def ratio(a, b) -> str:
    return f"{a / b:.1f}x" if a and b else "–"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--naive-max", type=int, default=100_000, help="largest size to try the naive way at")
    parser.add_argument("--naive-timeout", type=float, default=120.0)
    parser.add_argument("--pydeck-max", type=int, default=1_000_000, help="largest size to try pydeck at")
    parser.add_argument("--pydeck-timeout", type=float, default=180.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale.md"))
    parser.add_argument("--probe", help=argparse.SUPPRESS)  # internal: one browser visit
    parser.add_argument("--js", default="ours", help=argparse.SUPPRESS)
    parser.add_argument("--want", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=60, help=argparse.SUPPRESS)
    parser.add_argument("--pan", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--postgis", help="sizes for the PostGIS comparison instead (e.g. 1000000,10000000)")
    args = parser.parse_args()
    if args.probe:
        return _probe_main(args)
    if args.postgis:
        return postgis_main([int(s) for s in args.postgis.split(",")],
                            ROOT / "bench" / "results" / "scale-postgis.md")
    sizes = [int(s) for s in args.sizes.split(",")]

    work = Path(tempfile.mkdtemp(prefix="fa-scale-"))
    ds = load_dataset(ROOT / "data")
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    ds_bits = (ds, located, records_frame(ds, located))
    ours, naive, deck = {}, {}, {}
    for n in sizes:
        csv = write_acled_csv(work / f"acled-{n}.csv", n, seed=7)
        ours[n] = measure_ours(n, csv, work, 8700, ds_bits)
        print(n, "ours", json.dumps(ours[n]), flush=True)
        csv.unlink()
    for n in sizes:  # after ours, so a stuck naive page cannot slow our measures
        if n > args.naive_max:
            break
        parquet = next((work / f"user-{n}" / "imports").glob("*/events.parquet"))
        naive[n] = measure_naive(n, parquet, 8701, args.naive_timeout)
        print(n, "naive", json.dumps(naive[n]), flush=True)
        if naive[n]["draw_s"] is None:
            break  # larger sizes would only take longer
    for n in sizes:
        if n > args.pydeck_max:
            break
        parquet = next((work / f"user-{n}" / "imports").glob("*/events.parquet"))
        deck[n] = measure_pydeck(n, parquet, 8702, args.pydeck_timeout)
        print(n, "pydeck", json.dumps(deck[n]), flush=True)
        if deck[n]["draw_s"] is None:
            break

    lines = [
        "# Scale: imported events, ours against the naive way and pydeck",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python "
        f"{platform.python_version()}, headless Chromium. Synthetic ACLED-shaped rows "
        "(`frontier_atlas/events/synthetic.py`: real towns, ten years). Filter: 2020–2021 and the "
        "country with most events; medians of 21. Map build: the curated map plus the event layer "
        "at the opening world view, rendered to the strings st_folium sends; medians of 7. "
        "Drawn: page load to the event layer drawn (for the naive way: every marker drawn; for pydeck: "
        "its points seen in a screenshot of its canvas), median "
        "of three visits after the first; the first visit after the server started is in brackets "
        "(it also opens the set). Pan: one pan of 400 × 150 px; its latency is from the pan to the new "
        "event layer drawn (ours: the server picks the events of the new view) or to the second "
        "animation frame after it (the naive map and pydeck hold every point in the browser), and its "
        "bytes are those the websocket brought in the next 4 s. "
        "Memory: the app process's peak RSS (VmHWM), and the page's JavaScript heap in Chromium after the draw "
        "(WebGL buffers are not in it). Headless Chromium here draws WebGL in software (SwiftShader): pydeck's draw "
        "and pan times are a software renderer's, slower than on a machine with a GPU.",
        "",
        "## Ours",
        "",
        "| rows | import | reopen | filter | map build | map payload (of it, event layer) | "
        "bytes to browser, load | bytes per pan | pan | drawn in browser | peak memory | browser heap |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in ours.items():
        lines.append(f"| {n:,} | {fmt_s(r['import_s'])} | {fmt_s(r['reopen_s'])} | {fmt_s(r['filter_s'])} | "
                     f"{fmt_s(r['build_s'])} | {fmt_b(r['map_bytes'])} ({fmt_b(r['layer_bytes'])}) | "
                     f"{fmt_b(r['ws_bytes_load'])} | {fmt_b(r['pan_bytes'])} | {fmt_s(r.get('pan_s'))} | "
                     f"{fmt_s(r['draw_s'])} ({fmt_s(r['draw_cold_s'])}) | {r['peak_mib']:.0f} MiB | "
                     f"{fmt_mib(r.get('heap_mib'))} |")
    peers = (("naive", "The naive way (one folium.Marker per row, whole map re-sent)", naive, "--naive-max"),
             ("pydeck", "pydeck (one deck.gl ScatterplotLayer in st.pydeck_chart, every point sent)", deck,
              "--pydeck-max"))
    for key, title, found, flag in peers:
        lines += ["", f"## {title}", "",
                  "| rows | map build | map payload | bytes to browser, load | bytes per pan | pan | "
                  "drawn in browser | peak memory | browser heap |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n, r in found.items():
            lines.append(f"| {n:,} | {fmt_s(r['build_s'])} | {fmt_b(r['map_bytes'])} | {fmt_b(r['ws_bytes_load'])} | "
                         f"{fmt_b(r['pan_bytes'])} | {fmt_s(r.get('pan_s'))} | {fmt_s(r['draw_s'])} "
                         f"({fmt_s(r['draw_cold_s'])}) | {r['peak_mib']:.0f} MiB | {fmt_mib(r.get('heap_mib'))} |")
        skipped = [n for n in sizes if n not in found]
        if skipped:
            lines += ["", f"Not tried {key} at {', '.join(f'{n:,}' for n in skipped)} rows: it had already "
                      f"timed out at a smaller size, or exceeded `{flag}`."]
    for key, _, found, _ in peers:
        lines += ["", f"## Ratios ({key} ÷ ours)", "",
                  "| rows | map payload | bytes to browser | drawn in browser | pan | server memory | browser heap |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        for n, r in found.items():
            o = ours[n]
            lines.append(f"| {n:,} | {ratio(r['map_bytes'], o['map_bytes'])} | "
                         f"{ratio(r['ws_bytes_load'], o['ws_bytes_load'])} | {ratio(r['draw_s'], o['draw_s'])} | "
                         f"{ratio(r.get('pan_s'), o.get('pan_s'))} | {ratio(r['peak_mib'], o['peak_mib'])} | "
                         f"{ratio(r.get('heap_mib'), o.get('heap_mib'))} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
