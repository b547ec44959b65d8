"""Hostile text in every field that reaches HTML, on every view, in a real browser.

Records, sources, places and control periods carry script payloads; source URLs carry
``javascript:`` and ``data:`` variants; an article pasted (and uploaded) on the Add page
carries them too, and so does the address bar. On each view the browser must show the
payloads as literal text and run none of them: no dialog, no ``window.__xss`` in any
frame, no element with an event-handler attribute or a script-scheme link, no script
element made of the payload. Source links are http(s) only, open in a new tab and carry
``rel="noopener noreferrer"``.

One app server serves the whole module (starting one takes seconds on two cores); the
Add-article test saves records, so it runs last.
"""

from __future__ import annotations

import csv
import re
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from support.appserver import AppServer
from support.browsing import MAP_IFRAME, details_title, map_frame, open_app, open_record, wait_until
from support.csvfiles import append_csv, edit_csv
from support.paths import SEED

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
BOLD = "'><b onmouseover=window.__xss=1>"
TEMPLATE = "`${window.__xss=1}`"
PAYLOADS = (SCRIPT, IMG, SVG, BOLD, TEMPLATE)
BAD_URLS = (
    "javascript:window.__xss=1",
    "JaVaScRiPt:window.__xss=1",
    " javascript:window.__xss=1",
    "data:text/html,<script>window.__xss=1</script>",
)
PLACE = "Outpost " + IMG  # a gazetteer entry named with a payload, so it is on the maps

# What a script element made from a payload would contain. The map's own script holds
# the record names JSON-encoded (``\u003cscript\u003e``), never these raw forms.
RAW_MARKUP = ("<script>window.__xss", 'onerror="window.__xss', "<svg onload=window.__xss",
              "<b onmouseover=window.__xss")

SCAN_JS = """(raw) => {
    const bad = [];
    const scheme = v => v.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
    const urlAttrs = ['href', 'xlink:href', 'src', 'action', 'formaction', 'data', 'poster', 'background'];
    for (const el of document.querySelectorAll('*')) {
        for (const a of el.attributes) {
            const name = a.name.toLowerCase();
            if (name.startsWith('on')) bad.push(`${el.tagName} ${name}=${a.value}`);
            if (urlAttrs.includes(name) && /^(javascript|vbscript):/.test(scheme(a.value)))
                bad.push(`${el.tagName} ${name}=${a.value}`);
        }
    }
    // navigations: no data: URL either (the favicon <link> may be one, it is not clickable)
    for (const el of document.querySelectorAll('a, area, iframe, form, object, embed')) {
        for (const name of ['href', 'xlink:href', 'src', 'action', 'data']) {
            const v = el.getAttribute(name);
            if (v && scheme(v).startsWith('data:')) bad.push(`${el.tagName} ${name}=${v}`);
        }
    }
    for (const s of document.querySelectorAll('script')) {
        const t = s.textContent;
        if (/^\\s*`?\\$?\\{?window\\.__xss/.test(t) || raw.some(m => t.includes(m))) bad.push('script: ' + t.slice(0, 80));
    }
    if (document.querySelector('img[src="x"], svg[onload], b[onmouseover]')) bad.push('payload element');
    return bad;
}"""

SOURCE_LINKS_JS = """() => [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.getAttribute('href'), resolved: a.href, target: a.target, rel: a.rel, text: a.innerText}))"""

# ---- the hostile dataset and its server ------------------------------------------------


