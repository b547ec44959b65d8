"""One background job: a task run in a child process, with limits, progress and cancel.

Three ways to start the child (``Job``): forked from the server (milliseconds; an uploaded
file is read where it lies in memory), forked from the jobs' fork server (``zygote``, for
extractions, which need the gazetteer indexes and make many objects), or a fresh
interpreter (imports). The child uses none of the server's threads or connections: it
closes the sockets it inherited (so a visitor's closed connection is not held open by a
job) and talks to the page only through its pipe.

Limits, set in the child: its address space may grow by ``memory_mb`` (past that an
allocation fails and the job ends with a message), and an interval timer ends it after
``seconds``. The page polls; ``cancel`` kills the child. A job whose page is gone
still ends at its time limit, and finished children are reaped at the next start.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import resource
import signal
import stat
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import spawn
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]  # (fraction done 0..1, what it is doing)

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
NICENESS = 10  # a job yields the CPU to the server: on two cores a full-speed job slowed others' pages 1.6x
_GRACE_S = 5.0  # past its time limit the page stops waiting for the child to say so itself
_STARTUP_S = 120.0  # a child's time limit runs from its first word; until then it may be loading
FORK, ZYGOTE, FRESH = "fork", "zygote", "spawn"  # how a job's process starts (``Job``)
ZYGOTE_PRELOAD = "frontier_atlas.jobs.zygote"


# Streamlit runs each page as a module named ``__main__`` (with the page's file), so a child
# started fresh or by the fork server would import the page again as its main module before
# its task: the whole map page, 0.5 s a job, in a process that has no session. While a job
# starts (a flag of the starting thread: other sessions' threads run scripts meanwhile), the
# preparation multiprocessing sends a child leaves the main module out.
_starting = threading.local()
_preparation = spawn.get_preparation_data


def _preparation_for_jobs(name: str) -> dict:
    data = _preparation(name)
    if getattr(_starting, "job", False):
        data.pop("init_main_from_path", None)
    return data


spawn.get_preparation_data = _preparation_for_jobs


def _start(start: Callable[[], Any]) -> Any:
    _starting.job = True
    try:
        return start()
    finally:
        _starting.job = False


def _zygote() -> multiprocessing.context.BaseContext:
    """The jobs' fork server: started with the first such job, it imports ``zygote`` first."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([ZYGOTE_PRELOAD])
    return context


def start_zygote() -> None:
    """Start the fork server now (its loading takes seconds, in its own process), so the
    first extraction does not wait for it. Idempotent."""
    from multiprocessing import forkserver

    _zygote()
    _start(forkserver.ensure_running)


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_mb: int


@dataclass
class JobStatus:
    state: str  # RUNNING, DONE, FAILED or CANCELLED
    fraction: float = 0.0
    message: str = ""
    value: Any = None  # the task's return value, when DONE
    error: BaseException | None = None  # an expected exception the task raised, when FAILED
    reason: str = ""  # for the user, when FAILED

    @property
    def finished(self) -> bool:
        return self.state != RUNNING


class JobTimeLimit(Exception):
    """Raised in the child when its time is up."""


def _too_long(seconds: float) -> str:
    return f"it took longer than the limit of {seconds:g} seconds for one job (FRONTIER_ATLAS_JOB_SECONDS)"


def _on_alarm(signum: int, frame: object) -> None:
    raise JobTimeLimit


