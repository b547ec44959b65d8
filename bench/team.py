"""The team deployment under load and faults: three app processes behind nginx (deploy/'s
configuration, Debian's nginx) on one PostgreSQL, 30 browser sessions, one replica killed
and the database killed mid-save.

Most sessions do the load benchmark's mix on the map (bench/load.py: filters, the
timeline, marker clicks, timed from the user's input to the app idle again); a few save
records from the Add from article page in a loop, each save acknowledged only when the
page says "Saved". A third of the way in, the replica holding the most sessions is
killed with SIGKILL; its sessions must reconnect through nginx to another one by
themselves. Two thirds in, PostgreSQL is killed (``pg_ctl -m immediate``) while a save
is under way and started again 5 s later. At the end every acknowledged save must be in
the database.

    .venv/bin/python bench/team.py [--sessions 30] [--savers 5] [--seconds 120]

Writes bench/results/team.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402
from support.appserver import AppServer  # noqa: E402
from support.browsing import DRILL_REPORT  # noqa: E402
from support.nginx import Nginx  # noqa: E402
from support.paths import CHROMIUM, DATA  # noqa: E402
from support.postgres import Cluster  # noqa: E402
from support.runlog import STATE_LOG_JS  # noqa: E402

CONNECTED_JS = ("() => { const a = document.querySelector('[data-testid=\"stApp\"]'); "
                "return a && a.getAttribute('data-test-connection-state'); }")


def active_sessions(server: AppServer) -> int:
    """A process's sessions now; a killed one holds none."""
    try:
        return server.active_sessions()
    except OSError:
        return 0


class TeamSession(load.Session):
    """The load benchmark's session, which reconnects instead of giving up on a lost server."""

    recovered: list[float]

    async def reconnect(self, lost_at: float) -> bool:
        while time.perf_counter() - lost_at < 90:
            if await self.page.evaluate(CONNECTED_JS) == "CONNECTED":
                self.recovered.append(time.perf_counter() - lost_at)
                await self.idle()
                return True
            await asyncio.sleep(0.2)
        return False

    async def run(self, deadline: float, think: tuple[float, float]) -> None:
        self.recovered = []
        turn = self.rng.randrange(3)
        while time.perf_counter() < deadline:
            if await self.page.evaluate(CONNECTED_JS) != "CONNECTED":
                self.result.errors["disconnected"] += 1
                if not await self.reconnect(time.perf_counter()):
                    self.lost = True
                    return
                continue
            act = (self.filter, self.timeline, self.marker)[turn % 3]
            turn += 1
            t0 = await self.page.evaluate("performance.now()")
            try:
                name = await act()
            except load.Miss as miss:
                self.result.misses[str(miss)] += 1
                continue
            except Exception as exc:  # noqa: BLE001 - any failure of an action is an error
                self.result.errors[f"{type(exc).__name__} ({self.doing})"] += 1
                await asyncio.sleep(1)
                continue
            out = await self.page.evaluate(load.SETTLE_JS, {"t0": t0, "quiet": load.QUIET * 1000,
                                                            "noRun": load.NO_RUN_S * 1000,
                                                            "timeout": load.TIMEOUT_S * 1000})
            if out["outcome"] != "ok":
                self.result.errors[f"{out['outcome']} ({name})"] += 1
                if out["outcome"] == "disconnected" and not await self.reconnect(time.perf_counter()):
                    self.lost = True
                    return
                continue
            await asyncio.sleep(self.rng.uniform(*think))
            lead = out["input"] or 0.0
            self.result.samples.append(load.Sample(name, (out["first"] - lead) / 1000, (out["last"] - lead) / 1000,
                                                   out["runs"], out["last"] / 1000))