def _rewrite_control(path: Path) -> None:
    """Control periods have no id column: rewrite both Karabakh periods."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    rows[0].update(controller="Authorities " + SCRIPT, start_note=IMG)
    rows[1].update(controller="Azerbaijan " + SVG)  # today's controller: in the region's tooltip
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def plant_payloads(data: Path) -> None:
    """Every free-text field of every kind gets a payload; each record's name gets one.

    Two events get exact positions so that no marker with a payload hides in a cluster.
    """
    append_csv(data / "places.csv", name=PLACE, aliases="", kind="town", country="AZE", lat="40.6",
               lon="47.6", precision="town", how_found="found by " + TEMPLATE, region_id="",
               source_ids="geonames")
    for i, url in enumerate(BAD_URLS, 1):  # refused by the loader; the record keeps its other sources
        append_csv(data / "sources.csv", id=f"bad-{i}", publisher=f"Bad {i} " + SCRIPT, title="T " + IMG,
                   published="2025-01-01", type="news report", url=url, note="")
    edit_csv(data / "sources.csv", "tehrantimes-2025-05-18", publisher="Tehran Times " + SCRIPT,
             title=IMG + " title", note=SVG)
    edit_csv(data / "exercises.csv", "aras-2025", name="Aras " + SCRIPT, other_names="Alias " + SCRIPT,
             description=IMG + " described", commander=SVG, forces=BOLD, aims_as_reported=TEMPLATE,
             sites="Range " + SVG, verification_note="note " + BOLD, places="Karabakh;Hill " + IMG,
             source_ids="tehrantimes-2025-05-18;iranintl-2025-05-18;bad-1;bad-2;bad-3;bad-4")
    edit_csv(data / "exercises.csv", "aras-joint-2024", name="Aslanduz " + BOLD)
    edit_csv(data / "events.csv", "karabakh-war-2020", name="War " + IMG, actors=f"De facto {SVG};Militia {BOLD}",
             event_type="war " + TEMPLATE, description=SCRIPT, lat="40.35", lon="45.9",
             coordinates_source="odt-2020-11-10")
    edit_csv(data / "events.csv", "karabakh-offensive-2023", name="Offensive " + TEMPLATE, lat="39.2",
             lon="46.2", coordinates_source="wion-2023-09-20")
    edit_csv(data / "events.csv", "karabakh-war-1990s", places=PLACE)
    edit_csv(data / "events.csv", "peace-text-2025", name="Peace " + SVG)  # no place: listed under the map
    edit_csv(data / "movements.csv", "aras-2025-entry", name="Entry " + SVG, unit=BOLD,
             route_as_reported=IMG, description=TEMPLATE)
    edit_csv(data / "crossings.csv", "bileh-savar", name="Crossing " + IMG, name_a=SCRIPT, name_b=SVG,
             status=TEMPLATE)
    edit_csv(data / "regions.csv", "karabakh", name="Karabakh " + TEMPLATE, other_names=BOLD)
    _rewrite_control(data / "control.csv")


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppServer]:
    """The real app on the seed data with payloads planted, shared by the module's tests."""
    root = tmp_path_factory.mktemp("xss")
    shutil.copytree(SEED, root / "data")
    plant_payloads(root / "data")
    (root / "user").mkdir()
    server = AppServer(root / "data", root / "user")
    yield server
    server.stop()


# ---- checks ------------------------------------------------------------------------------


class Watch:
    """Dialogs and uncaught script errors of a page, from the moment it is watched."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def assert_inert(page, watch: Watch, where: str) -> None:
    """Nothing ran: no dialog, no ``window.__xss`` and no payload element in any frame."""
    assert watch.dialogs == [], f"{where}: dialogs {watch.dialogs}"
    assert not [e for e in watch.errors if "__xss" in e], f"{where}: {watch.errors}"
    for frame in page.frames:
        if frame.is_detached():
            continue
        assert frame.evaluate("typeof window.__xss") == "undefined", f"{where}: ran in {frame.url}"
        assert frame.evaluate(SCAN_JS, list(RAW_MARKUP)) == [], f"{where}: {frame.url}"


def assert_literal(text: str, wanted: tuple[str, ...], where: str) -> None:
    missing = [p for p in wanted if p not in text]
    assert not missing, f"{where}: not shown as text: {missing} in {text[:3000]!r}"


def assert_source_links(page, where: str) -> None:
    """Links that leave the app: http(s) only, new tab, noopener and noreferrer."""
    for frame in page.frames:
        if frame.is_detached():
            continue
        for a in frame.evaluate(SOURCE_LINKS_JS):
            href = a["href"].strip()
            if href.startswith("#") or urlsplit(a["resolved"]).hostname in ("localhost", "127.0.0.1"):
                continue  # in-app navigation and heading anchors
            if href == "https://leafletjs.com":
                continue  # Leaflet's attribution in the map: not a source (it opens in the map's frame)
            assert urlsplit(href).scheme in ("http", "https"), f"{where}: {a}"
            assert {"noopener", "noreferrer"} <= set(a["rel"].split()), f"{where}: {a}"
            assert a["target"] == "_blank", f"{where}: {a}"


def wait_idle(page, quiet: float = 0.6, timeout: float = 30) -> None:
    """Until Streamlit has not been running a script for ``quiet`` seconds.

    One action can cause several short reruns (the map component reports its new view
    after each rebuild), with idle gaps between them; a quiet spell outlasts those gaps.
    The app root's ``data-test-script-state`` is what Streamlit's own tests wait on.
    """
    state = page.locator("[data-testid='stApp']")
    deadline = time.time() + timeout
    idle_since = None
    while time.time() < deadline:
        if state.get_attribute("data-test-script-state") == "notRunning":
            idle_since = idle_since or time.time()
            if time.time() - idle_since >= quiet:
                return
        else:
            idle_since = None
        time.sleep(0.05)
    raise AssertionError("the app kept running")


def map_tooltips(page) -> list[str]:
    """Open each record shape's tooltip on the map in turn and read it as shown."""
    frame = map_frame(page)
    shapes = frame.locator(".fa-record")
    texts = []
    for i in range(shapes.count()):
        shape = shapes.nth(i)
        shape.dispatch_event("mouseover")
        tip = frame.locator(".leaflet-tooltip")
        wait_until(lambda: tip.count() > 0, timeout=5, what="a tooltip")
        texts.append("\n".join(tip.all_inner_texts()))
        shape.dispatch_event("mouseout")
    return texts