def _close_inherited_sockets(keep: int) -> None:
    """The server's listening socket and its visitors' connections: not the child's to hold."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2 or fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            continue  # the listing's own descriptor, closed by now


def _address_space() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(conn: Connection, task: Callable[..., Any], args: tuple, limits: Limits,
           expected: tuple[type[BaseException], ...]) -> None:
    _close_inherited_sockets(conn.fileno())
    os.nice(NICENESS)  # a visitor's page, served by the server and drawn by their browser, comes first
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) > 1:  # one core at most (the last), whatever threads the task's libraries start
        os.sched_setaffinity(0, {cpus[-1]})
    gc.freeze()  # what the server had loaded is not walked (and so not copied) by collections
    room = _address_space() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (room, room))
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)

    def progress(fraction: float, message: str) -> None:
        conn.send(("progress", min(max(float(fraction), 0.0), 1.0), message))

    try:
        progress(0.0, "starting")  # the page's clock for the time limit starts here
        outcome: tuple = ("done", task(*args, progress=progress))
    except JobTimeLimit:
        outcome = ("failed", None, _too_long(limits.seconds))
    except MemoryError:
        outcome = ("failed", None, f"it needed more than the limit of {limits.memory_mb:,} MB for one job "
                                   "(FRONTIER_ATLAS_JOB_MEMORY_MB)")
    except expected as exc:
        outcome = ("failed", exc, str(exc))
    except Exception:
        traceback.print_exc()  # the detail goes to the server's log, not to the visitor
        outcome = ("failed", None, "an internal error; the details are in the server's log")
    try:
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)  # a page that never reads cannot hold the child
        conn.send(outcome)
    except (JobTimeLimit, OSError):
        pass
    finally:
        conn.close()


class Job:
    """A task running in a child process; ``poll`` from the page, ``cancel`` on request."""

    def __init__(self, task: Callable[..., Any], args: tuple, limits: Limits, label: str,
                 expected: tuple[type[BaseException], ...] = (), start: str = FORK) -> None:
        """``start``: how the child begins (``task`` and ``args`` travel pickled but for FORK):
        - FORK, from the server: milliseconds, and it reads the server's objects where they lie;
          for small work (an upload's header), since its new objects are slow to make there
          (see ``zygote``);
        - ZYGOTE, from the jobs' fork server, which holds the gazetteer indexes: an extraction;
        - FRESH, a new interpreter: work that needs nothing loaded and makes many objects (an
          import's private peak was 360 MB forked from a 770 MB server, 210 MB fresh)."""
        multiprocessing.active_children()  # reaps children of jobs whose pages are gone
        self.label, self.limits = label, limits
        self.started = time.monotonic()
        self._began: float | None = None  # when the child first spoke: its time limit runs from there
        self._status = JobStatus(RUNNING, 0.0, "starting")
        context = _zygote() if start == ZYGOTE else multiprocessing.get_context(start)
        receive, send = context.Pipe(duplex=False)
        self._conn = receive
        self._process = context.Process(
            target=_child, args=(send, task, args, limits, expected), daemon=True, name=f"job: {label}")
        _start(self._process.start)
        send.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def poll(self) -> JobStatus:
        """What the job has said since the last poll, and whether it has ended."""
        if self._status.finished:
            return self._status
        self._read()
        if not self._status.finished and not self._process.is_alive():
            self._read()  # what it sent just before it ended
        if self._status.finished:
            return self._status
        if not self._process.is_alive():
            code = self._process.exitcode
            why = ("it ran out of memory and was stopped by the system" if code == -signal.SIGKILL
                   else f"the worker stopped unexpectedly (exit code {code})")
            self._finish(JobStatus(FAILED, self._status.fraction, "", reason=why))
        elif time.monotonic() > (self._began or self.started + _STARTUP_S) + self.limits.seconds + _GRACE_S:
            self._process.kill()
            self._finish(JobStatus(FAILED, self._status.fraction, "", reason=_too_long(self.limits.seconds)))
        return self._status

    def _read(self) -> None:
        try:
            while not self._status.finished and self._conn.poll(0):
                message = self._conn.recv()
                if self._began is None:
                    self._began = time.monotonic()
                if message[0] == "progress":
                    self._status.fraction, self._status.message = message[1], message[2]
                elif message[0] == "done":
                    self._finish(JobStatus(DONE, 1.0, "done", value=message[1]))
                else:
                    self._finish(JobStatus(FAILED, self._status.fraction, "", error=message[1], reason=message[2]))
        except (EOFError, OSError):
            pass  # the child has gone without a word: said by poll

    def cancel(self) -> None:
        if not self._status.finished:
            self._process.kill()
            self._finish(JobStatus(CANCELLED, self._status.fraction, "cancelled"))

    def _finish(self, status: JobStatus) -> None:
        self._status = status
        self._conn.close()
        self._process.join(timeout=1)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=1)
        if status.state == FAILED and status.error is None:
            log.warning("job %r failed: %s", self.label, status.reason)
