"""Background jobs (issue 15): a task runs in a child process with limits, progress and cancel."""

from __future__ import annotations

import os
import socket
import time

import pytest

from frontier_atlas.jobs.worker import CANCELLED, DONE, FAILED, FRESH, RUNNING, ZYGOTE, Job, JobStatus, Limits

ROOMY = Limits(seconds=30, memory_mb=512)


def _wait(job: Job, timeout: float = 30) -> JobStatus:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = job.poll()
        if status.finished:
            return status
        time.sleep(0.02)
    raise AssertionError(f"{job.label} still running after {timeout} s")


def _counts(n: int, *, progress) -> list[int]:
    for i in range(n):
        progress(i / n, f"step {i}")
    return [os.getpid(), n]


def test_a_task_runs_in_another_process_and_gives_its_value():
    job = Job(_counts, (3,), ROOMY, "count")
    status = _wait(job)
    assert status.state == DONE and status.fraction == 1.0
    pid, n = status.value
    assert n == 3 and pid != os.getpid() and pid == job.pid


def _reports_then_waits(*, progress) -> None:
    progress(0.25, "a quarter")
    time.sleep(30)


def test_progress_is_seen_while_it_runs_and_cancel_stops_it():
    job = Job(_reports_then_waits, (), ROOMY, "slow")
    end = time.monotonic() + 10
    while job.poll().message != "a quarter" and time.monotonic() < end:
        time.sleep(0.02)
    status = job.poll()
    assert (status.state, status.fraction, status.message) == (RUNNING, 0.25, "a quarter")
    job.cancel()
    assert job.poll().state == CANCELLED
    with pytest.raises(ProcessLookupError):
        os.kill(job.pid, 0)  # gone, and reaped


class Refused(ValueError):
    pass


def _refuses(*, progress) -> None:
    raise Refused("this file has 9,000 columns; the limit is 500")


def _breaks(*, progress) -> None:
    raise KeyError("/srv/secret/path")


def test_an_expected_error_comes_back_as_itself_and_another_as_a_plain_message():
    status = _wait(Job(_refuses, (), ROOMY, "refuses", expected=(Refused,)))
    assert status.state == FAILED and isinstance(status.error, Refused)
    assert status.reason == "this file has 9,000 columns; the limit is 500"
    status = _wait(Job(_breaks, (), ROOMY, "breaks", expected=(Refused,)))
    assert status.state == FAILED and status.error is None
    assert "internal error" in status.reason and "/srv" not in status.reason


def _spins(*, progress) -> None:
    while True:
        pass


def test_the_time_limit_ends_a_job_that_never_returns():
    t0 = time.monotonic()
    status = _wait(Job(_spins, (), Limits(seconds=0.5, memory_mb=512), "spins"), timeout=10)
    assert status.state == FAILED and "longer than the limit of 0.5 seconds" in status.reason
    assert time.monotonic() - t0 < 5


def _hoards(*, progress) -> int:
    kept = []
    for _ in range(100):
        kept.append(bytearray(50 * 1024 * 1024))  # 5 GB in all, if it were let
    return len(kept)


def test_the_memory_limit_ends_a_job_that_grows_past_it():
    status = _wait(Job(_hoards, (), Limits(seconds=30, memory_mb=300), "hoards"))
    assert status.state == FAILED and "more than the limit of 300 MB" in status.reason


def _sockets_open(*, progress) -> int:
    count = 0
    for name in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{name}").startswith("socket:")
        except OSError:
            pass
    return count


def test_the_child_holds_none_of_the_servers_sockets():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        assert _wait(Job(_sockets_open, (), ROOMY, "sockets")).value == 0
    finally:
        listener.close()


def _exits(*, progress) -> None:
    os._exit(3)


def test_a_child_that_dies_without_a_word_is_reported():
    status = _wait(Job(_exits, (), ROOMY, "exits"))
    assert status.state == FAILED and "exit code 3" in status.reason


def _niceness(*, progress) -> int:
    return os.nice(0)


def test_a_job_runs_at_a_lower_priority_than_the_server():
    assert _wait(Job(_niceness, (), ROOMY, "nice")).value == os.nice(0) + 10
    assert _wait(Job(_niceness, (), ROOMY, "nice", start=FRESH)).value == os.nice(0) + 10


def _cpus(*, progress) -> list[int]:
    return sorted(os.sched_getaffinity(0))


def test_a_job_keeps_to_one_core_and_leaves_the_others_to_the_server():
    mine = sorted(os.sched_getaffinity(0))
    assert _wait(Job(_cpus, (), ROOMY, "cpus")).value == mine[-1:]


def _what_the_zygote_had(*, progress) -> tuple[int, int, int]:
    from frontier_atlas.geocode.town_index import town_index

    return os.getpid(), os.getppid(), town_index.cache_info().currsize


def test_an_extraction_job_forks_from_the_fork_server_which_holds_the_gazetteer_already():
    job = Job(_what_the_zygote_had, (), Limits(seconds=120, memory_mb=512), "zygote", start=ZYGOTE)
    status = _wait(job, timeout=120)  # the first one waits for the fork server to load
    assert status.state == DONE, status.reason
    pid, parent, loaded = status.value
    assert pid == job.pid and parent != os.getpid()  # a child of the fork server, not of this process
    assert loaded == 1  # built once, in the fork server, before this job began
    slow = Job(_reports_then_waits, (), ROOMY, "zygote, cancelled", start=ZYGOTE)
    end = time.monotonic() + 10
    while slow.poll().message != "a quarter" and time.monotonic() < end:
        time.sleep(0.02)
    slow.cancel()
    assert slow.poll().state == CANCELLED
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(slow.pid, 0)


def _pid(*, progress) -> int:
    return os.getpid()


@pytest.mark.parametrize("start", [FRESH, ZYGOTE])
def test_a_child_does_not_run_the_page_that_started_it_again(tmp_path, monkeypatch, start):
    # Streamlit runs each page as a module named __main__ with the page's file: a child that
    # imported it again as its main module would run the whole page in a process with no session
    import sys
    import types

    marker = tmp_path / "page-ran-again"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\n")
    as_streamlit_runs_it = types.ModuleType("__main__")
    as_streamlit_runs_it.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", as_streamlit_runs_it)
    status = _wait(Job(_pid, (), Limits(seconds=120, memory_mb=512), "page", start=start), timeout=120)
    assert status.state == DONE, status.reason
    assert not marker.exists()
