"""Page logic through Streamlit's AppTest: widgets in, counts and panel out."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from support.paths import ROOT

from frontier_atlas.app.state import Selection
from frontier_atlas.domain.access import local_actor
from frontier_atlas.events import ImportStore, guess_mapping, import_events, read_header


@pytest.fixture(autouse=True)
def _seed(seed_env):
    return seed_env


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
    at = run_app(selection=Selection(record="aras-2025"))
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Aras 2025" in text and "Vali Ma" in text and "Tehran Times" in text
    link = next(b for b in at.button if b.label.startswith("crossing"))
    link.click().run()
    assert at.session_state["selection"].record == "bileh-savar"
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


def test_timeline_walks_through_five_years_of_the_curated_data(monkeypatch, tmp_path):
    from support.paths import DATA

    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(DATA))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.toggle(key="timeline_on").set_value(True).run()
    at.radio(key="step").set_value("year").run()
    under_way = {}
    for year in range(2020, 2026):
        at.select_slider(key="tl_idx").set_value(year - at.session_state["dates"][0].year).run()
        assert not at.exception
        under_way[year] = int(count_line(at).split(" of ")[0].strip("*"))
    from frontier_atlas.data.curated import load_dataset

    ds = load_dataset(DATA)
    standing = sum(1 for r in ds.records.values() if r.start is None)  # crossings, regions
    # every year from 2020 to 2025 has something under way beside the standing features
    assert all(n > standing for n in under_way.values()), (standing, under_way)
    assert len(set(under_way.values())) >= 3, under_way


def test_sources_page_opens_a_source_and_its_records():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.query_params["source"] = "mehrnews-2024-11-25"
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    opened = [e for e in at.expander if "Mehr News" in e.label]
    assert len(opened) == 1
    buttons = [b.label for b in opened[0].button]
    assert any("Aras Joint Exercise" in label for label in buttons)
    at.text_input(key="source-find").input("Iran International").run()
    assert [e.label for e in at.expander][0].startswith("Iran International")


def test_a_record_from_the_unplaced_list_replaces_an_open_imported_event(tmp_path):
    """Bug: with an imported event open, a record clicked in the list of records without
    a position left the event panel in place (the selection was three session keys and
    the list's button set only one)."""
    import os

    csv = b"event_date,latitude,longitude,event_type,location\n2024-05-18,39.4,47.4,Protests,Aslanduz\n"
    info, _ = import_events(csv, "few.csv", guess_mapping(read_header(csv, "few.csv")),
                            ImportStore(os.path.join(os.environ["FRONTIER_ATLAS_USER_DIR"], "imports")),
                                    by=local_actor())
    at = run_app(selection=Selection(event=(info.id, 0)))
    assert not at.exception
    event_open = lambda: any(c.value.startswith("imported event") for c in at.caption)  # noqa: E731
    assert event_open(), "the imported event is open"
    at.button(key="unplaced-peace-text-2025").click().run()
    assert at.session_state["selection"] == Selection(record="peace-text-2025")
    text = " ".join(m.value for m in at.markdown)
    assert "agree the text of a peace agreement" in text
    assert not event_open(), "the event panel closed"


def _records_counted(at: AppTest) -> int:
    return int(count_line(at).split(" of ")[0].strip("*"))


def test_a_link_restores_the_timeline_mode_and_n_days_and_the_data_page_agrees(monkeypatch):
    from support.paths import DATA

    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(DATA))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"timeline": "year", "at": "2024-01-01", "mode": "window", "days": "90"})
    at.run()
    assert not at.exception
    assert at.session_state["tl_mode"] == "window" and at.session_state["tl_days"] == 90
    assert "under way 3 October – 31 December 2024" in count_line(at)  # the last 90 days of 2024
    window = _records_counted(at)
    assert {k: at.query_params[k] for k in ("mode", "days")} in ({"mode": "window", "days": "90"},
                                                                 {"mode": ["window"], "days": ["90"]})
    at.radio(key="tl_mode").set_value("cumulative").run()
    cumulative = _records_counted(at)
    assert cumulative > window
    # the Data page applies the same moment to the same records (bug 2: 74 against 32)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    shown = next(m.value for m in at.markdown if "records**, as the filters" in m.value)
    assert shown.startswith(f"**{cumulative} of ")


