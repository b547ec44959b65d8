"""The sidebar's timeline: the step, the moment slider, what it shows, and the player.

The widgets only choose the view's timeline fields (step, moment, mode, N days);
which days they stand for is decided once, by ``domain.filters.moment_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from frontier_atlas.app import state as keys
from frontier_atlas.domain.timeline import DEFAULT_DAYS, MODES, STEPS, timeline_steps, window_label


@dataclass(frozen=True)
class TimelineChoice:
    on: bool = False
    step: str = "month"
    moment: date | None = None  # the first day of the step the slider stands on
    mode: str = "step"
    days: int = DEFAULT_DAYS


def _toggle_play() -> None:
    player = keys.player_of(st.session_state)
    player.playing = not player.playing


def _slider_position(state: keys.State, windows: list[tuple[date, date]]) -> None:
    """Put the slider where the player or a link asked, before the slider is drawn."""
    player = keys.player_of(state)
    if player.next_index is not None:
        keys.MOMENT_INDEX.set(state, player.next_index)
        player.next_index = None
    if player.link_moment is not None:  # a date from a link: the window holding it
        at, player.link_moment = player.link_moment, None
        keys.MOMENT_INDEX.set(state, next((i for i, w in enumerate(windows) if w[0] <= at <= w[1]), 0))
    if (keys.MOMENT_INDEX.get(state) or 0) >= len(windows):
        keys.MOMENT_INDEX.set(state, 0)


def _player(windows: list[tuple[date, date]], speed: float) -> None:
    state = st.session_state
    player = keys.player_of(state)
    st.button("Pause" if player.playing else "Play", key="play", on_click=_toggle_play,
              icon=":material/pause:" if player.playing else ":material/play_arrow:")
    if not player.playing:
        return

    @st.fragment(run_every=speed)
    def _tick() -> None:
        # Runs once inside the full run (do nothing), then every `speed` s.
        if player.full_run:
            player.full_run = False
            return
        index = keys.MOMENT_INDEX.get(state) or 0
        if index + 1 >= len(windows):
            player.playing = False  # stops at the end
        else:
            player.next_index = index + 1
        st.rerun()

    _tick()


def timeline_controls(dates: tuple[date, date] | None) -> TimelineChoice:
    """The timeline widgets over the chosen date range; off (and the player stopped) without one."""
    state = st.session_state
    player = keys.player_of(state)
    player.full_run = True
    st.header("Timeline")
    if not dates or not st.toggle("Show what was under way at a moment", key=keys.TIMELINE_ON.name):
        player.playing = False
        return TimelineChoice()
    step = st.radio("Step", list(STEPS), horizontal=True, key=keys.STEP.name)
    windows = timeline_steps(dates, step)
    _slider_position(state, windows)
    index = st.select_slider("Moment", options=list(range(len(windows))), key=keys.MOMENT_INDEX.name,
                             format_func=lambda i: window_label(windows[i], step))
    mode = st.radio("Show", list(MODES), format_func=MODES.get, key=keys.MODE.name)
    days = DEFAULT_DAYS
    if mode == "window":
        days = int(st.number_input("N days", min_value=1, max_value=3650, key=keys.DAYS.name))
    speed = st.select_slider("Speed (seconds per step)", [0.5, 1.0, 2.0, 3.0], value=1.0, key=keys.SPEED.name)
    _player(windows, speed)
    return TimelineChoice(True, step, windows[index][0], mode, days)
