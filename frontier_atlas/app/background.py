"""A background job on a page: start it, show its progress with a Cancel button, take its end.

The page's script does not wait for the job: a fragment redraws the bar every tenth of a
second (a rerun of the fragment alone, a few milliseconds) and reruns the page once the
job has ended, when ``outcome`` hands the page what it ended with, once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.jobs.worker import CANCELLED, FAILED, FORK, Job, JobStatus, Limits
from frontier_atlas.present.escaping import md_text
from frontier_atlas.settings import settings

_FIRST_WAIT_S = 0.3  # a short job ends before the page is drawn: no bar, no extra rerun


def start(key: keys.Key[Job], task: Callable[..., Any], *args: Any, label: str,
          expected: tuple[type[BaseException], ...] = (), start: str = FORK) -> None:
    """Start ``task`` in a child process with the configured limits; one job per key
    (``start``: how the child begins, see ``Job``)."""
    running = key.get(st.session_state)
    if running is not None:
        running.cancel()  # a new request replaces the old one
    seconds, memory_mb = settings().job_limits
    key.set(st.session_state, Job(task, args, Limits(seconds, memory_mb), label, expected, start))
    end = time.monotonic() + _FIRST_WAIT_S
    while time.monotonic() < end and not key.get(st.session_state).poll().finished:
        time.sleep(0.02)  # sleeping holds no lock: other sessions' scripts run meanwhile


def outcome(key: keys.Key[Job], *, failed: str, cancelled: str) -> JobStatus | None:
    """The job's end, once, when it has ended; meanwhile its bar and Cancel, and None.

    A job that did not finish is said on the page: ``cancelled`` as it is, ``failed`` ("The
    import did not finish") before the reason, unless the task raised an expected error,
    whose own message is for the user."""
    job = key.get(st.session_state)
    if job is None:
        return None
    status = job.poll()
    if not status.finished:
        _watch(key)
        return None
    key.pop(st.session_state)
    if status.state == CANCELLED:
        st.info(cancelled)
    elif status.state == FAILED:
        st.error(md_text(status.reason if status.error else f"{failed}: {status.reason}."))
    return status


def running(key: keys.Key[Job]) -> bool:
    job = key.get(st.session_state)
    return job is not None and not job.poll().finished


@st.fragment(run_every=0.1)
def _watch(key: keys.Key[Job]) -> None:
    job = key.get(st.session_state)
    if job is None:
        return
    status = job.poll()
    if status.finished:
        st.rerun(scope="app")
    elapsed = time.monotonic() - job.started
    st.progress(status.fraction, text=f"{job.label}: {status.message} ({elapsed:.0f} s)")
    if st.button("Cancel", key=f"cancel-{key.name}", icon=":material/cancel:"):
        job.cancel()
        st.rerun(scope="app")
