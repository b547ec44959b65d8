"""Page logic through Streamlit's AppTest: widgets in, counts and panel out."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from conftest import ROOT


def run_app(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if " of " in m.value and "records" in m.value)


def test_app_runs_and_counts():
    at = run_app()
    assert not at.exception
    assert count_line(at).startswith("**9 of 9 records")
    assert any("Click a marker" in i.value for i in at.info)


def test_search_and_kind_filters_change_the_count():
    at = run_app()
    at.text_input(key="query").input("Aras").run()
    assert count_line(at).startswith("**3 of 9 records")
    at.text_input(key="query").input("").run()
    at.multiselect(key="countries").select("ARM").run()
    assert count_line(at).startswith("**4 of 9 records")


def test_selected_record_shows_details_and_links_open():
    at = run_app(selected="aras-2025")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Aras 2025" in text and "Vali Ma" in text and "Tehran Times" in text
    link = next(b for b in at.button if b.label.startswith("crossing"))
    link.click().run()
    assert at.session_state["selected"] == "bileh-savar"
    assert "Bilasuvar" in " ".join(m.value for m in at.markdown)


def test_timeline_shows_what_was_under_way():
    at = run_app()
    at.toggle(key="timeline_on").set_value(True).run()
    assert not at.exception
    # first month of the span: January 1991, the first war (year precision)
    line = count_line(at)
    assert "under way" in line
    # that war + the standing crossing and region
    assert line.startswith("**3 of 9 records")
