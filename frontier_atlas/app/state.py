"""Every session key the app uses, declared once, typed.

Streamlit keeps a session's state in one string-keyed mapping shared by every page.
Spread over files, those strings drift apart (two names for one thing, one name for
two), and values set in one file and read in another are invisible to a reader. So
no string key is written anywhere but here: widgets take ``KEY.name``, code reads
and writes through the typed objects below. Everything takes the state as a plain
mutable mapping, so it is tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from frontier_atlas.domain.link import ViewState
from frontier_atlas.domain.viewport import Viewport, map_point, map_zoom
from frontier_atlas.jobs.worker import Job

T = TypeVar("T")
State = MutableMapping[str, Any]
Goto = tuple[tuple[float, float], int]  # (centre, zoom) as st_folium takes them
MAP_PX = (700, 600)  # the map's size on screen until it reports one
MAP_PX_RANGE = (100, 8000)  # a reported size outside this is clamped: a forged one aims nowhere useful


def reported_view(reported: object) -> tuple[tuple[float, float], int] | None:
    """The centre and zoom in st_folium's value, checked like a link's ``map=``: the value
    comes from the browser, where a visitor can send anything (a zoom of 1e6, NaN, a
    string, a list), so what is not a view is ignored and what is out of range clamped."""
    if not isinstance(reported, dict):
        return None
    centre, zoom = map_point(reported.get("center")), map_zoom(reported.get("zoom"))
    return None if centre is None or zoom is None else (centre, zoom)


class Key(Generic[T]):
    """One session key: its name (what a widget's ``key=`` takes) and its default."""

    def __init__(self, name: str, default: Callable[[], T] | None = None):
        self.name = name
        self._default = default

    def get(self, state: State) -> T | None:
        return state.get(self.name) if self.name in state else (self._default() if self._default else None)

    def set(self, state: State, value: T) -> None:
        state[self.name] = value

    def pop(self, state: State) -> T | None:
        return state.pop(self.name, None)

    def setdefault(self, state: State, value: T) -> T:
        return state.setdefault(self.name, value)

    def is_set(self, state: State) -> bool:
        return self.name in state


class KeyFamily:
    """Keys made from an id, one per item (an imported set's switch)."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def name(self, item: str) -> str:
        return f"{self.prefix}{item}"

    def is_set(self, state: State, item: str) -> bool:
        """Whether the item's widget has a value from an earlier run (it was drawn on the last)."""
        return self.name(item) in state


# ---- the filter and timeline widgets (their values are the session's filters) ------
DATES: Key[tuple[date, date]] = Key("dates")
KINDS: Key[list[str]] = Key("kinds")
COUNTRIES: Key[list[str]] = Key("countries")
QUERY: Key[str] = Key("query")
EVENT_TYPES: Key[list[str]] = Key("event_types")
SET_SHOWN = KeyFamily("set-")  # an imported set's checkbox
TIMELINE_ON: Key[bool] = Key("timeline_on")
STEP: Key[str] = Key("step")
MOMENT_INDEX: Key[int] = Key("tl_idx")  # the moment slider's position
MODE: Key[str] = Key("tl_mode")
DAYS: Key[int] = Key("tl_days")
SPEED: Key[float] = Key("speed")
MAP_WIDGET: Key[dict] = Key("map")  # st_folium's last report

# ---- what the pages share -----------------------------------------------------------
VIEW: Key[ViewState] = Key("view")  # the view every page shows and the address bar holds
LINK_NOTICES: Key[list[str]] = Key("link_notices")  # what an opened link got wrong
SPAN: Key[tuple[date, date]] = Key("_span")  # the date slider's range on the last run
GO_TO_MAP: Key[bool] = Key("_go_map")  # a page asked for the map after a click
EXTRACTION: Key[Any] = Key("extraction")  # the article page's drafts under review
SAVED: Key[list[str]] = Key("saved")  # ids the article page saved last
LAST_IMPORT: Key[str] = Key("last_import")  # the set the import page made last
# id -> (version, name) of each set as the import page last showed it: a rename or delete is
# checked against what the user saw, not against what the rerun after their click reads
SETS_SEEN: Key[dict[str, tuple[int, str]]] = Key("_sets_seen")
# background jobs (frontier_atlas.jobs), one of each kind per session
ARTICLE_JOB: Key[Job] = Key("_job_article")  # reading a long article
HEADER_JOB: Key[Job] = Key("_job_header")  # reading an upload's columns
IMPORT_JOB: Key[Job] = Key("_job_import")  # importing an upload
UPLOAD_COLUMNS: Key[tuple[str, list[str] | None]] = Key("_upload_columns")  # (upload's file id, its columns)


@dataclass
class RecordEditor:
    """One of the user's records as its editor opened it (the article page's "Your records").

    A save is measured against this, not against whatever was loaded last: another
    session's save in between is then merged or shown as a conflict, never overwritten.
    """

    version: int
    values: dict[str, Any] | None  # the editable fields as opened, stored form; None: open afresh
    generation: int = 0  # part of the editor's key: raised to drop its unsaved edits
    conflict: Any = None  # the last save's ``userstore.Conflict``, until the user chooses
    mine: dict[str, Any] | None = None  # what met the conflict: the changes, or None for a delete


RECORD_EDITORS: Key[dict[str, RecordEditor]] = Key("record_editors")  # by record id


Rows = list[dict[str, str]]  # a draft's table as its editor shows it: field, value


@dataclass
class DraftReview:
    """The article page's review of one extraction: which drafts to save, as edited.

    Held here, not only in the widgets: the review shows a page of drafts at a time (379
    editable tables drawn at once held the server for everyone), and a widget that is not
    drawn on a run loses its state, so a draft's edits would be lost on leaving its page.
    """

    generation: int  # part of every widget's key: a new extraction's editors start clean
    keep: dict[int, bool] = field(default_factory=dict)  # by draft index; unset: kept
    rows: dict[int, Rows] = field(default_factory=dict)  # the table as last edited
    opened: dict[int, Rows] = field(default_factory=dict)  # what the table's live editor was given

    def open(self, i: int, fresh: bool, original: Rows) -> Rows:
        """What draft ``i``'s editor is given: its rows as last edited when the editor is new
        (``fresh``: its widget has no state); else what it was given before, which its
        widget's edits are relative to."""
        if fresh or i not in self.opened:
            self.opened[i] = self.rows.get(i, original)
        return self.opened[i]

    def note(self, i: int, keep: bool, rows: Rows) -> None:
        self.keep[i], self.rows[i] = keep, rows

    def chosen(self, originals: list[Rows]) -> tuple[dict[int, bool], dict[int, dict[str, str]]]:
        """Every draft's keep and fields, drawn or not (what ``ingest.confirm`` takes)."""
        keep = {i: self.keep.get(i, True) for i in range(len(originals))}
        edited = {i: {r["field"]: r["value"] for r in self.rows.get(i, rows) if r.get("field")}
                  for i, rows in enumerate(originals)}
        return keep, edited


DRAFT_REVIEW: Key[DraftReview] = Key("draft_review")
DRAFT_PAGE = KeyFamily("review-page-")  # the review's page of drafts, by generation
DRAFT_KEEP = KeyFamily("keep-")  # a draft's "Save this record", by generation and index
DRAFT_TABLE = KeyFamily("draft-")  # a draft's editor, by generation and index
# the Places page: each name's pin version as last shown, and pins that met another's meanwhile
PINS_SHOWN: Key[dict[str, str]] = Key("pins_shown")
PIN_CONFLICTS: Key[dict[str, Any]] = Key("pin_conflicts")  # name -> (PinConflict, the position chosen)
VERIFY_NOTE: Key[str] = Key("verify_note")  # a reviewer's note on what they checked
VERIFY_REFUSED: Key[str] = Key("_verify_refused")  # why the store refused a verified mark


@dataclass
class Selection:
    """What the details column shows: one record, one imported event or one grid cell.

    Every way of choosing (a marker, a linked record, the unplaced list, the Sources
    and Timeline pages, a link) goes through these methods, so choosing one thing
    always lets go of the others.
    """

    record: str | None = None
    event: tuple[str, int] | None = None  # (imported set id, row)
    cell: tuple[int, int, int] | None = None  # (zoom, ix, iy) of a grid bubble

    def select_record(self, record_id: str | None) -> None:
        self.record, self.event, self.cell = record_id, None, None

    def select_event(self, set_id: str, row: int) -> None:
        self.record, self.event, self.cell = None, (set_id, int(row)), None

    def select_cell(self, zoom: int, ix: int, iy: int) -> None:
        self.record, self.event, self.cell = None, None, (int(zoom), int(ix), int(iy))

    def clear(self) -> None:
        self.record = self.event = self.cell = None

    def chosen(self) -> tuple:
        """What is chosen, as one value: a change of it is a change of the details column."""
        return self.record, self.event, self.cell


@dataclass
class Player:
    """The timeline's player, and positions asked for before the slider exists."""

    playing: bool = False
    next_index: int | None = None  # the step the player moves to on the next run
    link_moment: date | None = None  # a link's moment: the slider goes to the step holding it
    full_run: bool = False  # set by each full run; the player fragment's first call skips


@dataclass(frozen=True)
class MapView:
    centre: tuple[float, float]
    zoom: int
    viewport: Viewport


@dataclass
class MapSync:
    """Where the map is: the view the page last sent it to, or the one the user moved it to.

    The map does not report the moves the page asks for (``map.canvas.QuietEcho``: each
    report is a script run, and the page knows that view already). So after the page
    refits the map, the map's last report is stale and the page's own request is the
    truth; after the user pans or zooms, the new report is. This keeps that straight,
    so the event layer aims at the right viewport and a shared link carries the view
    the user sees.
    """

    goto: Goto | None = None  # the view asked for on this run
    moved: bool = False  # the user moved the map since the last request
    seen: tuple | None = None  # the last report, to tell a new one
    px: tuple[int, int] = MAP_PX
    link_view: tuple[str | None, Goto] | None = None  # (records it holds for, view) from a link
    fit_key: tuple | None = None  # (records, bounds) the view was last fitted to
    base_view: Goto | None = None  # where the session's base map first opened
    last_click: int | None = None  # st_folium's click count last acted on

    def note_report(self, reported: dict | None) -> None:
        """Call once per run with st_folium's value: a new view in it is the user's move
        (or the map's first report), which then outranks the page's last request."""
        seen = reported_view(reported)
        if seen is None:
            return
        if seen != self.seen:
            self.seen, self.moved = seen, True
            vp = Viewport.from_map(reported.get("bounds"), seen[1])
            if vp:
                lo, hi = MAP_PX_RANGE
                self.px = tuple(min(max(n, lo), hi) for n in vp.size_px())

    def request(self, goto: Goto) -> None:
        """Send the map to ``goto`` on this run (st_folium's ``center`` and ``zoom``)."""
        self.goto, self.moved = goto, False

    def current(self, reported: dict | None, goto: Goto | None) -> MapView | None:
        """The view on screen: the user's last move if newer than ``goto``, else ``goto``;
        None before the map has either."""
        view = reported_view(reported) if self.moved or goto is None else None
        if view is not None:
            centre, zoom = view
            vp = Viewport.from_map(reported.get("bounds"), zoom)
            return MapView(centre, zoom, vp or Viewport.around(centre, zoom, *self.px))
        if goto is None:
            return None
        (lat, lon), zoom = goto
        return MapView((lat, lon), int(zoom), Viewport.around((lat, lon), int(zoom), *self.px))

    def hold_link(self, signature: str) -> Goto | None:
        """A link's centre and zoom hold until the records shown change; then None."""
        if self.link_view is None:
            return None
        bound_to, goto = self.link_view
        if bound_to is None:
            self.link_view = (signature, goto)
        elif bound_to != signature:
            self.link_view = None
            return None
        return goto


_SELECTION: Key[Selection] = Key("selection")
_PLAYER: Key[Player] = Key("player")
_MAP: Key[MapSync] = Key("map_sync")


def _typed(state: State, key: Key[T], kind: type[T]) -> T:
    found = state.get(key.name)
    if not isinstance(found, kind):  # first use, or a value from an older version of the app
        found = kind()
        key.set(state, found)
    return found


def selection_of(state: State) -> Selection:
    """The session's selection (empty on first use)."""
    return _typed(state, _SELECTION, Selection)


def has_selection(state: State) -> bool:
    """Whether this session has chosen anything yet (a link's record applies only if not)."""
    return _SELECTION.is_set(state)


def player_of(state: State) -> Player:
    return _typed(state, _PLAYER, Player)


def map_sync_of(state: State) -> MapSync:
    return _typed(state, _MAP, MapSync)
