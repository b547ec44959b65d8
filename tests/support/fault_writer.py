"""A writer for tests/robustness/test_faults.py to kill: real saves through the app's own code.

    python tests/support/fault_writer.py userstore PATH FIRST COUNT [--wait] [--churn]
    python tests/support/fault_writer.py pin PATH FIRST COUNT [--wait]
    python tests/support/fault_writer.py serve MODE PATH

Save ``i`` is always the same (``user_save(i)``: a source and two records, through
``UserStore(path).save``; ``pin_item(i)``: one place, through ``pin_place`` into the same store), so the
test knows what the file must hold after any number of saves. The writer prints
``saving i`` before save ``i`` and ``saved i`` after it, unbuffered: a kill between
the two may leave the state before or after save ``i``, and nothing else.

``--wait`` prints ``ready`` once imported and waits for a line on stdin, so parallel
writers really write at the same time. ``--churn`` (userstore) also renames record
``a`` and deletes record ``b`` of each save, through ``UserStore.update``/``delete``.

``serve`` imports once, then for each stdin line ``FIRST COUNT`` forks a child that
prints ``pid N`` and runs those saves; when it ends (finished or killed) the server
prints ``exit N CODE``. The test SIGKILLs the child, so a kill costs a fork rather
than a Python start-up (importing pandas for ``places`` alone takes half a second).
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from frontier_atlas.data.userstore import UserStore, draft_record  # noqa: E402
from frontier_atlas.domain.access import Actor, Role  # noqa: E402
from frontier_atlas.domain.records import Record, Source  # noqa: E402

if TYPE_CHECKING:
    from frontier_atlas.domain.position import Position

ARTICLE = "Iran and Azerbaijan held a joint drill on the Aras. " * 20
WRITER = "fault-writer"
WRITER_ACTOR = Actor(id=WRITER, name=WRITER, role=Role.REVIEWER)  # saves records and pins places


@lru_cache(maxsize=None)
def user_save(i: int) -> tuple[tuple[Record, ...], Source]:
    """Save ``i`` of the user store: one source and the two records citing it."""
    source = Source(id=f"user-source-{i:05d}", publisher="Fault Writer", title=f"Report {i}",
                    published=date(2025, 5, 18), type="news report")
    drill = draft_record("exercise", {"name": f"Drill {i}", "start": "2025-05-18", "end": "2025-05-21",
                                      "participants": "IRN; AZE", "places": "Karabakh"},
                         f"user-drill-{i:05d}", source.id)
    crossing = draft_record("event", {"name": f"Crossing {i}", "event_type": "border crossing",
                                      "start": "2025-05-19", "places": "Bileh-Savar border crossing"},
                            f"user-crossing-{i:05d}", source.id)
    return (drill, crossing), source


def edited_name(i: int) -> str:
    """What ``--churn`` renames the first record of save ``i`` to."""
    return f"Drill {i} (edited)"


def pin_item(i: int) -> tuple[str, Position]:
    """Pin ``i``: a distinct place name and a position only this pin has."""
    # geocode and places are imported on use: a userstore writer starts a second sooner
    from frontier_atlas.domain.position import Position

    name = f"Fault place {i:05d}"
    pos = Position(lat=38.0 + i * 1e-5, lon=47.0 + i * 1e-5, precision="town", provider="GeoNames",
                   matched=name, country="IR", how_found=f"town centre of {name}")
    return name, pos


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())  # unbuffered: on the pipe before the next step begins


def run(mode: str, path: Path, first: int, count: int, churn: bool = False) -> None:
    """Saves ``first`` .. ``first + count - 1``, each as the app makes it."""
    for i in range(first, first + count):
        say(f"saving {i}")
        if mode == "userstore":
            records, source = user_save(i)
            store = UserStore(path)  # opened per save, like the app's pages do
            store.save(list(records), source, ARTICLE, by=WRITER_ACTOR)
            if churn:
                store.update(records[0].model_copy(update={"name": edited_name(i)}), by=WRITER_ACTOR)
                store.delete(records[1].id, by=WRITER_ACTOR)
        elif mode == "pin":
            from frontier_atlas.places.review import pin_place

            pin_place(UserStore(path), *pin_item(i), by=WRITER_ACTOR)
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        say(f"saved {i}")


def serve(mode: str, path: Path) -> None:
    """Fork one child per stdin line ``FIRST COUNT``; report how each ended."""
    if mode == "pin":
        import frontier_atlas.places.review  # noqa: F401  (with geocode: once here, not in every child)
    for line in sys.stdin:
        first, count = map(int, line.split())
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                say(f"pid {os.getpid()}")
                run(mode, path, first, count)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)  # never run the parent's cleanup in the child
        _, status = os.waitpid(pid, 0)
        say(f"exit {pid} {os.waitstatus_to_exitcode(status)}")


def main(argv: list[str]) -> None:
    if argv[0] == "serve":
        serve(argv[1], Path(argv[2]))
        return
    mode, path, first, count = argv[0], Path(argv[1]), int(argv[2]), int(argv[3])
    if "--wait" in argv:
        say("ready")
        sys.stdin.readline()
    run(mode, path, first, count, churn="--churn" in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