@dataclass
class Saver:
    page: object
    name: str
    acked: list[str] = field(default_factory=list)
    refused: int = 0  # the page said it could not save (the database down)
    timed_out: int = 0
    saving: bool = False
    saved_at: list[float] = field(default_factory=list)

    async def run(self, url: str, deadline: float) -> None:
        text = DRILL_REPORT.read_text(encoding="utf-8")
        k = 0
        while time.perf_counter() < deadline:
            k += 1
            page = self.page
            try:
                await page.goto(url + "/add_article", timeout=60_000)
                await page.get_by_label("…or paste its text").fill(text)
                await page.get_by_label("Publisher").fill("Bench desk")
                await page.get_by_label("Title").fill(f"{self.name} save {k}")
                await page.get_by_role("button", name="Find places, dates and records").click()
                await page.get_by_text("1 draft record(s)").wait_for(timeout=60_000)
                self.saving = True
                await page.get_by_role("button", name="Confirm and save").click()
                saved = page.get_by_text(re.compile(r"Saved 1 record\(s\): "))
                failed = page.get_by_text(re.compile(r"cannot be (reached|shown)|not saved|could not"))
                await saved.or_(failed).first.wait_for(timeout=60_000)
                if await saved.count():
                    ids = re.search(r"Saved 1 record\(s\): (\S+?)\.", await saved.first.inner_text()).group(1)
                    self.acked.append(ids)
                    self.saved_at.append(time.perf_counter())
                else:
                    self.refused += 1
            except Exception:  # noqa: BLE001 - a save that did not end either way
                self.timed_out += 1
            finally:
                self.saving = False
            await asyncio.sleep(1.0)


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    work = Path(tempfile.mkdtemp(prefix="fa-team-"))
    cluster = Cluster(durable=True)
    url = cluster.new_database()
    servers = []
    for i in range(3):
        (work / f"user{i}").mkdir()
        servers.append(AppServer(DATA, work / f"user{i}", {"FRONTIER_ATLAS_DATABASE_URL": url}))
    front = Nginx(work / "nginx", [s.port for s in servers])
    events: dict = {}
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=load.CHROMIUM_ARGS)
            map_sessions, savers = [], []
            for i in range(args.sessions - args.savers):
                ctx = await browser.new_context(viewport={"width": 1500, "height": 1100})
                await ctx.add_init_script(STATE_LOG_JS)
                page = await ctx.new_page()
                page.set_default_timeout(30_000)
                map_sessions.append(TeamSession(page, random.Random(args.seed * 1000 + i)))
            for i in range(args.savers):
                ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
                savers.append(Saver(await ctx.new_page(), f"saver {i + 1}"))
            opened = await asyncio.gather(*(s.open(front.url) for s in map_sessions), return_exceptions=True)
            live = [s for s, o in zip(map_sessions, opened) if not isinstance(o, BaseException)]
            events["opened"] = len(live)
            events["per_replica_before"] = [active_sessions(s) for s in servers]
            start = time.perf_counter()
            deadline = start + args.seconds

            async def faults() -> None:
                await asyncio.sleep(args.seconds / 3)
                counts = [active_sessions(s) for s in servers]
                victim = servers[counts.index(max(counts))]
                events["killed_replica_sessions"] = max(counts)
                events["replica_killed_at"] = time.perf_counter() - start
                victim.proc.send_signal(signal.SIGKILL)
                victim.proc.wait()
                await asyncio.sleep(max(0.0, args.seconds * 2 / 3 - (time.perf_counter() - start)))
                while not any(s.saving for s in savers):  # mid-save
                    await asyncio.sleep(0.05)
                events["database_killed_at"] = time.perf_counter() - start
                cluster.stop("immediate")
                await asyncio.sleep(5)
                cluster.start()
                events["database_back_at"] = time.perf_counter() - start

            tasks = [s.run(deadline, tuple(args.think)) for s in live] + [s.run(front.url, deadline) for s in savers]
            ended = await asyncio.gather(faults(), *tasks, return_exceptions=True)
            events["task_errors"] = [repr(e)[:200] for e in ended if isinstance(e, BaseException)]
            events["per_replica_after"] = [active_sessions(s) for s in servers]
            await browser.close()
        import psycopg

        with psycopg.connect(url) as con:
            present = {r[0] for r in con.execute("SELECT id FROM records")}
        acked = [i for s in savers for i in s.acked]
        back = events.get("database_back_at", 0) + start
        after = sorted(t - back for s in savers for t in s.saved_at if t > back)
        samples = [x for s in live for x in s.result.samples]
        recovered = [t for s in live for t in s.recovered]
        errors: dict = {}
        for s in live:
            for k, v in s.result.errors.items():
                errors[k] = errors.get(k, 0) + v
        return {
            **events, "sessions": args.sessions, "savers": args.savers, "seconds": args.seconds,
            "interactions": len(samples),
            "p50": statistics.median(x.settled_s for x in samples) if samples else float("nan"),
            "p95": load.pct([x.settled_s for x in samples], 0.95),
            "errors": errors, "lost_sessions": sum(s.lost for s in live),
            "reconnected": len(recovered), "reconnect_median": statistics.median(recovered) if recovered else None,
            "reconnect_max": max(recovered) if recovered else None,
            "saves_acked": len(acked), "saves_present": len(set(acked) & present), "rows_in_db": len(present),
            "saves_refused": sum(s.refused for s in savers), "saves_timed_out": sum(s.timed_out for s in savers),
            "first_save_after_database_back": after[0] if after else None,
        }
    finally:
        front.stop()
        for s in servers:
            if s.proc.poll() is None:
                s.stop()
        cluster.remove()


