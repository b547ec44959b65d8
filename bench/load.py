"""Many people using the map at once: interaction latency, errors and server memory.

For each N in --sessions, one real app server (the test suite's ``AppServer``: same
command, same health check) serves the bundled ``data/`` with a fresh user folder,
and one headless Chromium (Debian's, the test suite's flags) opens N browser contexts
at once. After all N have loaded the map, each session loops for --seconds:

- filter: toggle a kind pill, add or remove a country in the sidebar multiselect, or
  type a term in Search (in turn);
- timeline: turn the timeline on once, then move the "Moment" slider one step with the
  keyboard (the slider is a range input; arrows are what a keyboard user presses);
- marker: click a random single marker in the map's iframe (opens its details).

Latency signal. Each page's init script wraps its WebSocket and notes the time a
ForwardMsg that starts a script run (``new_session``) or ends one (``script_finished``)
arrives, before Streamlit handles it. That is Streamlit's own protocol, and the end
message leaves the server only after its post-run work (its garbage collection
included). Not the status widget (it shows only for runs longer than a moment), not
the record count (a toggled pill may hide nothing), not the app root's
``data-test-script-state`` (on a busy page React may render "running" and
"notRunning" in one go, and the run leaves no trace). One interaction can cause
several runs: the widget's, then one or two more when the rebuilt map's component
reports its new centre and zoom. So an interaction is over when no run has been
under way for ``QUIET`` seconds.

Times start at the user's input: the pointerdown or keydown (noted in every frame,
the map's iframe included) that caused the change, i.e. the last one before the page
sent its first message after the action began. Playwright's own work before that
(finding the element, waiting for it to be stable, on a machine shared with 30
browsers: 0.5 s median, 2.5 s at p95) is a test harness's, not a user's, and is
reported apart ("from the action start"). Two times:

- **first update**: the first run's end (the count line, panel and new map are sent);
- **settled**: the last run's end (the app is idle again; what the target is about).

A run that starts after the quiet spell but before the next action (a late map
report) is still counted to the interaction that caused it.

Errors: an action that raises, no run within NO_RUN_S of the action, no quiet within
TIMEOUT_S, a Streamlit exception box (``stException``), or the connection state
leaving CONNECTED. Elements a session could not find or click (no single marker in
view, a click intercepted by another marker) are "misses", not app errors.

Memory: VmRSS and VmHWM of the server process from /proc every 0.5 s. CPU over the
measured window, from /proc: the server's, the browser's (this script's other child
processes: Chromium and Playwright's driver) and the whole machine's, so that time
taken by anything else on the machine shows.

    .venv/bin/python bench/load.py [--sessions 1,10,30] [--seconds 60]

Writes bench/results/load.md. The server inherits the environment, so Streamlit
settings can be tried without editing the app, e.g. ``STREAMLIT_RUNNER_POST_SCRIPT_GC=false``
(with ``--out`` elsewhere); the report names any ``STREAMLIT_*`` setting it ran with.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from measuring import proc_status_kb  # noqa: E402  (bench/, the script's folder)
from support.appserver import AppServer  # noqa: E402
from support.paths import CHROMIUM, CHROMIUM_ARGS, DATA  # noqa: E402
from support.runlog import STATE_LOG_JS  # noqa: E402

MAP_IFRAME = "iframe[title*='streamlit_folium']"
QUIET = 0.8  # s without a run: the interaction is over
TIMEOUT_S = 60.0  # s: an interaction still running by then is an error
NO_RUN_S = TIMEOUT_S  # s: an action that starts no run by then was lost (a busy server starts runs late)
KINDS = ["Military exercise", "Event", "Disputed region", "Movement"]  # crossings stay: markers to click
COUNTRIES = ["IRN", "AZE", "ARM", "GEO", "TUR", "RUS"]  # options read "Iran (IRN)": the code matches one
TERMS = ["Aras", "Karabakh", "border", "drill", "naval", ""]

# Resolves once no run has been under way for `quiet` ms, after at least one run since t0.
SETTLE_JS = """({t0, quiet, noRun, timeout}) => new Promise(resolve => {
    const tick = () => {
        const now = performance.now();
        const app = document.querySelector('[data-testid="stApp"]');
        const conn = app && app.getAttribute('data-test-connection-state');
        if (conn && conn !== 'CONNECTED') return resolve({outcome: 'disconnected', conn});
        const log = window.__faRuns.filter(e => e[0] >= t0);
        const ends = log.filter(e => e[1] === 'end');
        const last = window.__faRuns[window.__faRuns.length - 1];
        if (!log.length && now - t0 > noRun) return resolve({outcome: 'no_rerun'});
        if (ends.length && last[1] === 'end' && now - last[0] >= quiet) {
            // the input that caused the change: the last one before the first message sent
            const sent = window.__faSends.find(x => x >= t0);
            const input = sent === undefined ? undefined : window.__faInputs.filter(x => x >= t0 && x <= sent).pop();
            return resolve({outcome: 'ok', first: ends[0][0] - t0, last: last[0] - t0, runs: ends.length,
                            input: input === undefined ? null : input - t0});
        }
        if (now - t0 > timeout) return resolve({outcome: 'timeout', runs: ends.length});
        setTimeout(tick, 50);
    };
    tick();
})"""


class Miss(Exception):
    """The session could not find or click what it wanted: a harness miss, not an app error."""


@dataclass
class Sample:
    """Times from the user's input (the pointerdown or keydown that caused the change)."""
    action: str
    first_s: float
    settled_s: float
    runs: int
    harness_s: float  # settled, counted from the harness's action start instead


