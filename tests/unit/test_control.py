"""Who held a region on a day, and the colour the map gives it."""

from __future__ import annotations

from datetime import date

from support.paths import DATA

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.domain.control import CONTROLLER_COLOURS, DE_FACTO, controller_colour, controller_on
from frontier_atlas.domain.filters import Filters, apply_filters, records_frame
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.map.canvas import build_map
from frontier_atlas.places.locate import locate_all


def test_karabakh_changes_hands_on_the_timeline():
    ds = load_dataset(DATA)
    before = controller_on(ds.control, "karabakh", date(2010, 1, 1))
    after = controller_on(ds.control, "karabakh", date(2024, 1, 1))
    assert before.controller_country is None and "Armenian" in before.controller
    assert after.controller_country == "AZE"
    assert controller_colour(before) == DE_FACTO and controller_colour(after) == CONTROLLER_COLOURS["AZE"]
    gazakh = [controller_on(ds.control, "gazakh-tavush-villages", date(y, 6, 1)).controller_country
              for y in (2023, 2025)]
    assert gazakh == ["ARM", "AZE"]


def test_map_colours_regions_by_the_moments_controller():
    ds = load_dataset(DATA)
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    shown = apply_filters(records_frame(ds, located), Filters(kinds=frozenset({"region"})))
    html_2010 = build_map(shown, ds, located, on_day=date(2010, 1, 1)).get_root().render()
    html_2024 = build_map(shown, ds, located, on_day=date(2024, 1, 1)).get_root().render()
    assert "held by Azerbaijan on 2024-01-01" in html_2024
    assert "held by Ethnic Armenian de facto authorities" in html_2010
    assert html_2010.count(CONTROLLER_COLOURS["AZE"]) < html_2024.count(CONTROLLER_COLOURS["AZE"])


def test_highlighted_records_are_drawn_emphasised():
    ds = load_dataset(DATA)
    located = locate_all(ds, GeocoderChain(ds.places, ds.overrides))
    shown = apply_filters(records_frame(ds, located), Filters(query="Aras 2025"))
    html = build_map(shown, ds, located, highlight={"aras-2025"}).get_root().render()
    assert "fa-selected" in html
