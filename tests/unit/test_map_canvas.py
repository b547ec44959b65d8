"""The Folium map as built, before any browser: shapes, escaping, offline links."""

from __future__ import annotations

import json
import re

import pytest
from support.csvfiles import edit_csv
from support.paths import SEED as DATA

from frontier_atlas.data.curated import load_dataset
from frontier_atlas.domain.access import local_actor
from frontier_atlas.domain.filters import Filters, apply_filters, records_frame
from frontier_atlas.geocode.chain import GeocoderChain
from frontier_atlas.map.assets import use_local_assets
from frontier_atlas.map.canvas import build_map
from frontier_atlas.map.clicks import read_click


def build(folder, **filters):
    use_local_assets()
    ds = load_dataset(folder)
    located = locate(ds)
    frame = apply_filters(records_frame(ds, located), Filters(**filters))
    return frame, build_map(frame, ds, located).get_root().render()


def locate(ds):
    from frontier_atlas.places.locate import locate_all

    return locate_all(ds, GeocoderChain(ds.places))


def record_markers(script: str) -> list[list]:
    """The rows of the records' marker layer (``RecordMarkers``): lat, lon, style, id, tooltip."""
    found = re.search(r"var d = (\{.*?\});\n", script)
    return json.loads(found.group(1))["markers"] if found else []


def test_one_clickable_shape_per_located_record():
    frame, html = build(DATA)
    located = int(frame["has_position"].sum())
    assert len(record_markers(html)) + html.count("fa-record fa-region") \
        + html.count("fa-record fa-movement") == located
    assert located == 8 and record_markers(html)


def test_scripts_come_from_our_own_origin():
    _, html = build(DATA)
    scripts = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'href="([^"]+\.css)"', html)
    assert scripts and all(s.startswith("/app/static/vendor/") for s in scripts), scripts
    # online tile layers are offered in the switcher but not added at start
    assert "tile.openstreetmap.org" in html
    assert re.search(r"tile_layer_\w+\.addTo\(", html) is None


def test_payload_is_escaped_in_tooltips(data_copy):
    payload = '<img src=x onerror=alert(1)>`${alert(2)}`</script>'
    edit_csv(data_copy / "crossings.csv", "bileh-savar", name=payload)
    _, html = build(data_copy, kinds=frozenset({"crossing"}))
    assert payload not in html and "<img src=x" not in html
    # the tooltip reaches JavaScript as one JSON string literal, HTML-escaped inside
    texts = tooltip_texts(html)
    assert any("&lt;img src=x onerror=alert(1)&gt;`${alert(2)}`&lt;/script&gt;" in t for t in texts), texts


def test_record_id_travels_in_the_tooltip():
    assert read_click("Aras 2025Military exercise\u27e6aras-2025\u27e7").record == "aras-2025"
    assert read_click("no id here") is None
    assert read_click(None) is None


@pytest.mark.parametrize("kind", ["exercise", "crossing", "region", "event", "movement"])
def test_each_kind_alone(kind):
    from frontier_atlas.domain.viewport import Viewport

    use_local_assets()
    ds = load_dataset(DATA)
    located = locate(ds)
    frame = apply_filters(records_frame(ds, located), Filters(kinds=frozenset({kind})))
    assert set(frame["kind"]) == {kind}
    # the map opens on the records shown (the view the page itself asks for: fit_view)
    fmap = build_map(frame, ds, located)
    opening = Viewport.around(tuple(fmap.location), fmap.options["zoom"], 560, 520)
    points = [located[rid].point for rid in frame["id"] if located[rid].point]
    assert points or frame["has_position"].sum() == 0
    assert all(opening.contains(p.lat, p.lon) for p in points)


def test_far_outliers_do_not_set_the_view():
    from frontier_atlas.map.canvas import fit_bounds

    caucasus = [(40 + i * 0.1, 45 + i * 0.1) for i in range(19)]
    south, west, north, east = fit_bounds(caucasus + [(38.9, -77.0)])
    assert west > 40 and north < 42.5
    assert fit_bounds([(1, 2), (3, 4)]) == (1, 2, 3, 4)


def test_a_detailed_region_boundary_does_not_narrow_the_view_to_itself(data_copy):
    """Karabakh's real boundary has hundreds of vertices: counted one by one, they made the
    view fit Karabakh alone and left a record 80 km north of it off the map."""
    from frontier_atlas.map.canvas import fit_bounds, record_layer

    edit_csv(data_copy / "events.csv", "karabakh-war-1990s", places="Ganja|AZE")
    ds = load_dataset(data_copy)
    located = locate(ds)
    assert len(located["karabakh"].outline["geometry"]["coordinates"][0]) > 100  # the real one
    frame = records_frame(ds, located)
    _, points = record_layer(frame, ds, located)
    south, west, north, east = fit_bounds(points)
    ganja = located["karabakh-war-1990s"].point
    assert south <= ganja.lat <= north and west <= ganja.lon <= east


