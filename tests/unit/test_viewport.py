"""Choosing a view: the middle 90 % of positions, boxes together, and the zoom that fits a box."""

from __future__ import annotations

import numpy as np
import pytest

from frontier_atlas.domain.viewport import SAMPLE, Viewport, fit_view, middle_bounds, union_bounds


def test_few_positions_are_all_in_view():
    assert middle_bounds([41, 39, 40], [45, 47, 46]) == (39, 45, 41, 47)
    assert middle_bounds([], []) is None


def test_with_many_a_far_outlier_is_left_out_on_each_axis():
    lats = [40 + i * 0.1 for i in range(19)] + [38.9]
    lons = [45 + i * 0.1 for i in range(19)] + [-77.0]
    south, west, north, east = middle_bounds(lats, lons)
    assert west == pytest.approx(45.0) and south == pytest.approx(40.0)
    assert north == pytest.approx(41.7) and east == pytest.approx(46.7)  # the top 5 % go too


def test_arrays_and_lists_give_the_same_box_and_large_sets_are_sampled():
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(30, 50, 1000), rng.uniform(40, 60, 1000)
    assert middle_bounds(lat, lon) == middle_bounds(lat.tolist(), lon.tolist())
    many = np.concatenate([np.full(SAMPLE * 2, 40.0), [89.0]])
    assert middle_bounds(many, many) == (40.0, 40.0, 40.0, 40.0)


def test_union_takes_the_outer_edges_and_skips_missing_boxes():
    assert union_bounds((39, 45, 41, 47), None, (38, 46, 40, 50)) == (38, 45, 41, 50)
    assert union_bounds(None, None) is None and union_bounds() is None


def test_fit_view_centres_the_box_and_caps_the_zoom():
    box = (38.0, 44.0, 42.0, 50.0)
    centre, zoom = fit_view(box)
    assert centre == (40.0, 47.0)
    assert zoom == min(9, Viewport.fit(*box, width_px=560, height_px=520).zoom) and 3 <= zoom <= 7
    assert fit_view((40.0, 47.0, 40.0, 47.0)) == ((40.0, 47.0), 9)  # one position: as close as allowed
    assert fit_view((40.0, 47.0, 40.001, 47.001), max_zoom=12)[1] == 12
    assert fit_view((-60.0, -180.0, 75.0, 180.0), 800, 600, 14)[1] <= 2
