"""Settings are data: every variable the app reads is a field of ``settings.Settings`` with its
help, and the README's configuration table lists exactly those (plus the tests' own)."""

from __future__ import annotations

import re
from pathlib import Path

from frontier_atlas.settings import ROOT, Settings, environment_variables, settings

# read by the test suite only, documented in the same table
TEST_VARIABLES = {"FRONTIER_ATLAS_SCREENSHOTS", "FRONTIER_ATLAS_CHROMIUM", "FRONTIER_ATLAS_SEED_ARTICLE"}


def readme_table_variables() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`(FRONTIER_ATLAS_[A-Z_]+)`", line.split("|")[1]))
    return names


def test_the_readme_documents_every_setting_and_only_those():
    documented = readme_table_variables()
    assert set(environment_variables()) <= documented, set(environment_variables()) - documented
    assert documented - set(environment_variables()) <= TEST_VARIABLES, documented - set(environment_variables())
    assert all(help_text for help_text in environment_variables().values())


def test_no_module_reads_a_variable_of_ours_behind_the_settings():
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "frontier_atlas").rglob("*.py")]:
        if path == ROOT / "frontier_atlas" / "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"environ(\.get)?\W+[\"']FRONTIER_ATLAS_", text), path


def test_settings_follow_the_environment_and_derive_paths(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path))
    monkeypatch.delenv("FRONTIER_ATLAS_IMPORTS", raising=False)
    assert settings().imports_dir == tmp_path / "imports"
    monkeypatch.setenv("FRONTIER_ATLAS_BASE_LAYER", "Outlines ")
    assert settings().base_layer == "outlines"
    assert Settings.from_environment({"FRONTIER_ATLAS_BASE_LAYER": "tiles"}).base_layer == "offline"
    assert Settings.from_environment({}).online_geocoder is None
    assert Settings.from_environment({"FRONTIER_ATLAS_GEOCODE_TIMEOUT": "2.5"}).nominatim["timeout"] == 2.5


def test_pages_take_settings_from_the_loaded_atlas_not_the_environment():
    # read once per load (``app.loading``): a page run never re-reads the configuration
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "settings()" not in text and "frontier_atlas.settings" not in text, path


def test_job_limits_are_positive_numbers_or_the_defaults():
    assert Settings.from_environment({}).job_limits == (600.0, 2048)
    given = {"FRONTIER_ATLAS_JOB_SECONDS": "30", "FRONTIER_ATLAS_JOB_MEMORY_MB": "512"}
    assert Settings.from_environment(given).job_limits == (30.0, 512)
    for bad in ("0", "-5", "nan", "inf", "lots"):
        bad_env = {"FRONTIER_ATLAS_JOB_SECONDS": bad, "FRONTIER_ATLAS_JOB_MEMORY_MB": bad}
        assert Settings.from_environment(bad_env).job_limits == (600.0, 2048)