def grid_text(page) -> str:
    """A dataframe's cells: drawn on a canvas, mirrored in an accessible table."""
    grid = page.locator("[data-testid='stDataFrame'] table[role='grid']").first
    grid.wait_for(state="attached")
    return grid.text_content()


# ---- unit checks of the two guards ---------------------------------------------------------


@pytest.mark.parametrize("url", BAD_URLS + (
    "\tjavascript:window.__xss=1", "java\nscript:window.__xss=1", "vbscript:msgbox(1)", "/relative/path",
    "//evil.example/x", "https:///no-host", 'https://x.org/"onmouseover=1', "https://x.org/a b",
    "https://x.org\\evil", "http://[::1",
))
def test_safe_url_refuses_what_is_not_a_plain_web_link(url):
    from frontier_atlas.domain.records import Source
    from frontier_atlas.present.escaping import md_link, safe_url

    assert safe_url(url) is None
    assert md_link("title", url) == "title"
    if url.strip() and not url.lower().startswith(("http://", "https://")):
        with pytest.raises(ValueError):  # the loader refuses the source in the first place
            Source(id="s", publisher="p", title="t", published="2025-01-01", type="news report", url=url)


def test_md_link_keeps_a_web_link_whole():
    from frontier_atlas.present.escaping import md_link

    assert md_link("t", "https://x.org/a_(b)") == "[t](https://x.org/a_%28b%29)"
    assert md_link("t", " HTTP://X.ORG/a ") == "[t](HTTP://X.ORG/a)"


@pytest.mark.parametrize("text", [
    "![b](http://127.0.0.1:8798/b.png)[Log in again](http://example.org/p)",
    "visit https://example.org/login now", "or WWW.example.org", "mail me@example.org", "ftp://example.org",
])
def test_md_text_leaves_no_bare_address_for_gfm_to_link(text):
    # GFM links bare addresses after reading escapes: each one is broken by an invisible joiner
    from frontier_atlas.present.escaping import WORD_JOINER, md_text

    md = md_text(text)
    assert not re.search(r"(?i)https?\\?:|www\\?\.|\w@", md), md
    assert re.sub(r"\\(.)", r"\1", md).replace(WORD_JOINER, "") == text  # the same characters once shown


def test_md_text_adds_nothing_where_gfm_sees_no_address():
    from frontier_atlas.present.escaping import WORD_JOINER, md_text

    assert WORD_JOINER not in md_text("only http:// or https:// URLs are allowed; @home; www; a@")


def test_kml_description_is_text_for_viewers_that_read_it_as_html(data_copy):
    from frontier_atlas.data.curated import load_dataset
    from frontier_atlas.data.export import to_kml

    edit_csv(data_copy / "exercises.csv", "aras-2025", description=IMG + " & " + SCRIPT)
    ds = load_dataset(data_copy)
    root = ET.fromstring(to_kml(ds, {}, ["aras-2025"]).split("\n", 1)[1])
    desc = root.find(".//{http://www.opengis.net/kml/2.2}description").text
    # after XML parsing, what Google Earth renders as HTML is entity-escaped markup
    assert desc == "&lt;img src=x onerror=\"window.__xss=1\"&gt; &amp; &lt;script&gt;window.__xss=1&lt;/script&gt;"


# ---- the views ------------------------------------------------------------------------------


