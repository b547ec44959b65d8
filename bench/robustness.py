"""What one visitor can cost everyone else, measured on the real app server (issue 15).

Each benchmark is a function registered in ``BENCHES``; run one with
``python bench/robustness.py NAME [options]``. Results go in bench/results/robustness.md,
one section per benchmark.

uploads: uploaded files abandoned (uploaded, never imported, the tab closed). Streamlit
keeps every upload in the server's memory until the session that made it is shut down,
and a disconnected session is only ever dropped from its reconnect store, never shut
down, so its uploads stayed for good (frontier_atlas/app/uploads.py now releases them).
Each cycle is what a browser does: open the websocket, ask for an upload URL
(``file_urls_request``, as the uploader widget does), PUT the file to
/_stcore/upload_file, close the websocket. The server's RSS (``/proc``) and Streamlit's
own count of upload bytes (/_stcore/metrics) are read before the cycles, after them,
and once the disconnected sessions' reconnect time (``server.disconnectedSessionTTL``,
shortened here so the run stays short) and the release's check interval have passed.

imports: small files of a hostile shape (a header of commas; a new GeoJSON property name
on every feature), read as the import page does (header, column pickers, whole file) in a
fresh process each, so CPU seconds and VmHWM are that file's own: the committed code
(``git archive HEAD``) against the working tree, in the same run.

bystander: the real app on the curated data; headless Chromium opens the map in fresh
sessions (until its record markers are drawn) idle, while another session extracts the
largest accepted article, and while another uploads and imports a large synthetic ACLED
file through the import page; the server's memory is sampled from /proc meanwhile. It
prints a table (about 3.5 minutes); the section in the results is written by hand, as it
compares two runs (before and after a change).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.appserver import AppServer, child_pids, job_pids  # noqa: E402
from support.paths import SEED  # noqa: E402

BENCHES: dict[str, Callable[[list[str]], None]] = {}


def bench(fn: Callable[[list[str]], None]) -> Callable[[list[str]], None]:
    BENCHES[fn.__name__] = fn
    return fn


# --- uploads --------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (MB)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def upload_bytes_held(base_url: str) -> int:
    """Streamlit's own count of the bytes its upload manager holds (0 when it holds none)."""
    with urllib.request.urlopen(f"{base_url}/_stcore/metrics", timeout=10) as r:
        text = r.read().decode()
    found = re.findall(r'cache_memory_bytes\{[^}]*cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text)
    return sum(int(n) for n in found)


def upload_and_abandon(base_url: str, body: bytes, name: str = "events.csv", run_page: bool = False) -> None:
    """One visitor: connect, upload one file as the uploader widget does, close the tab.

    ``run_page``: first run the app's script, as a browser's first message does.
    """
    asyncio.run(_upload_and_abandon(base_url, body, name, run_page))


async def _upload_and_abandon(base_url: str, body: bytes, name: str, run_page: bool) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()  # the cookie and the header carry the same token
    ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    host = base_url.split("//", 1)[1]
    async with websockets.connect(ws_url, subprotocols=["streamlit", token], origin=base_url,
                                  additional_headers={"Cookie": f"_streamlit_xsrf={token}"},
                                  max_size=None) as ws:
        if run_page:
            run = BackMsg()
            run.rerun_script.query_string = ""
            await ws.send(run.SerializeToString())
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
                if msg.WhichOneof("type") == "script_finished":
                    break
        ask = BackMsg()
        ask.file_urls_request.request_id = uuid.uuid4().hex
        ask.file_urls_request.file_names.append(name)
        await ws.send(ask.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), 30))
            if msg.WhichOneof("type") == "file_urls_response":
                upload_url = msg.file_urls_response.file_urls[0].upload_url
                break
        await asyncio.to_thread(_put_file, f"http://{host}{upload_url}", token, body, name)