@dataclass
class SessionResult:
    opened_s: float | None = None
    held: bool = False
    samples: list[Sample] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    misses: Counter = field(default_factory=Counter)
    page_errors: list[str] = field(default_factory=list)


# ---- one session -----------------------------------------------------------------------


class Session:
    """One browser context on the map page, looping over the three kinds of interaction."""

    def __init__(self, page, rng: random.Random) -> None:
        self.page = page
        self.rng = rng
        self.sidebar = page.locator("[data-testid='stSidebar']")
        self.term = ""
        self.lost = False
        self.doing = ""  # the action under way, for error labels
        self.filter_turn = rng.randrange(3)
        self.result = SessionResult()
        page.on("pageerror", lambda e: self.result.page_errors.append(str(e)[:200]))

    async def open(self, url: str) -> None:
        t = time.perf_counter()
        await self.page.goto(url, timeout=180_000)
        await self.page.frame_locator(MAP_IFRAME).last.locator(".fa-record").first.wait_for(
            state="attached", timeout=180_000)
        await self.idle()
        self.result.opened_s = time.perf_counter() - t

    async def idle(self) -> None:
        """Wait until no run has been under way for QUIET s (after the page load)."""
        await self.page.evaluate(SETTLE_JS, {"t0": 0, "quiet": QUIET * 1000, "noRun": 0,
                                             "timeout": TIMEOUT_S * 1000})

    # -- actions: each returns once the browser has sent the change to the server
    async def filter(self) -> str:
        self.filter_turn = (self.filter_turn + 1) % 3
        self.doing = ("filter: kind", "filter: country", "filter: search")[self.filter_turn]
        if self.filter_turn == 0:
            await self.sidebar.get_by_role("button", name=self.rng.choice(KINDS), exact=True).click()
            return "filter: kind"
        if self.filter_turn == 1:
            chips = self.sidebar.locator("[data-testid='stMultiSelect'] .react-aria-ComboBox "
                                         "button[aria-label^='Remove ']")
            if await chips.count():
                await chips.first.click()  # the chosen country's ×
            else:
                code = self.rng.choice(COUNTRIES)
                box = self.sidebar.get_by_role("combobox")
                await box.click()
                await box.fill(code)
                await self.page.get_by_role("option", name=f"({code})").first.click()
                await self.page.keyboard.press("Escape")
            return "filter: country"
        self.term = self.rng.choice([t for t in TERMS if t != self.term])  # the same text is no change
        box = self.sidebar.get_by_label("Search")
        await box.fill(self.term)
        await box.press("Enter")
        return "filter: search"

    async def timeline(self) -> str:
        moment = self.sidebar.locator("[data-testid='stSlider']").filter(has_text="Moment").locator(
            "input[type=range]")
        self.doing = "timeline"
        if not await moment.count():  # the timeline is off (at first, or a lost click)
            await self.sidebar.get_by_text("Show what was under way at a moment").click()
            return "timeline: on"
        value, top = await moment.evaluate("e => [Number(e.value), Number(e.max)]")
        await moment.focus()
        await self.page.keyboard.press("ArrowLeft" if value >= top else "ArrowRight")
        return "timeline: step"

    async def marker(self) -> str:
        self.doing = "marker"
        await self.page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
        markers = self.page.frame_locator(MAP_IFRAME).last.locator(".fa-marker")
        count = await markers.count()
        if count == 0:
            raise Miss("no single marker on the map")
        try:
            await markers.nth(self.rng.randrange(count)).click(timeout=5000)
        except Exception as exc:  # covered by a cluster, the legend, or swapped out mid-click
            raise Miss("marker click did not land") from exc
        return "marker"

    # -- the loop
    async def run(self, deadline: float, think: tuple[float, float]) -> None:
        turn = self.rng.randrange(3)
        while time.perf_counter() < deadline:
            act = (self.filter, self.timeline, self.marker)[turn % 3]
            turn += 1
            t0 = await self.page.evaluate("performance.now()")
            try:
                name = await act()
            except Miss as miss:
                self.result.misses[str(miss)] += 1
                continue
            except Exception as exc:  # noqa: BLE001 - any failure of an action is an error
                self.result.errors[f"{type(exc).__name__} ({self.doing})"] += 1
                await asyncio.sleep(1)
                continue
            out = await self.page.evaluate(SETTLE_JS, {"t0": t0, "quiet": QUIET * 1000, "noRun": NO_RUN_S * 1000,
                                                       "timeout": TIMEOUT_S * 1000})
            if out["outcome"] != "ok":
                self.result.errors[f"{out['outcome']} ({name})"] += 1
                if out["outcome"] == "disconnected":  # the session is lost
                    self.lost = True
                    return
                continue
            if await self.page.locator("[data-testid='stException']").count():
                self.result.errors[f"exception box ({name})"] += 1
            await asyncio.sleep(self.rng.uniform(*think))
            # runs that started after the quiet spell belong to this interaction too
            out = await self.page.evaluate(SETTLE_JS, {"t0": t0, "quiet": QUIET * 1000, "noRun": 0,
                                                       "timeout": TIMEOUT_S * 1000})
            if out["outcome"] == "ok":
                lead = out["input"] or 0.0  # Playwright's own work before the input reached the page
                self.result.samples.append(Sample(name, (out["first"] - lead) / 1000, (out["last"] - lead) / 1000,
                                                  out["runs"], out["last"] / 1000))
            else:
                self.result.errors[f"{out['outcome']} ({name}, late run)"] += 1
        conn = await self.page.evaluate("window.__faConn")
        self.result.held = not conn and not self.lost


