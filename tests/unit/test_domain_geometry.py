"""Outline geometry: Polygon and MultiPolygon read alike, and a ring's area-weighted centre."""

from __future__ import annotations

import pytest

from frontier_atlas.domain.geometry import polygons, ring_centroid

SQUARE = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]
HOLE = [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 0.5]]


def test_a_polygon_is_a_list_of_one_and_a_multipolygon_its_own_list():
    assert polygons({"type": "Polygon", "coordinates": [SQUARE, HOLE]}) == [[SQUARE, HOLE]]
    assert polygons({"type": "MultiPolygon", "coordinates": [[SQUARE], [HOLE]]}) == [[SQUARE], [HOLE]]


@pytest.mark.parametrize("ring", [SQUARE, SQUARE[::-1], [tuple(p) for p in SQUARE]])
def test_ring_centroid_is_the_area_centre_whichever_way_round(ring):
    assert ring_centroid(ring) == pytest.approx((4.0, 1.0, 1.0))


def test_the_largest_ring_wins_and_a_flat_ring_has_no_area():
    triangle = [[10, 10], [11, 10], [10, 11]]
    assert max(ring_centroid(r) for r in (triangle, SQUARE))[1:] == pytest.approx((1.0, 1.0))
    assert ring_centroid([[3, 4], [5, 6], [3, 4]]) == (0.0, 3, 4)
