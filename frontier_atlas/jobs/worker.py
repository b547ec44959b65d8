"""One background job: a task run in a forked child process, with limits, progress and cancel.

Why fork (the default): the child starts in milliseconds with what the server has already loaded (the
gazetteer indexes took 4.7 s and 500 MB to build), shared copy-on-write instead of built
again, and an uploaded file is read where it lies in memory instead of being copied to
the child. The child uses none of the server's threads or connections: it closes the
sockets it inherited (so a visitor's closed connection is not held open by a job) and
talks to the page only through its pipe.

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
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]  # (fraction done 0..1, what it is doing)

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
NICENESS = 10  # a job yields the CPU to the server: on two cores a full-speed job slowed others' pages 1.6x
_GRACE_S = 5.0  # past its time limit the page stops waiting for the child to say so itself


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
        outcome: tuple = ("done", task(*args, progress=progress))
    except JobTimeLimit:
        outcome = ("failed", None, f"it took longer than the limit of {limits.seconds:g} seconds for one job "
                                   "(FRONTIER_ATLAS_JOB_SECONDS)")
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
                 expected: tuple[type[BaseException], ...] = (), fresh: bool = False) -> None:
        """``fresh``: start a new interpreter instead of forking the server (``task`` and ``args``
        then travel pickled). For work that needs nothing the server holds and makes many
        objects: a forked child that allocates in the server's half-used memory copies those
        pages (an import's private peak was 360 MB forked from a 770 MB server, 210 MB from a
        small one), and the copies are slow to make."""
        multiprocessing.active_children()  # reaps children of jobs whose pages are gone
        self.label, self.limits = label, limits
        self.started = time.monotonic()
        self._status = JobStatus(RUNNING, 0.0, "starting")
        context = multiprocessing.get_context("spawn" if fresh else "fork")
        receive, send = context.Pipe(duplex=False)
        self._conn = receive
        self._process = context.Process(
            target=_child, args=(send, task, args, limits, expected), daemon=True, name=f"job: {label}")
        self._process.start()
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
        elif time.monotonic() - self.started > self.limits.seconds + _GRACE_S:
            self._process.kill()
            self._finish(JobStatus(FAILED, self._status.fraction, "",
                                   reason=f"it took longer than the limit of {self.limits.seconds:g} seconds"))
        return self._status

    def _read(self) -> None:
        try:
            while not self._status.finished and self._conn.poll(0):
                message = self._conn.recv()
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