@pytest.mark.browser
def test_map_tooltips_and_details_panel(app, page):
    watch = Watch(page)
    open_app(page, app.url)
    wait_until(lambda: map_frame(page).locator(".fa-record").count() >= 8, what="every shape drawn")

    # tooltips: every record shape (markers, the region, the movement line), one after another
    tips = map_tooltips(page)
    assert_inert(page, watch, "map tooltips")
    assert_literal("\n".join(tips), PAYLOADS, "map tooltips")
    assert any("held by Azerbaijan " + SVG in t for t in tips)  # a control period's controller
    # a real hover as a user would do it, on the marker whose name holds <script>
    page.locator(MAP_IFRAME).last.scroll_into_view_if_needed()
    map_frame(page).locator("[data-record='aras-2025']").hover()
    wait_until(lambda: SCRIPT in map_frame(page).locator(".leaflet-tooltip").last.inner_text(),
               timeout=10, what="hovered tooltip")
    # the record without a position is a button under the map
    assert page.get_by_role("button", name="Peace " + SVG).count() == 1
    # the load problems: the four script-scheme URLs were refused, with their sources
    page.get_by_text(re.compile(r"problem\(s\) in the data files")).click()
    assert page.inner_text("body").count("only http:// or https:// URLs are allowed") == len(BAD_URLS)
    assert_inert(page, watch, "map page")

    # the details panel of each kind, opened by a click on the map, then by its links
    open_record(page, "aras-2025", "Aras " + SCRIPT)
    wait_idle(page)
    panel = page.locator(".st-key-details")
    text = panel.inner_text()
    for value in ("Alias " + SCRIPT, IMG + " described", SVG, BOLD, TEMPLATE, "Range " + SVG, "note " + BOLD,
                  "Hill " + IMG, "Tehran Times " + SCRIPT, IMG + " title"):
        assert value in text, value
    assert "Bad 1" not in text  # the refused sources are not cited
    title_link = panel.get_by_role("link", name=IMG + " title")
    assert title_link.get_attribute("href").startswith("https://www.tehrantimes.com/")
    assert_source_links(page, "exercise details")
    assert_inert(page, watch, "exercise details")

    def open_linked(prefix: str, title: str, values: tuple[str, ...]) -> None:
        panel.get_by_role("button", name=re.compile("^" + re.escape(prefix))).first.click()
        wait_until(lambda: details_title(page) == title, what=f"details of {title}")
        wait_idle(page)
        assert_literal(panel.inner_text(), values, title)
        assert_source_links(page, title)
        assert_inert(page, watch, title)

    def back_to_exercise() -> None:
        open_record(page, "aras-2025", "Aras " + SCRIPT)
        wait_idle(page)

    open_linked("crossing: ", "Crossing " + IMG, (SCRIPT, SVG, TEMPLATE))
    back_to_exercise()
    open_linked("movement: ", "Entry " + SVG, (BOLD, IMG, TEMPLATE))
    back_to_exercise()
    open_linked("region: ", "Karabakh " + TEMPLATE, (BOLD, "Authorities " + SCRIPT, IMG, "Azerbaijan " + SVG))
    open_linked("event: War", "War " + IMG, ("De facto " + SVG, "Militia " + BOLD, "war " + TEMPLATE, SCRIPT))
    # the payload place, drawn where the gazetteer puts it, for the 1990s war
    open_record(page, "karabakh-war-1990s", "First Karabakh war")
    wait_idle(page)
    assert_literal(panel.inner_text(), (PLACE, "found by " + TEMPLATE), "payload place")
    assert_inert(page, watch, "details at the payload place")