def write(r: dict, path: Path) -> str:
    def s(v) -> str:
        return "–" if v is None else f"{v:.2f} s"

    errors = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items())) or "none"
    lines = [
        "# Team deployment under load and faults",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC on {os.cpu_count()} cores: three app processes "
        "behind Debian's nginx 1.22 with `deploy/nginx/frontier-atlas.conf`, PostgreSQL 15 (durable settings) "
        f"and one headless Chromium with {r['sessions']} sessions, all on this machine. `bench/team.py`.",
        "",
        f"{r['sessions'] - r['savers']} sessions do the load benchmark's mix on the map (filters, timeline, marker "
        f"clicks; `bench/load.py`), {r['savers']} save records from the Add from article page in a loop, for "
        f"{r['seconds']:.0f} s. At {r['replica_killed_at']:.0f} s the replica with the most sessions "
        f"({r['killed_replica_sessions']}) was killed with SIGKILL; at {r['database_killed_at']:.0f} s PostgreSQL "
        "was killed (`pg_ctl -m immediate`) during a save and started again 5 s later.",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| sessions open (map) | {r['opened']} of {r['sessions'] - r['savers']} |",
        f"| sessions per replica before the kill | {r['per_replica_before']} |",
        f"| map interactions | {r['interactions']} |",
        f"| settled, p50 | {s(r['p50'])} |",
        f"| settled, p95 | {s(r['p95'])} |",
        f"| errors | {errors} |",
        f"| sessions per replica at the end | {r['per_replica_after']} |",
        f"| reconnections seen by the map sessions | {r['reconnected']} (sessions lost for good: "
        f"{r['lost_sessions']}) |",
        f"| time to reconnect, median / max | {s(r['reconnect_median'])} / {s(r['reconnect_max'])} |",
        f"| saves acknowledged | {r['saves_acked']} |",
        f"| of those, in the database afterwards | {r['saves_present']} (lost: "
        f"{r['saves_acked'] - r['saves_present']}) |",
        f"| saves refused with a message (database down) | {r['saves_refused']} |",
        f"| saves interrupted: no answer within 60 s (their process killed, or the database) | "
        f"{r['saves_timed_out']} |",
        f"| first save acknowledged after the database was back | {s(r['first_save_after_database_back'])} |",
    ]
    if r["task_errors"]:
        lines += ["", "Tasks that ended with an exception: " + "; ".join(r["task_errors"])]
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--savers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 1.0))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "team.md")
    args = parser.parse_args()
    print(write(asyncio.run(run(args)), args.out))


if __name__ == "__main__":
    main()