# ---- the server's and the machine's resources ---------------------------------------------


def proc_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def tree_cpu_s(root: int, skip: int) -> float:
    """CPU seconds of ``root``'s live descendants except ``skip`` (here: Chromium and its driver)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
            children.setdefault(int(rest.rsplit(")", 1)[1].split()[1]), []).append(int(pid))
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0.0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if pid != skip:
            try:
                total += proc_cpu_s(pid)
            except OSError:
                pass
    return total


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


async def sample_memory(pid: int, peak: dict, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            peak["rss"] = max(peak.get("rss", 0), proc_status_kb(pid, "VmRSS"))
            peak["hwm"] = proc_status_kb(pid, "VmHWM")
        except OSError:
            return
        await asyncio.sleep(0.5)


# ---- one N --------------------------------------------------------------------------------


@dataclass
class RunResult:
    sessions: int
    seconds: float
    warmup_s: float
    results: list[SessionResult]
    peak_rss_kb: int
    hwm_kb: int
    server_cpu_s: float
    browser_cpu_s: float
    driver_cpu_s: float  # this script: the sessions' Python side
    machine_busy: float
    loadavg: str


async def run_n(n: int, seconds: float, think: tuple[float, float], seed: int) -> RunResult:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="fa-load-") as tmp:
        server = AppServer(DATA, Path(tmp))
        peak: dict = {}
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(server.proc.pid, peak, stop))
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # warm-up: the first page pays for loading the data and the GeoNames index
                t = time.perf_counter()
                ctx = await browser.new_context(viewport={"width": 1500, "height": 1100})
                await ctx.add_init_script(STATE_LOG_JS)
                await Session(await ctx.new_page(), random.Random(0)).open(server.url)
                await ctx.close()
                warmup = time.perf_counter() - t

                sessions = []
                for i in range(n):
                    ctx = await browser.new_context(viewport={"width": 1500, "height": 1100})
                    await ctx.add_init_script(STATE_LOG_JS)
                    page = await ctx.new_page()
                    page.set_default_timeout(30_000)
                    sessions.append(Session(page, random.Random(seed * 1000 + i)))
                opened = await asyncio.gather(*(s.open(server.url) for s in sessions), return_exceptions=True)
                live = [s for s, o in zip(sessions, opened) if not isinstance(o, BaseException)]
                for s, o in zip(sessions, opened):
                    if isinstance(o, BaseException):
                        s.result.errors[f"page did not open ({type(o).__name__})"] += 1

                loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
                cpu0, busy0 = proc_cpu_s(server.proc.pid), machine_busy()
                browser0 = tree_cpu_s(os.getpid(), server.proc.pid)
                driver0 = proc_cpu_s(os.getpid())
                start = time.perf_counter()
                ended = await asyncio.gather(*(s.run(start + seconds, think) for s in live), return_exceptions=True)
                for s, o in zip(live, ended):
                    if isinstance(o, BaseException):  # e.g. the page crashed: the session is lost
                        s.result.errors[f"session ended by {type(o).__name__}"] += 1
                elapsed = time.perf_counter() - start
                cpu1, busy1 = proc_cpu_s(server.proc.pid), machine_busy()
                browser1 = tree_cpu_s(os.getpid(), server.proc.pid)
                driver1 = proc_cpu_s(os.getpid())
                await browser.close()
        finally:
            stop.set()
            await sampler
            server.stop()
    return RunResult(
        sessions=n, seconds=elapsed, warmup_s=warmup, results=[s.result for s in sessions],
        peak_rss_kb=peak.get("rss", 0), hwm_kb=peak.get("hwm", 0), server_cpu_s=cpu1 - cpu0,
        browser_cpu_s=browser1 - browser0, driver_cpu_s=driver1 - driver0,
        machine_busy=(busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
        loadavg=loadavg,
    )


# ---- report -------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; nan if there are no values."""
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def summary_row(r: RunResult) -> str:
    samples = [s for res in r.results for s in res.samples]
    settled = [s.settled_s for s in samples]
    first = [s.first_s for s in samples]
    errors = sum(sum(res.errors.values()) for res in r.results)
    misses = sum(sum(res.misses.values()) for res in r.results)
    held = sum(res.held for res in r.results)
    return (f"| {r.sessions} | {held}/{r.sessions} | {len(samples)} | {pct(settled, .5):.2f} s | "
            f"{pct(settled, .95):.2f} s | {pct(first, .5):.2f} s | {pct(first, .95):.2f} s | {errors} | "
            f"{pct([s.harness_s for s in samples], .95):.2f} s | "
            f"{misses} | {r.peak_rss_kb / 1024:.0f} MB | {r.hwm_kb / 1024:.0f} MB | "
            f"{r.server_cpu_s / r.seconds:.2f} | {r.browser_cpu_s / r.seconds:.2f} | "
            f"{r.driver_cpu_s / r.seconds:.2f} | {r.machine_busy:.0%} |")


