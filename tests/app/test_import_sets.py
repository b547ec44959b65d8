"""Two sessions on the import page (issue 15, row 6): a rename or delete is checked against what
the user saw, and a set deleted elsewhere is said, not silently dropped."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.imports import FEW, user_import_store
from support.paths import ROOT

from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import guess_mapping, import_events, read_header


@pytest.fixture(autouse=True)
def _seed(seed_env):
    return seed_env


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    return at.switch_page("pages/imports.py").run()


def _headings(at: AppTest) -> list[str]:
    return [m.value.removeprefix("#### ") for m in at.markdown if m.value.startswith("####")]


def test_a_delete_after_another_sessions_rename_shows_the_new_name_and_waits_for_a_second_press():
    info, _ = import_events(FEW, "few.csv", guess_mapping(read_header(FEW, "few.csv")), user_import_store(), "drills",
            by=local_actor())
    mine, theirs = _page(), _page()
    theirs.text_input(key=f"rename-{info.id}").input("Aras 2025 drills").run()
    theirs.button(key=f"rename-save-{info.id}").click().run()
    assert _headings(theirs) == ["Aras 2025 drills"]

    mine.button(key=f"delete-{info.id}").click().run()
    assert not mine.exception
    said = " ".join(w.value for w in mine.warning)
    assert "changed in another session" in said and "Aras 2025 drills" in said
    assert [s.name for s in user_import_store().sets()] == ["Aras 2025 drills"]  # not deleted
    mine.button(key=f"delete-{info.id}").click().run()  # chosen, with the new name in view
    assert user_import_store().sets() == [] and not mine.exception
    assert not [i for i in mine.info if "another session" in i.value]  # their own delete is not news


def test_a_set_deleted_in_another_session_is_said_on_the_next_run():
    mapping = guess_mapping(read_header(FEW, "few.csv"))
    info, _ = import_events(FEW, "few.csv", mapping, user_import_store(), "crossings", by=local_actor())
    mine, theirs = _page(), _page()
    theirs.button(key=f"delete-{info.id}").click().run()
    mine.run()
    notice = " ".join(i.value for i in mine.info)
    assert "Deleted in another session" in notice and "crossings" in notice
    mine.run()
    assert "Deleted in another session" not in " ".join(i.value for i in mine.info)