def _put_file(url: str, token: str, body: bytes, name: str) -> None:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    data = head + body + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=data, method="PUT", headers={
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 204, r.status


@bench
def uploads(argv: list[str]) -> None:
    """Server memory over ``--cycles`` upload-and-abandon visits of ``--size-mb`` each."""
    ap = argparse.ArgumentParser(prog="robustness.py uploads")
    ap.add_argument("--cycles", type=int, default=20)
    ap.add_argument("--size-mb", type=int, default=150)
    ap.add_argument("--ttl", type=int, default=5, help="server.disconnectedSessionTTL for the run (s)")
    ap.add_argument("--wait", type=float, default=10, help="s to wait after the last cycle")
    args = ap.parse_args(argv)

    os.environ["STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"] = str(args.ttl)
    body = (b"event_date,latitude,longitude,event_type\n" + b"2024-01-01,40.1,47.2,test\n"
            * (args.size_mb * 1024 * 1024 // 27))[: args.size_mb * 1024 * 1024]
    with tempfile.TemporaryDirectory() as tmp:
        user = Path(tmp) / "user"
        user.mkdir()
        server = AppServer(SEED, user)
        try:
            # the first visit runs the app (its data load; the releaser starts there)
            upload_and_abandon(server.url, b"warm,up\n1,2\n", run_page=True)
            time.sleep(args.ttl + 2)
            start = rss_mb(server.proc.pid)
            t0 = time.monotonic()
            for _ in range(args.cycles):
                upload_and_abandon(server.url, body)
            upload_s = time.monotonic() - t0
            after_cycles, held_cycles = rss_mb(server.proc.pid), upload_bytes_held(server.url)
            time.sleep(args.wait)
            end, held_end = rss_mb(server.proc.pid), upload_bytes_held(server.url)
        finally:
            server.stop()
    print(f"{args.cycles} cycles of {args.size_mb} MB in {upload_s:.1f} s "
          f"(disconnectedSessionTTL {args.ttl} s, then {args.wait:.0f} s wait)")
    print(f"RSS at start        {start:8.0f} MB")
    print(f"RSS after cycles    {after_cycles:8.0f} MB   uploads held {held_cycles / 2**20:8.0f} MB")
    print(f"RSS after the wait  {end:8.0f} MB   uploads held {held_end / 2**20:8.0f} MB")
    print(f"growth over start   {end - start:+8.0f} MB (target: within 50 MB)")


# --- imports ---------------------------------------------------------------------------

IMPORT_PROBE = r'''
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from frontier_atlas.events import ColumnMapping, FIELDS, UnreadableFile, guess_mapping, read_events, read_header
data = open(sys.argv[2], "rb").read()
name = sys.argv[3]
label_chars = int(sys.argv[4])  # 0: the picker shows whole names (as before)
t0 = time.process_time()
outcome, picker_bytes = "read", 0
try:
    columns = read_header(data, name)
    # what the import page sends: every picker lists "(none)" and every column
    short = (lambda c: c) if not label_chars else (lambda c: c if len(c) <= label_chars else c[:label_chars - 1] + "x")
    picker_bytes = len(FIELDS) * sum(len(short(c).encode()) for c in ["(none)", *columns])
    mapping = guess_mapping(columns)
    if mapping.missing():
        mapping = ColumnMapping("custom", {"date": "date", "latitude": "latitude", "longitude": "longitude"})
    result = read_events(data, name, mapping)
    outcome = f"{len(result.frame)} events, {result.rejected} rejected"
except UnreadableFile as exc:
    outcome = "refused: " + str(exc)[:90]
cpu = time.process_time() - t0
hwm = int([l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]) / 1024
print(json.dumps({"cpu_s": cpu, "hwm_mb": hwm, "picker_bytes": picker_bytes, "outcome": outcome}))
'''


def _import_shapes(folder: Path) -> list[tuple[str, Path, str]]:
    """The filed shapes (a header of commas; a property name per feature) and a peer of each size."""
    import json

    shapes = []

    def put(label: str, name: str, body: bytes) -> None:
        path = folder / name
        path.write_bytes(body)
        shapes.append((label, path, name))

    put("CSV, 100 kB header of commas", "commas100k.csv", b"," * 100_000 + b"\n")
    put("CSV, 1 MB header of commas", "commas1m.csv", b"," * 1_000_000 + b"\n")
    put("CSV, 30 kB header of commas (under the line limit)", "commas30k.csv", b"," * 30_000 + b"\n")
    feats = []
    k = 0
    while sum(len(f) for f in feats) < 1_100_000:
        feats.append(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [45.1, 40.1]},
                                 "properties": {"date": "2024-05-18", f"p{k}": "x"}}))
        k += 1
    put(f"GeoJSON 1.1 MB, a new property name on each of {k:,} features", "names.geojson",
        ('{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}").encode())
    same = [f.replace(f'"p{i}"', '"place"') for i, f in enumerate(feats)]
    put(f"peer: GeoJSON 1.1 MB, {k:,} features sharing their names", "same.geojson",
        ('{"type":"FeatureCollection","features":[' + ",".join(same) + "]}").encode())
    wide = ",".join(f"{'column name ' * 10}{k:04d}" for k in range(480))  # 480 names of 124 characters
    put("CSV at the limits: 480 columns of 124-character names", "wide.csv",
        f"date,latitude,longitude,{wide}\n2024-05-18,40.1,45.1{',x' * 480}\n".encode())
    rows = "".join(f"2024-05-{1 + i % 28:02d},{40 + i % 100 / 100:.2f},45.1,Agdam,note {i}\n" for i in range(28_000))
    put("peer: CSV 1.1 MB, 5 columns, 28,000 rows", "rows.csv",
        ("event_date,latitude,longitude,location,notes\n" + rows).encode())
    return shapes


def _probe(code_root: Path, path: Path, name: str, label_chars: int, cpu_limit: int, mem_mb: int) -> dict:
    """One shape read in a fresh process (its own peak memory), stopped at the CPU or memory limit."""
    import json
    import resource
    import subprocess

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, cpu_limit))
        resource.setrlimit(resource.RLIMIT_AS, (mem_mb << 20, mem_mb << 20))

    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", IMPORT_PROBE, str(code_root), str(path), name, str(label_chars)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limits,
                            cwd=code_root)
    peak = 0.0  # VmHWM sampled from outside, so a probe stopped at a limit still has its peak so far
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = max(peak, int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        except (OSError, AttributeError):
            pass
        time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.monotonic() - t0
    if proc.returncode == 0 and out.strip():
        return {**json.loads(out.strip().splitlines()[-1]), "wall_s": wall}
    why = "CPU limit" if proc.returncode in (-9, -24) else ("memory limit" if "MemoryError" in err
                                                           else f"exit {proc.returncode}")
    return {"cpu_s": None, "hwm_mb": peak, "picker_bytes": None, "wall_s": wall,
            "outcome": f"stopped at the {why} ({wall:.0f} s wall), peak so far {peak:.0f} MB"}


@bench
def imports(argv: list[str]) -> None:
    """CPU seconds, peak memory and picker bytes of reading small hostile files: before vs now.

    "before" is the committed code (``git archive HEAD``), "now" the working tree; each shape
    is read in a fresh process so VmHWM is that file's own peak.
    """
    import subprocess

    ap = argparse.ArgumentParser(prog="robustness.py imports")
    ap.add_argument("--cpu-limit", type=int, default=12, help="CPU s before a probe is stopped")
    ap.add_argument("--mem-mb", type=int, default=2500, help="address space a probe may use (MB)")
    ap.add_argument("--skip-before", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        before = folder / "before"
        before.mkdir()
        if not args.skip_before:
            archive = subprocess.run(["git", "archive", "HEAD", "frontier_atlas"], cwd=ROOT, capture_output=True,
                                     check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        rows = []
        for label, path, name in _import_shapes(folder):
            old = (None if args.skip_before
                   else _probe(before, path, name, 0, args.cpu_limit, args.mem_mb))
            new = _probe(ROOT, path, name, 60, args.cpu_limit, args.mem_mb)
            rows.append((label, path.stat().st_size, old, new))

    def fmt(r: dict | None, key: str, spec: str, scale: float = 1.0) -> str:
        return "-" if r is None or r[key] is None else format(r[key] / scale, spec)

    print(f"limits per probe: {args.cpu_limit} s CPU, {args.mem_mb} MB address space")
    print("| file | size | before: CPU s | before: peak MB | before: picker MB | now: CPU s | now: peak MB "
          "| now: picker MB | before | now |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for label, size, old, new in rows:
        print(f"| {label} | {size / 1e6:.2f} MB | {fmt(old, 'cpu_s', '.2f')} | {fmt(old, 'hwm_mb', '.0f')} | "
              f"{fmt(old, 'picker_bytes', '.2f', 1e6)} | {fmt(new, 'cpu_s', '.2f')} | {fmt(new, 'hwm_mb', '.0f')} | "
              f"{fmt(new, 'picker_bytes', '.3f', 1e6)} | {old['outcome'] if old else '-'} | {new['outcome']} |")


# --- article extraction -----------------------------------------------------------------

ARTICLE_SHAPES = {  # one unit each, repeated to the size measured
    "one-word paragraphs": "Word\n\n",
    "one line": "the Iranian Army said in Iran ",
    "place names, dates, countries": "Tehran Iran May 18, 2025 Azerbaijan Ardabil Province on Monday ",
    "quotes and brackets": "“a (b [c \"d ",
    "codenames, drills, crossings": ("“Aras” drill in Karabakh with Iran and Azerbaijan from May 18 to 21, "
                                     "Bileh-Savar crossing into Iran.\n\n"),
}


def _article_worker(argv: list[str]) -> None:
    """In a child process: time ``extract`` of each shape at each size, print JSON."""
    import json
    from datetime import date

    root, sizes, lifted = argv[0], [int(n) for n in argv[1].split(",")], argv[2] == "lifted"
    sys.path.insert(0, root)
    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.geocode.chain import GeocoderChain
    from frontier_atlas.ingest.drafts import extract

    geo = GeocoderChain(load_dataset(SEED).places)
    reports = "\n\n".join((ROOT / "tests/fixtures/reports" / n).read_text(encoding="utf-8")
                           for n in ("drill-announcement.txt", "border-villages.txt", "joint-exercise-report.txt"))
    kw = dict(max_chars=10**9, max_paragraphs=10**9, max_paragraph_chars=10**9, max_drafts=10**9) if lifted else {}
    extract(reports, date(2025, 5, 18), geo)  # the gazetteer indexes, built once
    normal = []
    for _ in range(7):
        t0 = time.perf_counter()
        extract(reports, date(2025, 5, 18), geo)
        normal.append(time.perf_counter() - t0)
    out = {"normal": [len(reports), sorted(normal)[3]], "shapes": {}}
    for shape, unit in ARTICLE_SHAPES.items():
        for n in sizes:
            text = (unit * (n // len(unit) + 1))[:n]
            best = float("inf")
            for _ in range(3 if n <= 50_000 else 1):  # the best of 3 where that is cheap
                t0 = time.perf_counter()
                try:
                    r = extract(text, date(2025, 5, 18), geo, **kw)
                    what = f"{len(r.places):,} places, {len(r.dates):,} dates, {len(r.drafts):,} drafts"
                except ValueError as exc:
                    what = f"refused ({getattr(exc, 'limit', exc)})"
                best = min(best, time.perf_counter() - t0)
            out["shapes"].setdefault(shape, []).append([n, best, what])
    print(json.dumps(out))


def _write_section(title: str, body: str) -> None:
    """Replace (or add) one ``## title`` section of bench/results/robustness.md, keeping the others."""
    path = ROOT / "bench" / "results" / "robustness.md"
    text = path.read_text(encoding="utf-8") if path.exists() else (
        "# Robustness: what one visitor can cost everyone else (issue 15)\n\n"
        "One section per benchmark in `bench/robustness.py`.\n")
    section = f"## {title}\n\n{body.strip()}\n"
    found = re.search(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", text, re.S | re.M)
    text = text[:found.start()] + section + ("\n" + text[found.end():] if text[found.end():] else "") \
        if found else text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


@bench
def article(argv: list[str]) -> None:
    """Article extraction (row 1): the old code (HEAD) and this tree on the same adversarial shapes."""
    import json
    import subprocess

    if argv and argv[0] == "--worker":
        return _article_worker(argv[1:])
    sys.path.insert(0, str(ROOT))
    from frontier_atlas.ingest.reading import MAX_BYTES, MAX_CHARS

    def run(root: Path, sizes: list[int], mode: str) -> dict:
        done = subprocess.run([sys.executable, __file__, "article", "--worker", str(root),
                               ",".join(map(str, sizes)), mode], capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "frontier_atlas"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        (old / "data").symlink_to(ROOT / "data")  # settings find the data beside the package
        before = run(old, [10_000, 40_000], "as is")
    now_small = run(ROOT, [10_000, 40_000, MAX_CHARS], "lifted")
    now_max = run(ROOT, [MAX_BYTES], "as is")

    def per_kb(n: int, s: float) -> float:
        return s / (n / 1000) * 1000  # ms per kB

    normal_ms = per_kb(*before["normal"]), per_kb(*now_small["normal"])
    rows = ["| shape | before: 10 kB | before: 40 kB | growth 4x | now: 10 kB | now: 40 kB | growth 4x | "
            f"now: {MAX_CHARS // 1000} kB (limits lifted) | ms/kB vs normal report | now: 2 MB as the page runs it |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for shape in ARTICLE_SHAPES:
        (_, b1, _), (_, b4, _) = before["shapes"][shape]
        (_, n1, _), (_, n4, _), (nm, nmax, what) = now_small["shapes"][shape]
        (_, big, said) = now_max["shapes"][shape][0]
        rows.append(f"| {shape} | {b1:.2f} s | {b4:.2f} s | {b4 / b1:.1f}x | {n1:.3f} s | {n4:.3f} s | "
                    f"{n4 / n1:.1f}x | {nmax:.2f} s ({what}) | {per_kb(nm, nmax) / normal_ms[1]:.1f}x | "
                    f"{big * 1000:.1f} ms, {said} |")
    body = f"""
`python bench/robustness.py article` (about 35 s; {time.strftime("%Y-%m-%d")}, 2 CPUs shared with
other jobs). Each shape is one unit repeated to the size, given to `ingest.drafts.extract` in a
child process (the GeoNames index built first, not timed; sizes up to 50 kB: best of 3).
**before** is the committed code (`git archive HEAD frontier_atlas`), **now** this tree, in the
same run. The peer is the three test reports (`tests/fixtures/reports`, {before['normal'][0]:,}
characters), median of 7: {normal_ms[0]:.2f} ms/kB before, {normal_ms[1]:.2f} ms/kB now;
"ms/kB vs normal report" is the shape's time per kB at {MAX_CHARS // 1000} kB over that.
Growth: the time for 4x the text over the time for the text; 4x is linear, 16x quadratic.
At {MAX_CHARS // 1000} kB the page itself refuses the one-word paragraphs (`MAX_PARAGRAPHS`)
and the one line (`MAX_PARAGRAPH_CHARS`); it accepts the other shapes, so their time there is
the most one click can make the server spend.

{chr(10).join(rows)}

Before, each capitalised word's paragraph was found by a scan of all paragraphs, each
date's span was checked against every date taken, and each place against every quotation
and every country; an unclosed “ sent a regex to the end of the text. Now every step is one
pass plus bisection, and the page refuses, before any work, a text over `MAX_CHARS`
({MAX_CHARS:,}), `MAX_PARAGRAPHS`, `MAX_PARAGRAPH_CHARS` (ingest/reading.py), with a
message naming the limit; `MAX_DRAFTS` stops the work once passed.
"""
    _write_section("article extraction", body)
    print(body)



# --- bystander --------------------------------------------------------------------------

def _vm(pid: int, field: str) -> float:
    """One VmXXX line of a process's /proc status (MB)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024


def _private_mb(pid: int) -> float:
    """Memory a process holds of its own (Private_Clean + Private_Dirty, MB): a forked job's
    pages still shared with the server are counted once, in the server's RSS."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0  # ended meanwhile
    return sum(int(m) for m in re.findall(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", text, re.M)) / 1024


def _descendants(pid: int) -> list[int]:
    out, todo = [], child_pids(pid)
    while todo:
        p = todo.pop()
        out.append(p)
        todo += child_pids(p)
    return out


def _held_mb(pid: int) -> float:
    """The server's RSS plus what its descendants hold of their own (the jobs, and the jobs'
    fork server with its gazetteer indexes)."""
    return rss_mb(pid) + sum(_private_mb(p) for p in _descendants(pid))


class _MemorySampler:
    """Every 50 ms on a thread, so a short peak between two page polls is seen: ``_held_mb``,
    and what the background jobs alone hold of their own."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.peak, self.peak_children, self._stop = pid, 0.0, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_children = max(self.peak_children, sum(_private_mb(c) for c in job_pids(self.pid)))
            self.peak = max(self.peak, _held_mb(self.pid))
            self._stop.wait(0.05)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _heavy_text(chars: int) -> str:
    """The costliest shape per character that the page accepts whole: place names, dates and
    countries in paragraphs of about 90,000 characters (under MAX_PARAGRAPH_CHARS)."""
    paragraph = ARTICLE_SHAPES["place names, dates, countries"] * 1_400 + "\n\n"
    return (paragraph * (chars // len(paragraph) + 1))[:chars]


def _realistic_text(chars: int) -> str:
    """The three test reports, repeated to ``chars``: the page accepts it (under every limit)."""
    reports = "\n\n".join((ROOT / "tests/fixtures/reports" / n).read_text(encoding="utf-8")
                          for n in ("drill-announcement.txt", "border-villages.txt", "joint-exercise-report.txt"))
    return ((reports + "\n\n") * (chars // (len(reports) + 2) + 1))[:chars].rstrip()


class _Visits:
    """Fresh browser contexts on one server: map loads and the article and import pages."""

    def __init__(self, browser, url: str) -> None:
        self.browser, self.url = browser, url

    def new_page(self):
        ctx = self.browser.new_context(viewport={"width": 1500, "height": 1100})
        pg = ctx.new_page()
        pg.set_default_timeout(120_000)
        return pg

    @staticmethod
    def map_drawn(pg) -> bool:
        from support.browsing import map_frame

        try:
            return map_frame(pg).locator(".fa-record").count() > 0
        except Exception:  # the iframe may be swapped while we look
            return False

    def start_map(self):
        """Open the map in a fresh context without waiting: (page, start time)."""
        pg = self.new_page()
        t0 = time.monotonic()
        pg.goto(self.url, wait_until="commit")
        return pg, t0

    def map_load(self) -> float:
        """Seconds from a fresh page's navigation until the map has drawn its record markers."""
        pg, t0 = self.start_map()
        while not self.map_drawn(pg):
            pg.wait_for_timeout(50)
        took = time.monotonic() - t0
        pg.context.close()
        return took

    def article_ready(self, text: str):
        """The article page of a fresh session with ``text`` pasted (uploaded as a .txt past
        300,000 characters, which the browser would take minutes to type), not yet extracted."""
        pg = self.new_page()
        pg.goto(self.url + "/add_article")
        if len(text) > 300_000:
            # as a buffer: a path is read by the browser later, when the page reads the file
            pg.locator("input[type=file]").set_input_files(
                files=[{"name": "long.txt", "mimeType": "text/plain", "buffer": text.encode("utf-8")}])
            button = pg.get_by_role("button", name="Find places, dates and records")
            while not button.is_enabled():
                pg.wait_for_timeout(50)
        else:
            pg.get_by_label("…or paste its text").fill(text)
            pg.get_by_label("Publisher").click()  # the text area sends its value on blur
        pg.wait_for_timeout(500)
        return pg


def _extract_seconds(text: str) -> float:
    """``extract`` of ``text`` on the curated places as the page's job calls it (dates read where
    the review or a draft needs them), best of 3 (the gazetteer built first, not timed)."""
    from datetime import date

    from support.paths import DATA

    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.geocode.chain import GeocoderChain
    from frontier_atlas.ingest.drafts import extract
    from frontier_atlas.present.article import PREVIEW_CHARS

    ds = load_dataset(DATA)
    geo = GeocoderChain(ds.places, ds.overrides)
    extract(text[:3000], date(2025, 5, 18), geo)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        extract(text, date(2025, 5, 18), geo, dates_before=PREVIEW_CHARS)
        best = min(best, time.perf_counter() - t0)
    return best


def _drafts_shown(pg) -> int:
    found = pg.get_by_text(re.compile(r"^\d+ draft record\(s\)")).all_inner_texts()
    return int(found[0].split()[0]) if found else -1


def _extract_with_bystander(visits: _Visits, text: str, with_map: bool) -> tuple[float, float | None, int]:
    """Click "Find places…" in one session and (``with_map``) open the map in another at once.

    Returns (click to drafts shown, the map's load time or None, drafts). Both are
    polled in one loop, so neither wait holds up seeing the other finish.
    """
    pg = visits.article_ready(text)
    t0 = time.monotonic()
    pg.get_by_role("button", name="Find places, dates and records").click(no_wait_after=True)
    bystander, m0 = visits.start_map() if with_map else (None, 0.0)
    done = loaded = None
    while done is None or (bystander is not None and loaded is None):
        now = time.monotonic()
        if done is None and _drafts_shown(pg) >= 0:
            done = now - t0
        if bystander is not None and loaded is None and visits.map_drawn(bystander):
            loaded = now - m0
        pg.wait_for_timeout(50)
    drafts = _drafts_shown(pg)
    pg.context.close()
    if bystander is not None:
        bystander.context.close()
    return done, loaded, drafts


@bench
def bystander(argv: list[str]) -> None:
    """A bystander's map load while another session extracts the largest text or imports a large file."""
    import statistics

    from playwright.sync_api import sync_playwright
    from support.paths import CHROMIUM, DATA

    sys.path.insert(0, str(ROOT))
    from frontier_atlas.events.synthetic import write_acled_csv
    from frontier_atlas.ingest.reading import MAX_CHARS

    ap = argparse.ArgumentParser(prog="robustness.py bystander")
    ap.add_argument("--rows", type=int, default=700_000, help="rows of the synthetic ACLED file (~190 B each)")
    ap.add_argument("--loads", type=int, default=5, help="map loads per condition")
    args = ap.parse_args(argv)
    # the largest text the page accepts (MAX_CHARS) in its costliest shape, the most drafts it
    # shows (379, near MAX_DRAFTS: the three test reports to 300,000 characters), and a peer
    big, many, tiny = _heavy_text(MAX_CHARS - 1), _realistic_text(300_000), _realistic_text(2_376)
    run_t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        csv = write_acled_csv(Path(tmp) / "acled-large.csv", args.rows)
        file_mb = csv.stat().st_size / 2**20
        user = Path(tmp) / "user"
        user.mkdir()
        server = AppServer(DATA, user)
        pid = server.proc.pid
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"])
                visits = _Visits(browser, server.url)
                visits.map_load()  # the first run loads and caches the data: not a visitor's time
                _extract_with_bystander(visits, tiny, with_map=False)  # the gazetteer's indexes, built once
                _extract_with_bystander(visits, many, with_map=False)  # the jobs' fork server, started once
                idle = [visits.map_load() for _ in range(args.loads)]
                tiny_runs = [_extract_with_bystander(visits, tiny, with_map=False) for _ in range(3)]
                big_alone = [_extract_with_bystander(visits, big, with_map=False) for _ in range(3)]
                big_with = [_extract_with_bystander(visits, big, with_map=True) for _ in range(args.loads)]
                many_alone = [_extract_with_bystander(visits, many, with_map=False) for _ in range(3)]
                many_with = [_extract_with_bystander(visits, many, with_map=True) for _ in range(args.loads)]

                # the import: upload through the page, then click Import, the map opened meanwhile
                imp = visits.new_page()
                imp.goto(server.url + "/imports")
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM from here
                start_rss = rss_mb(pid)
                start_held = _held_mb(pid)  # with the fork server, once an extraction has started it
                during_import: list[float] = []
                with _MemorySampler(pid) as mem:
                    u0 = time.monotonic()
                    imp.locator("input[type=file]").set_input_files(str(csv))
                    imp.get_by_text(re.compile(r"recognised as ACLED export")).wait_for(timeout=300_000)
                    upload_s = time.monotonic() - u0
                    after_upload = rss_mb(pid)
                    i0 = time.monotonic()
                    imp.get_by_role("button", name="Import", exact=True).click(no_wait_after=True)
                    finished = imp.get_by_text("just imported", exact=False)
                    import_s = None
                    while import_s is None:
                        bystander_pg, m0 = visits.start_map()
                        loaded = None
                        while loaded is None:
                            if import_s is None and finished.count():
                                import_s = time.monotonic() - i0
                            if visits.map_drawn(bystander_pg):
                                loaded = time.monotonic() - m0
                            bystander_pg.wait_for_timeout(50)
                        bystander_pg.context.close()
                        if import_s is None or not during_import:  # a load that began before the end
                            during_import.append(loaded)
                        if len(during_import) >= args.loads:
                            break
                    while import_s is None:
                        imp.wait_for_timeout(50)
                        if finished.count():
                            import_s = time.monotonic() - i0
                    imported = imp.locator("[data-testid='stMetricValue']").first.inner_text()
                hwm = _vm(pid, "VmHWM")
                end_rss = rss_mb(pid)
                browser.close()
        finally:
            server.stop()
    in_process = _extract_seconds(big)
    run_s = time.monotonic() - run_t0

    med = statistics.median
    idle_s = med(idle)
    tiny_s = med(r[0] for r in tiny_runs)
    big_s = med(r[0] for r in big_alone)
    many_s = med(r[0] for r in many_alone)
    with_s = [r[1] for r in big_with]
    many_with_s = [r[1] for r in many_with]
    peak = max(mem.peak, hwm + start_held - start_rss)
    budget = 2 * file_mb + 200

    def loads(xs: list[float]) -> str:
        return ", ".join(f"{x:.2f}" for x in xs)

    def ratio_row(what: str, xs: list[float]) -> str:
        r = med(xs) / idle_s
        return (f"| map load while another session {what} (median of {len(xs)}) | {med(xs):.2f} s = **{r:.2f}x** "
                f"idle ({loads(xs)}) | ≤ 1.5x | {'yes' if r <= 1.5 else 'no'} |")

    rows = [
        "| measure | figure | target | met |",
        "|---|---:|---:|---|",
        f"| map load, idle (median of {len(idle)}) | {idle_s:.2f} s ({loads(idle)}) | | |",
        ratio_row(f"extracts {len(big):,} characters (the limit, costliest shape)", with_s),
        ratio_row(f"extracts {len(many):,} characters ({many_alone[0][2]} drafts)", many_with_s),
        ratio_row(f"imports {file_mb:.0f} MB", during_import),
        f"| click to drafts shown, {len(tiny):,} characters (peer, median of 3) | {tiny_s:.2f} s | | |",
        f"| click to drafts shown, {len(big):,} characters ({big_alone[0][2]} drafts; median of 3) | "
        f"{big_s:.2f} s | | |",
        f"| extraction of the largest text on the page (the two above, subtracted) | **{big_s - tiny_s:.2f} s** "
        f"| ≤ 2 s | {'yes' if big_s - tiny_s <= 2 else 'no'} |",
        f"| `extract()` alone on it, in this process (no page; best of 3) | {in_process:.2f} s "
        f"| ≤ 2 s | {'yes' if in_process <= 2 else 'no'} |",
        f"| click to drafts shown, {len(many):,} characters ({many_alone[0][2]} drafts; median of 3) | "
        f"{many_s:.2f} s | | |",
        f"| upload of the {file_mb:.0f} MB file until the page has read its header | {upload_s:.1f} s | | |",
        f"| Import click until the set is listed ({imported} events) | {import_s:.1f} s | | |",
        f"| server RSS: before the upload, after it, at the end | {start_rss:.0f} / {after_upload:.0f} / "
        f"{end_rss:.0f} MB | | |",
        f"| before the upload, with its descendants' own memory (the jobs' fork server) | {start_held:.0f} MB | | |",
        f"| of which the import's own process held at most (private memory) | {mem.peak_children:.0f} MB | | |",
        f"| server memory, peak minus start (the server's RSS plus its descendants' private memory, every "
        f"50 ms; or its VmHWM) | **{peak - start_held:.0f} MB** | ≤ 2 x {file_mb:.0f} + 200 = {budget:.0f} MB | "
        f"{'yes' if peak - start_held <= budget else 'no'} |",
    ]
    print(f"run took {run_s:.0f} s")
    print("\n".join(rows))

# --- concurrent edits (row 6) ---------------------------------------------------------

BEFORE_EDITS = "e9007e3"  # the last commit before issue 15: its page saved the whole record it opened


def _edits_worker(argv: list[str]) -> None:
    """In a child process on one tree: two sessions open one record, each changes another field,
    and both press Save in the same instant (a barrier), as that tree's page saves. Prints JSON."""
    import json
    import threading
    from datetime import date

    root, mode, trials = argv[0], argv[1], int(argv[2])
    sys.path.insert(0, root)
    if mode == "before":
        from frontier_atlas.models import Source
        from frontier_atlas.userdata import UserStore, draft_record
        me: dict = {}
    else:
        from frontier_atlas.data.userstore import Conflict, UserStore, draft_record, editable
        from frontier_atlas.domain.access import local_actor
        from frontier_atlas.domain.records import Source

        me = {"by": local_actor()}  # every write names who acts (issue 16)

    rid, lost, told = "user-border-talks", 0, 0
    for trial in range(trials):
        with tempfile.TemporaryDirectory() as tmp:
            store = UserStore(Path(tmp) / "records.sqlite3")
            source = Source(id="user-source-talks", publisher="Test Wire", title="Talks",
                            published=date(2025, 5, 18), type="news report")
            first = {"name": "Border talks", "event_type": "meeting", "description": "first report"}
            store.save([draft_record("event", first, rid, source.id)], source, "the article", **me)
            rec = next(r for r in store.load()[0] if r.id == rid)
            start, outcome = threading.Barrier(2), []

            def session(field: str, value: str) -> None:
                # what the editor held when it was opened, every field as the page showed it
                opened = {k: v for k, v in rec.model_dump().items() if k not in ("id", "kind", "source_ids")}
                fields = {k: "; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v))
                          for k, v in opened.items()}
                fields[field] = value
                start.wait()
                if mode == "before":  # old page: update() with the whole record
                    store.update(draft_record("event", fields, rid, source.id))
                    return
                try:  # this page: edit() with the field changed, from the version opened
                    store.edit(rid, version_opened, editable(rec), {field: value}, **me)
                except Conflict:
                    outcome.append("told")

            version_opened = store.version(rid) if mode != "before" else None
            threads = [threading.Thread(target=session, args=a) for a in
                       (("name", f"Talks {trial}"), ("description", f"second report {trial}"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            now = next(r for r in store.load()[0] if r.id == rid)
            kept = (now.name == f"Talks {trial}") + (now.description == f"second report {trial}")
            lost += 2 - kept - outcome.count("told")
            told += outcome.count("told")
    print(json.dumps({"trials": trials, "lost": lost, "told": told}))


@bench
def edits(argv: list[str]) -> None:
    """Row 6: two sessions save different fields of one record in the same instant, before and now."""
    import json
    import subprocess

    if argv and argv[0] == "--worker":
        return _edits_worker(argv[1:])
    ap = argparse.ArgumentParser(prog="robustness.py edits")
    ap.add_argument("--trials", type=int, default=20)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE_EDITS, "frontier_atlas"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = {}
        for mode, root in (("before", tmp), ("now", str(ROOT))):
            run = subprocess.run([sys.executable, __file__, "edits", "--worker", root, mode, str(args.trials)],
                                 capture_output=True, text=True, check=True)
            out[mode] = json.loads(run.stdout.strip().splitlines()[-1])
    print("| code | trials | edits silently lost | saves refused with the other's change shown |")
    print("|---|---:|---:|---:|")
    for mode, r in out.items():
        print(f"| {mode} | {r['trials']} | {r['lost']} of {2 * r['trials']} | {r['told']} |")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHES:
        sys.exit(f"usage: python bench/robustness.py {{{','.join(BENCHES)}}} [options]")
    BENCHES[sys.argv[1]](sys.argv[2:])