def detail_rows(r: RunResult) -> list[str]:
    by_action: dict[str, list[Sample]] = {}
    for res in r.results:
        for s in res.samples:
            by_action.setdefault(s.action, []).append(s)
    rows = []
    for action, ss in sorted(by_action.items()):
        rows.append(f"| {r.sessions} | {action} | {len(ss)} | {pct([s.settled_s for s in ss], .5):.2f} s | "
                    f"{pct([s.settled_s for s in ss], .95):.2f} s | {pct([s.first_s for s in ss], .5):.2f} s | "
                    f"{statistics.mean(s.runs for s in ss):.1f} |")
    return rows


def machine() -> str:
    mem_kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {mem_kb / 1024 / 1024:.1f} GB RAM"


def write_report(runs: list[RunResult], args: argparse.Namespace, path: Path) -> str:
    import streamlit

    settings = {k: v for k, v in sorted(os.environ.items()) if k.startswith("STREAMLIT_")}
    lines = [
        "# Load benchmark: concurrent sessions on the map page",
        "",
        f"{date.today().isoformat()}, {machine()}; Streamlit {streamlit.__version__}; server and "
        f"headless Chromium (`{CHROMIUM}`) on the same machine. Bundled `data/` "
        f"(the full curated dataset); {args.seconds:.0f} s per N after every session has loaded the "
        f"map; think time {args.think[0]}–{args.think[1]} s between interactions. "
        "`.venv/bin/python bench/load.py` (how it measures: its docstring).",
        "",
        *([f"Server settings from the environment: {', '.join(f'`{k}={v}`' for k, v in settings.items())}.", ""]
          if settings else []),
        "**settled**: input to the end of the last script run it caused (the app idle again); "
        "**first**: to the end of the first run (count line, panel and map sent). Errors: actions "
        "that raised, were lost (no run) or timed out, exception boxes, disconnects. Misses: nothing "
        "to click (no single marker in view, a click intercepted); not app errors.",
        "",
        "| sessions | held to the end | interactions | settled p50 | settled p95 | first p50 | first p95 | "
        "errors | settled p95 from the action start | misses | server peak RSS | server VmHWM | "
        "server CPU (cores) | browser CPU (cores) | this script's CPU (cores) | machine CPU busy |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *[summary_row(r) for r in runs],
        "",
        "By interaction (runs: script runs per interaction, on average):",
        "",
        "| sessions | interaction | n | settled p50 | settled p95 | first p50 | runs |",
        "|---|---|---|---|---|---|---|",
        *[row for r in runs for row in detail_rows(r)],
        "",
    ]
    notes = []
    for r in runs:
        errors = sum((res.errors for res in r.results), Counter())
        misses = sum((res.misses for res in r.results), Counter())
        opened = [res.opened_s for res in r.results if res.opened_s is not None]
        page_errors = Counter(e for res in r.results for e in res.page_errors)
        notes.append(f"- N={r.sessions}: load average {r.loadavg} at the start; warm-up page {r.warmup_s:.1f} s; "
                     f"sessions opened in "
                     f"{pct(opened, .5):.1f} s median, {max(opened, default=float('nan')):.1f} s slowest"
                     + (f"; errors {dict(errors)}" if errors else "")
                     + (f"; misses {dict(misses)}" if misses else "")
                     + (f"; browser script errors {dict(page_errors.most_common(3))}" if page_errors else ""))
    lines += ["Details:", "", *notes, ""]
    target = runs[-1]
    samples = [s.settled_s for res in target.results for s in res.samples]
    errors = sum(sum(res.errors.values()) for res in target.results)
    met = errors == 0 and pct(samples, .95) < 2.0 and all(res.held for res in target.results)
    lines += [f"Target (N={target.sessions}: no errors, settled p95 under 2 s, every session held): "
              f"**{'met' if met else 'missed'}**.", ""]
    text = "\n".join(lines)
    path.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,10,30", help="comma-separated numbers of concurrent sessions")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured time per N")
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 1.0), metavar=("MIN", "MAX"),
                        help="pause between interactions, drawn uniformly (s)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.md")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")

    runs = []
    for n in [int(x) for x in args.sessions.split(",")]:
        print(f"{n} session(s), {args.seconds:.0f} s…", file=sys.stderr, flush=True)
        runs.append(asyncio.run(run_n(n, args.seconds, tuple(args.think), args.seed)))
        print(summary_row(runs[-1]), file=sys.stderr, flush=True)
    print(write_report(runs, args, args.out))


if __name__ == "__main__":
    main()