def _julfa_places_page(data_copy, tmp_path, monkeypatch):
    """The Places page offering Julfa's candidates (Julfa is in Azerbaijan and in Iran),
    and the user store its pins go to."""
    from support.csvfiles import append_csv

    from frontier_atlas.data.userstore import UserStore

    append_csv(data_copy / "events.csv", id="julfa-test", name="Test event at Julfa", event_type="test",
               start="2025-01-01", places="Julfa", source_ids="tehrantimes-2025-05-18")
    monkeypatch.setenv("FRONTIER_ATLAS_DATA", str(data_copy))
    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path / "user"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/places.py").run()
    assert any(r.key.startswith("choice-Julfa") for r in at.radio)
    return at, UserStore(tmp_path / "user" / "user-records.sqlite3")


def _julfa_pins(store) -> list[str]:
    return [f"{row['country']} {row['lat']} {row['lon']}" for name, (row, _) in store.pins().items()
            if name == "Julfa"]


def _other_candidate(data_copy):
    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.geocode.chain import GeocoderChain

    ds = load_dataset(data_copy)
    return GeocoderChain(ds.places, ds.overrides).locate("Julfa", None).candidates[0]


def test_a_pin_made_in_another_session_is_said_and_not_overwritten(data_copy, tmp_path, monkeypatch):
    from frontier_atlas.places.review import pin_place

    at, store = _julfa_places_page(data_copy, tmp_path, monkeypatch)
    pin_place(store, "Julfa", _other_candidate(data_copy), by=local_actor())  # another session, meanwhile
    theirs = _julfa_pins(store)
    at.button(key=next(b.key for b in at.button if b.key.startswith("pin-Julfa"))).click().run()
    assert not at.exception
    assert _julfa_pins(store) == theirs
    assert any("Julfa was pinned meanwhile in another session" in i.value.replace("\\", "") for i in at.info)


def test_pins_pressed_in_the_same_moment_show_the_other_and_the_user_chooses(data_copy, tmp_path, monkeypatch):
    import frontier_atlas.places.review as review

    at, store = _julfa_places_page(data_copy, tmp_path, monkeypatch)
    other, real = _other_candidate(data_copy), review.pin_place
    raced = []

    def pin_after_the_other(path, name, chosen, version=None, *, by):
        if not raced:  # the other session's pin lands between this page's run and its write
            raced.append(real(path, name, other, by=local_actor()))
        return real(path, name, chosen, version=version, by=by)

    monkeypatch.setattr(review, "pin_place", pin_after_the_other)
    at.button(key=next(b.key for b in at.button if b.key.startswith("pin-Julfa"))).click().run()
    assert not at.exception
    theirs = _julfa_pins(store)
    assert len(theirs) == 1
    assert any("Someone else pinned Julfa meanwhile" in w.value.replace("\\", "") for w in at.warning)
    at.button(key=next(b.key for b in at.button if b.key.startswith("pin-anyway-Julfa"))).click().run()
    assert not at.exception
    assert len(_julfa_pins(store)) == 1 and _julfa_pins(store) != theirs  # the user's own choice


@pytest.mark.parametrize("page", [None, "pages/data.py", "pages/add_article.py", "pages/imports.py", "pages/places.py",
                                  "pages/audit.py", "pages/admin.py"])
def test_single_user_mode_says_on_every_page_that_anyone_here_can_change_the_records(page):
    from frontier_atlas.app.identity import SINGLE_USER_NOTICE

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    assert SINGLE_USER_NOTICE in [c.value for c in at.sidebar.caption]


def test_the_admin_page_gives_a_role_and_the_audit_page_lists_it_by_user_and_record(tmp_path, monkeypatch):
    """Single-user mode's one user is an admin: both pages work for them, and say who did it."""
    from frontier_atlas.data.userstore import UserStore

    monkeypatch.setenv("FRONTIER_ATLAS_USER_DIR", str(tmp_path / "user"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    at.text_input(key="role-user").input("rita@desk.example")
    at.selectbox(key="role-choice").select("reviewer")
    at.button[0].click().run()  # the form's only button
    assert not at.exception and not at.error
    store = UserStore(tmp_path / "user" / "user-records.sqlite3")
    assert {k: v.value for k, v in store.roles().items()} == {"rita@desk.example": "reviewer"}
    assert at.dataframe[0].value.to_dict("records") == [{"user": "rita@desk.example", "role": "reviewer"}]
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["action"]) == ["role"] and list(table["record"]) == ["user:rita@desk.example"]
    assert table["changes"][0] == "role: ∅ → reviewer"
    at.selectbox(key="audit-record").select("user:rita@desk.example").run()
    assert len(at.dataframe[0].value) == 1