# Jinja's three openers and two closers, and a render that would fail if it ever ran
BRACES = ["Camp {# here", "{{ 7*7 }}", "{% if %}", "a #} b", "x }} y", "{{ 1/0 }}", "{{'notaref'}}"]


def tooltip_texts(script: str) -> list[str]:
    """Every tooltip: the shapes' own (a JSON string literal each) and the markers' rows."""
    own = [json.loads(lit) for lit in re.findall(r'bindTooltip\(\s*("(?:[^"\\]|\\.)*")', script)]
    return own + [row[4] for row in record_markers(script)]


@pytest.mark.parametrize("name", BRACES)
def test_template_braces_in_a_record_name_are_text(data_copy, name):
    # what the map page sends: the base map, then the records as a swapped-in layer
    import streamlit_folium

    from frontier_atlas.map.canvas import base_map, record_layer
    from frontier_atlas.present.escaping import html_text

    use_local_assets()
    edit_csv(data_copy / "crossings.csv", "bileh-savar", name=name)
    ds = load_dataset(data_copy)
    located = locate(ds)
    frame = apply_filters(records_frame(ds, located), Filters())
    layer, _ = record_layer(frame, ds, located)
    fmap = base_map(600)
    fmap.get_root().render()
    script = streamlit_folium._get_feature_group_string(layer, fmap)
    assert any(f"<b>{html_text(name)}</b>" in t for t in tooltip_texts(script))
    assert "<b>49</b>" not in script
    # and the map in one piece (the export's path) renders the same text
    whole = build_map(frame, ds, located).get_root().render()
    assert any(f"<b>{html_text(name)}</b>" in t for t in tooltip_texts(whole))


@pytest.mark.parametrize("name", BRACES)
def test_template_braces_in_a_place_name_are_text(name):
    import pandas as pd
    import streamlit_folium

    from frontier_atlas.map.canvas import build_places_map
    from frontier_atlas.present.escaping import html_text

    table = pd.DataFrame([{"name": name, "lat": 40.1, "lon": 45.2, "precision": "town", "provider": name,
                           "how found": f"matched {name}", "ambiguous": False}])
    fmap = build_places_map(table)
    html = fmap.get_root().render()  # st_folium renders the whole figure first
    assert any(t.startswith(f"<b>{html_text(name)}</b>") for t in tooltip_texts(html))
    script = streamlit_folium._get_map_string(fmap)
    assert any(t.startswith(f"<b>{html_text(name)}</b>") for t in tooltip_texts(script))


def test_folium_element_references_still_resolve():
    # GeoJsonStyleMapper's "{{'name'}}" is the one second render Folium relies on
    from frontier_atlas.map.render import PlainText

    assert PlainText("a = {{'pattern_1'}};\n").render() == "a = pattern_1;"
    assert PlainText("{# not a comment").render(this=None) == "{# not a comment"


def test_template_braces_in_imported_events_are_text(tmp_path):
    import folium
    from streamlit_folium import _get_feature_group_string

    from frontier_atlas.domain.viewport import Viewport
    from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header
    from frontier_atlas.map.events import build_event_layer

    data = ("event_id_cnty,event_date,event_type,location,actor1,latitude,longitude\n"
            'X1,2024-01-01,"{% if %}","Camp {# here","{{ 1/0 }}",40,45\n'
            'X2,2024-01-02,"x }} y","{{ 7*7 }}","a #} b",40.1,45.1\n').encode()
    store = ImportStore(tmp_path)
    info, _ = import_events(data, "{# set {{ 7*7 }}.csv", guess_mapping(read_header(data, "x.csv")), store,
            by=local_actor())
    es = store.open(info.id)
    fg, summary = build_event_layer([(es, es.mask())], Viewport(39, 44, 41, 46, 8))
    text = _get_feature_group_string(fg, folium.Map())
    payload = json.loads(re.search(r"var data = (\{.*?\});\n", text).group(1))
    assert summary.mode == "points"
    assert {"Camp {# here", "{{ 7*7 }}"} <= set(payload["places"])
    assert {"{% if %}", "x }} y"} <= set(payload["types"])
