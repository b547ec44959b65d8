"""What the background jobs run: each task takes plain data and a ``progress`` callback.

A task runs in a child process (``worker``). Forked from the server, its arguments are
the server's objects as they were at the fork (an uploaded file is read where it lies);
forked from the fork server (extractions) or started fresh (imports), they travel
pickled, so an upload goes as a file (``spill``).
Whatever a task builds is freed when the child ends. Nothing here may use a
connection the server opened: the geocoder's cache is opened again in the child.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from frontier_atlas.domain.access import Actor
from frontier_atlas.domain.records import Place
from frontier_atlas.events import ColumnMapping, SetInfo, import_events, open_import_store
from frontier_atlas.events.reader import read_file_header
from frontier_atlas.geocode.countries import country_index
from frontier_atlas.geocode.factory import build_geocoder
from frontier_atlas.geocode.provinces import province_index
from frontier_atlas.geocode.town_index import town_index
from frontier_atlas.ingest.drafts import Extraction, extract
from frontier_atlas.jobs.worker import Progress
from frontier_atlas.present.article import PREVIEW_CHARS, for_review

# Texts up to this size are read on the page's own thread: about 20 ms of work, less
# than starting a job and polling it would cost the user.
INLINE_CHARS = 20_000
SPILL_PREFIX = "frontier-atlas-upload-"
SPILL_KEEP_S = 24 * 3600


def warm_for_extraction() -> None:
    """Load the gazetteer indexes once per process: the jobs' fork server (``zygote``) calls it
    as it starts, so every extraction forked from it shares them (the towns' index is on
    disk: this opens it)."""
    town_index()
    country_index()
    province_index()


def extract_article(text: str, published: date, places: list[Place], overrides: list[Place],
                    cache_path: Path, *, progress: Progress) -> Extraction:
    """What the review of a long text needs: dates past its marked start are read only where a
    draft uses them (in a 2 MB report of dates, a third of the work)."""
    geocoder = build_geocoder(places, overrides, cache_path=cache_path)
    found = extract(text, published, geocoder, dates_before=PREVIEW_CHARS, progress=progress)
    progress(0.95, "sending the drafts back")
    return for_review(found)


def upload_header(source: BinaryIO, name: str, *, progress: Progress) -> list[str]:
    """A CSV's columns from its head; a GeoJSON's property names from all of it."""
    progress(0.1, "reading the file's columns")
    return read_file_header(source, name)


def spill(source: BinaryIO, name: str) -> Path:
    """The upload, copied to a temporary file a megabyte at a time, for a job started ``fresh``
    (the bytes are not pickled to it whole). Files such a job did not remove (it was cancelled
    or stopped at a limit) are removed here once a day old."""
    folder = Path(tempfile.gettempdir())
    for old in folder.glob(f"{SPILL_PREFIX}*"):
        try:
            if time.time() - old.stat().st_mtime > SPILL_KEEP_S:
                old.unlink()
        except OSError:
            continue
    fd, path = tempfile.mkstemp(prefix=SPILL_PREFIX, suffix=Path(name).suffix[:10], dir=folder)
    source.seek(0)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    source.seek(0)
    return Path(path)


def import_file(path: Path, name: str, mapping: ColumnMapping, location: Path | str, set_name: str | None,
                by: Actor, *, progress: Progress) -> SetInfo:
    """Import a spilled upload (``spill``) as ``by``'s set, and remove it."""
    pa.set_cpu_count(1)  # the job has one core (worker._child): no pool of threads to share it
    pa.set_io_thread_count(1)
    try:
        info, _ = import_events(Path(path), name, mapping, open_import_store(location), set_name, progress,
                                by=by)
    finally:
        Path(path).unlink(missing_ok=True)
    return info