@pytest.mark.browser
def test_data_timeline_sources_places_about(app, page):
    watch = Watch(page)
    names = ("Aras " + SCRIPT, "War " + IMG, "Entry " + SVG, "Aslanduz " + BOLD, "Offensive " + TEMPLATE)

    page.goto(app.url + "/data")
    page.get_by_role("heading", name="Data").wait_for()
    wait_until(lambda: all(n in grid_text(page) for n in names), what="the table with every name")
    assert_literal(grid_text(page), ("Hill " + IMG, PLACE), "data table places")
    assert_inert(page, watch, "data page")

    page.goto(app.url + "/timeline")
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for()
    marks = chart.locator("g.mark-rect path[aria-label], g.mark-symbol path[aria-label]")
    wait_until(lambda: marks.count() >= 7, what="the timeline's marks")
    tips = []
    for i in range(marks.count()):
        marks.nth(i).hover(force=True)
        tip = page.locator("#vg-tooltip-element")
        wait_until(lambda: tip.count() and tip.inner_text().strip(), timeout=5, what="a chart tooltip")
        tips.append(tip.inner_text())
    assert_literal("\n".join(tips), names, "timeline tooltips")
    assert_inert(page, watch, "timeline page")

    page.goto(app.url + "/sources")
    page.get_by_text(re.compile(r"sources cited by")).wait_for()
    wait_idle(page)
    body = page.inner_text("body")
    assert_literal(body, ("Tehran Times " + SCRIPT, IMG + " title"), "sources list")
    assert "Bad 1" not in body  # sources with script-scheme URLs were not loaded
    page.get_by_text("Tehran Times " + SCRIPT).first.click()  # open its expander
    page.get_by_text(SVG).first.wait_for()  # its note
    body = page.inner_text("body")
    assert_literal(body, (SVG, "Aras " + SCRIPT, "Entry " + SVG, "Crossing " + IMG), "a source's records")
    summaries = page.locator("[data-testid='stExpander'] details:not([open]) summary")
    while summaries.count():  # open every source: an expander's content is drawn when opened
        summaries.first.click()
    links = [a for a in page.evaluate(SOURCE_LINKS_JS) if a["text"] == "Open the original"]
    assert len(links) == 7 and all(a["href"].startswith("https://") for a in links)  # 7 of 9 have a URL
    assert_source_links(page, "sources page")
    assert_inert(page, watch, "sources page")

    page.goto(app.url + "/places")
    page.get_by_role("heading", name="Places").wait_for()
    # the grid mirrors only the columns in view: the names; "how found" is in the tooltips
    wait_until(lambda: PLACE in grid_text(page) and "Hill " + IMG in grid_text(page),
               what="the payload places in the table")
    frame = map_frame(page)
    wait_until(lambda: frame.locator(".fa-place").count() >= 5, what="places drawn")
    tips = []
    for i in range(frame.locator(".fa-place").count()):
        frame.locator(".fa-place").nth(i).dispatch_event("mouseover")
        tips.extend(frame.locator(".leaflet-tooltip").all_inner_texts())
        frame.locator(".fa-place").nth(i).dispatch_event("mouseout")
    assert_literal("\n".join(tips), (PLACE, "found by " + TEMPLATE), "places map tooltips")
    assert_inert(page, watch, "places page")

    # About shows counts and dates only, no record text; it must still be clean
    page.goto(app.url + "/about")
    page.get_by_role("heading", name="About Frontier Atlas").wait_for()
    wait_idle(page)
    assert_source_links(page, "about page")
    assert_inert(page, watch, "about page")


@pytest.mark.browser
def test_payloads_in_the_address_bar_show_as_text(app, page):
    """Every query parameter a shared link carries is reflected somewhere: as text only."""
    watch = Watch(page)
    params = {"q": IMG, "record": SCRIPT, "countries": SVG, "kinds": BOLD, "from": TEMPLATE,
              "timeline": SCRIPT, "mode": SCRIPT, "days": IMG, "map": IMG, "source": SVG}
    page.goto(app.url + "/?" + urlencode(params))
    notices = page.locator(".st-key-link-notices")
    notices.wait_for()
    wait_idle(page)
    text = notices.inner_text()
    for value in (SCRIPT, IMG, TEMPLATE):
        assert value in text, value  # quoted in the notice (repr), but literal
    # the widgets are filled from the link by the page's first run; the map may still be drawing
    wait_until(lambda: page.get_by_label("Search").input_value() == IMG, timeout=20, what="search from the link")
    assert_inert(page, watch, "map page from a hostile link")

    page.goto(app.url + "/data?" + urlencode(params))  # a fresh session: notices as info boxes
    page.get_by_role("heading", name="Data").wait_for()
    wait_idle(page)
    body = page.inner_text("body")
    assert_literal(body, ("search “" + IMG + "”", SCRIPT), "data page from a hostile link")
    assert_inert(page, watch, "data page from a hostile link")

    page.goto(app.url + "/sources?" + urlencode(params))
    page.get_by_text(re.compile(r"sources cited by")).wait_for()
    wait_idle(page)
    assert_inert(page, watch, "sources page from a hostile link")


