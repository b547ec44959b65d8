"""Imported once by the jobs' fork server when it starts: what every extraction job needs,
loaded there, so a job forked from it has it at no cost.

Why a fork server and not the page's own process: a child forked from the server starts
with the server's memory, which after hours of page runs is full of half-used pools. The
child's new objects land in those pools, and each first write to one of their pages is a
copy (a fault of several microseconds here): the 2 MB extraction took 1.8-2.0 s of CPU
forked from the server and 1.15 s forked from a small process. The fork server is a
fresh interpreter that holds only this (the gazetteer indexes, about 500 MB) and forks
each job from it.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

try:  # a failure here must not stop the fork server: a job then builds what it needs itself
    from frontier_atlas.jobs.tasks import warm_for_extraction

    warm_for_extraction()
except Exception:  # noqa: BLE001 - logged with its traceback; the jobs still run
    log.exception("the jobs' fork server could not load the gazetteer indexes")
