"""The article page's review shows its drafts a page at a time and keeps every page's choices."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.paths import ROOT

from frontier_atlas.app import state as keys

DRILL = (ROOT / "tests/fixtures/reports/drill-announcement.txt").read_text(encoding="utf-8")
# 24 copies, each drill under its own codename (one name is one exercise): 24 exercise drafts,
# 19,430 characters, read on the page's thread
TEXT = "\n\n".join(DRILL.replace("Aras 2025", f"Aras {2000 + i}") for i in range(24))


@pytest.fixture(autouse=True)
def _seed(seed_env):
    return seed_env


def _reviewed() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/add_article.py").run()
    at.text_area(key="article-text").input(TEXT)
    at.text_input(key="src-publisher").input("Desk notes")
    at.text_input(key="src-title").input("Three reports, eight times").run()
    return at.button(key="extract").click().run()


def _keep(at: AppTest, i: int):
    generation = keys.DRAFT_REVIEW.get(at.session_state).generation
    return at.checkbox(key=keys.DRAFT_KEEP.name(f"{generation}-{i}"))


def _page(at: AppTest):
    generation = keys.DRAFT_REVIEW.get(at.session_state).generation
    return at.selectbox(key=keys.DRAFT_PAGE.name(str(generation)))


def _shown(at: AppTest) -> int:
    return sum(1 for c in at.checkbox if c.label == "Save this record")


def test_a_long_review_draws_one_page_of_drafts_and_saves_the_choices_of_every_page():
    at = _reviewed()
    assert not at.exception
    assert any(m.value.startswith("**24 draft record(s)**") for m in at.markdown)
    assert _shown(at) == 20
    assert _page(at).options == ["1–20 of 24", "21–24 of 24"]
    left_out = {0, 5, 22}  # on both pages
    for i in sorted(x for x in left_out if x < 20):
        _keep(at, i).uncheck().run()
    _page(at).select(20).run()
    assert _shown(at) == 4
    for i in sorted(x for x in left_out if x >= 20):
        _keep(at, i).uncheck().run()
    _page(at).select(0).run()
    assert _shown(at) == 20
    assert _keep(at, 0).value is False and _keep(at, 5).value is False  # left and opened again: held
    _page(at).select(20).run()
    assert _keep(at, 22).value is False
    assert all(_keep(at, i).value is True for i in range(20, 24) if i not in left_out)

    at.button(key="confirm").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    saved = keys.SAVED.get(at.session_state)
    assert saved is not None and len(saved) == 24 - len(left_out)


def test_a_new_extraction_starts_a_clean_review():
    at = _reviewed()
    _keep(at, 3).uncheck().run()
    first = keys.DRAFT_REVIEW.get(at.session_state).generation
    at.button(key="extract").click().run()
    assert keys.DRAFT_REVIEW.get(at.session_state).generation == first + 1
    assert _keep(at, 3).value is True
    assert _shown(at) == 20
