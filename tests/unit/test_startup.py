"""The indexes built at set-up for a fast start (issue 19) answer exactly as the files
they were built from, and a stale one is not used."""

from __future__ import annotations

import json
import re

import pytest
from support.paths import ROOT

from frontier_atlas.geocode import countries, provinces
from frontier_atlas.map.assets import BUNDLE_CSS, BUNDLE_JS, BUNDLED_JS, MAP_JS, missing_assets, use_local_assets

NAMES = ["Syunik Province", "Syunik", "Ardabil Province", "East Azerbaijan", "Nakhchivan Autonomous Republic",
         "Kars Province", "Kvemo Kartli", "Troms", "Ardabil", "no such province"]


def _answers(index: provinces.ProvinceIndex) -> dict:
    from frontier_atlas.domain.text import normalise

    out = {}
    for name in NAMES:
        out[name] = [(tier, e["id"]) for tier, e in index.named(normalise(name))]
    return out


@pytest.fixture()
def built(tmp_path, monkeypatch):
    if not provinces.PROVINCES_PATH.exists():
        pytest.skip("no base map built")
    db = tmp_path / "provinces.sqlite3"
    assert provinces.build_province_db(provinces.PROVINCES_PATH, db) > 4000
    monkeypatch.setattr(provinces, "PROVINCES_DB", db)
    provinces._open.cache_clear()
    yield db
    provinces._open.cache_clear()


def test_the_built_province_index_answers_as_the_file(built):
    index = provinces.province_index()
    assert isinstance(index, provinces.BuiltProvinceIndex)
    from_file = provinces._load(provinces._version(provinces.PROVINCES_PATH))
    assert _answers(index) == _answers(from_file)
    assert any(_answers(index).values())
    some = next(e for _, e in from_file.named("syunik"))
    assert index.entry(some["id"]) == from_file.entry(some["id"])  # the outline too
    assert provinces.ProvinceGazetteer().geocode("Syunik Province") == \
        provinces.ProvinceGazetteer(defer_to_towns=True).geocode("Syunik Province")


def test_a_province_index_built_from_another_file_is_not_used(built):
    import sqlite3

    con = sqlite3.connect(built)
    con.execute("UPDATE meta SET value = 'other' WHERE key = 'source_sha1'")
    con.commit()
    con.close()
    provinces._open.cache_clear()
    assert not isinstance(provinces.province_index(), provinces.BuiltProvinceIndex)
    assert provinces.province_index().named("syunik")  # read from the file instead


def test_the_built_country_index_is_the_computed_one(tmp_path):
    if not countries.WORLD_ATLAS.exists():
        pytest.skip("no assets installed")
    built = tmp_path / "country-index.json"
    assert countries.build_country_index(countries.WORLD_ATLAS, built) > 200
    read = countries._built_index(countries.WORLD_ATLAS, built)
    assert read == countries._computed_index(countries.WORLD_ATLAS)
    assert read["russia"].country == "RU"
    data = json.loads(built.read_text())
    data["source_sha1"] = "0" * 40
    built.write_text(json.dumps(data))
    assert countries._built_index(countries.WORLD_ATLAS, built) is None  # stale: computed again


def test_the_map_loads_one_script_and_one_stylesheet_of_ours():
    import folium

    from frontier_atlas.map.canvas import OfflineBasemap, record_layer  # noqa: F401
    from frontier_atlas.map.offline import OfflineMap

    use_local_assets()
    fmap = folium.Map(tiles=None)
    OfflineBasemap().add_to(fmap)
    OfflineMap().add_to(fmap)
    folium.plugins.MarkerCluster().add_to(fmap)
    html = fmap.get_root().render()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == [MAP_JS[0][1]]
    assert len(re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)) == 1


def test_the_bundle_holds_each_checked_file_in_order():
    if missing_assets():
        pytest.skip("no assets installed")
    text = BUNDLE_JS.read_text(encoding="utf-8")
    marks = [text.index(f"/* {package}@") for package, _ in BUNDLED_JS]
    assert marks == sorted(marks)
    leaflet = (ROOT / "static/vendor/leaflet/dist/leaflet.js").read_text(encoding="utf-8")
    assert leaflet.split("//# sourceMappingURL")[0].strip()[:2000] in text
    assert "sourceMappingURL" not in text and BUNDLE_CSS.is_file()


def test_the_warm_up_loads_the_data_a_page_run_then_finds(seed_env, monkeypatch):
    from frontier_atlas.app import loading
    from frontier_atlas.app.warmup import start_warm_up

    loads = []
    real = loading.load_dataset
    monkeypatch.setattr(loading, "load_dataset", lambda *a, **k: loads.append(a) or real(*a, **k))
    loading.reload_atlas()
    try:
        start_warm_up().join(60)
        assert len(loads) == 1
        atlas = loading.load_atlas()  # what the first page run asks for
        assert len(loads) == 1 and len(atlas.frame) > 0  # the warm-up's, not a second load
    finally:
        loading.reload_atlas()