ARTICLE = f"""Iran and Azerbaijan launched a joint military drill, dubbed “{IMG} Aras”, in the Karabakh region on Sunday. {SCRIPT}

The drills, which will run through May 21, involve {SVG} special forces of the IRGC; officers said {BOLD} and {TEMPLATE}.

A battalion crossed into Azerbaijan via the Bileh-Savar border in Iran's Ardabil Province to take part in the exercise.
"""


def _find_records(page, marks: int) -> None:
    page.get_by_role("button", name="Find places, dates and records").click()
    page.get_by_text(re.compile(r"\d+ draft record\(s\)")).wait_for()
    wait_until(lambda: page.locator(".fa-article mark").count() >= marks, what="the marked article")
    wait_idle(page)


@pytest.mark.browser
def test_add_article_review_and_saved_records(app, page):
    """Runs last in the module: it saves records into the shared server's user store."""
    watch = Watch(page)
    page.goto(app.url + "/add_article")
    page.get_by_label("…or paste its text").fill(ARTICLE)
    page.get_by_label("Publisher").fill("Pub " + SCRIPT)
    page.get_by_label("Title").fill(IMG + " headline")
    page.get_by_label("Title").press("Enter")
    wait_idle(page)
    _find_records(page, 5)

    review = page.locator(".fa-article")
    assert_literal(review.inner_text(), PAYLOADS, "highlighted article")
    assert review.locator("mark").count() >= 5 and review.locator("img, svg, script, b").count() == 0
    assert page.get_by_text("Military exercise: " + IMG + " Aras").count() >= 1  # the draft's expander
    assert_literal(page.inner_text("body"), ("name from “" + IMG + " Aras”",), "draft's origin")
    assert_literal(grid_text(page), (IMG + " Aras",), "draft table")
    assert_inert(page, watch, "article review")

    # a source URL with a script scheme is refused on confirm, whatever its spelling
    url_box = page.get_by_label("URL (optional, http or https)")
    refused = page.get_by_text("only http:// or https:// URLs are allowed")
    for url in BAD_URLS:
        url_box.fill(url)
        url_box.press("Enter")
        wait_until(lambda: refused.count() == 0, what="the URL taken (the last refusal cleared)")
        wait_idle(page)
        page.get_by_role("button", name="Confirm and save").click()
        wait_until(lambda: refused.count() == 1, what=f"{url!r} refused")
        wait_idle(page)
        assert page.get_by_text(re.compile(r"^Saved \d+ record")).count() == 0, url
        assert_inert(page, watch, f"confirm with {url!r}")

    url_box.fill("https://example.org/report?id=1")
    url_box.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Confirm and save").click()
    saved = page.get_by_text(re.compile(r"^Saved \d+ record"))
    saved.wait_for()
    rid = next(r for r in re.findall(r"user-[a-z0-9-]+", saved.inner_text()) if "aras" in r)
    page.get_by_text("Military exercise: " + IMG + " Aras").wait_for()  # under "Your records"
    assert_inert(page, watch, "saved")

    # the saved record's details: user-added, its source's fields as text, its link safe
    open_app(page, app.url + "/?record=" + rid)
    wait_until(lambda: details_title(page) == IMG + " Aras", what="the saved record")
    panel = page.locator(".st-key-details").inner_text()
    assert_literal(panel, ("Pub " + SCRIPT, IMG + " headline", "User-added"), "saved record details")
    assert page.locator(".st-key-details").get_by_role("link", name=IMG + " headline").get_attribute(
        "href") == "https://example.org/report?id=1"
    assert_source_links(page, "saved record details")
    assert_inert(page, watch, "saved record details")

    # an uploaded HTML report: its markup is reduced to text, its escaped payloads stay text
    page.goto(app.url + "/add_article")
    report = (f"<html><body><script>window.__xss=1</script><p>A joint military drill, dubbed "
              f"“{IMG.replace('<', '&lt;').replace('>', '&gt;')} Araz”, began in the Karabakh region on "
              f"Sunday.</p><a href=\"javascript:window.__xss=1\">more</a>"
              f"<img src=x onerror=\"window.__xss=1\"></body></html>")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "report.html", "mimeType": "text/html", "buffer": report.encode()}])
    page.get_by_text("report.html").wait_for()
    wait_idle(page)
    _find_records(page, 1)
    assert IMG + " Araz" in page.locator(".fa-article").inner_text()
    assert_inert(page, watch, "uploaded report")
