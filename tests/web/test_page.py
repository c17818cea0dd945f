"""The web page in real headless Chromium (Debian's /usr/bin/chromium via Playwright).

The app is served for real by uvicorn on a free port; every request the page makes is
recorded and must stay on 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests

from cuegraph.api import create_app
from cuegraph.config import Settings
from cuegraph.graph.iris import Minter
from cuegraph.ingest import import_cuesheet
from support import BASE, FIXTURES, make_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(app_server):
    """The app over the seed data, served by uvicorn in a background thread."""
    store = make_store()
    import_cuesheet(store, Minter(BASE), FIXTURES / "cuesheets" / "good.csv")  # has a silence
    store.update("""PREFIX cg: <https://cuegraph.org/ns#>
      INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/ids> {
        <https://cuegraph.org/id/person/test-composer> cg:wikidata "Q4115189" ;
          cg:musicbrainz "9f2a1c3e-0000-4000-8000-000000000001" . } }""")  # test-only ids
    return app_server(create_app(store, Settings()))


def _outside(urls: list[str]) -> list[str]:
    return [
        u
        for u in urls
        if urlparse(u).scheme in ("http", "https", "ws", "wss")
        and urlparse(u).hostname != "127.0.0.1"
    ]


def test_page_loads_without_errors_or_remote_requests(page, server):
    page.goto(server + "/")
    page.wait_for_selector("#search-composers li")
    assert page.title().startswith("cuegraph")
    assert "Yuki Kajiura" in page.inner_text("#search-composers")
    assert page.console_errors == []
    assert any(u.startswith(server + "/static/vendor/yasgui/") for u in page.requests)
    assert _outside(page.requests) == []


def test_search_finds_composer_by_native_name(page, server):
    page.goto(server + "/")
    page.fill("#search-q", "梶浦")
    page.click("#search-form button")
    page.wait_for_function(
        "document.querySelector('#search-composers').innerText.includes('Yuki Kajiura')"
        " && !document.querySelector('#search-composers').innerText.includes('Kalafina')"
    )
    assert page.console_errors == []


def test_scene_lookup_shows_secret_base_card(page, server):
    page.goto(server + "/#/scene")
    page.fill("#scene-work", "anohana")
    page.fill("#scene-episode", "5")
    page.fill("#scene-t", "21:30")
    page.click("#scene-submit")
    answer = page.wait_for_selector(".answer")
    assert answer.get_attribute("data-precision") == "cue"
    assert answer.get_attribute("data-status") == "music"
    card = page.wait_for_selector(".level-cue .card.cue")
    text = card.inner_text()
    assert "secret base" in text
    assert "20:54–22:48" in text and "00:20:54" not in text
    assert "subtitle file" in card.query_selector(".sources a.source-subtitles").inner_text()
    composer = card.query_selector("li[data-role=composer]").inner_text()
    assert "Norihiko Machida" in composer
    singers = card.query_selector("li[data-role=singer]").inner_text()
    for name in ("Ai Kayano", "Haruka Tomatsu", "Saori Hayami"):
        assert name in singers
    assert card.query_selector(".sources a") is not None
    assert page.console_errors == []
    assert _outside(page.requests) == []


def test_scene_lookup_without_data_says_so(page, server):
    page.goto(server + "/#/scene?work=anohana&episode=5&t=10:00")
    answer = page.wait_for_selector(".answer")
    # the headline states the best level found (the work's score) and what the moment has
    assert answer.get_attribute("data-status") == "music"
    assert answer.get_attribute("data-precision") == "work"
    assert (
        page.inner_text(".answer .headline")
        == "Score by REMEDIOS — work level; no cue recorded at 10:00"
    )
    head = page.inner_text(".answer .level-head").lower()
    assert "work" in head and "music found" in head and "no data" not in head
    assert "no data" in page.inner_text(".level-cue").lower()
    assert "REMEDIOS" in page.inner_text(".level-work")


def test_scene_work_without_score_shows_its_songs(page, server):
    page.goto(server + "/#/scene?work=hell-girl-yoi-no-togi&episode=1&t=5:00")
    page.wait_for_selector(".answer")
    assert "いろがみ" in page.inner_text(".answer .headline")
    card = page.wait_for_selector(".level-work .card.song")
    assert "いろがみ" in card.inner_text() and "Hiromi Mizutani" in card.inner_text()
    assert "Nothing is known" not in page.inner_text("#scene-result")


def test_scene_ambiguous_title_offers_a_chooser(page, server):
    page.goto(server + "/#/scene?work=Steins%3BGate&episode=1&t=1:00")
    box = page.wait_for_selector("#scene-result .chooser")
    choices = [a.get_attribute("data-work") for a in box.query_selector_all("a")]
    assert sorted(choices) == ["steins-gate-anime", "steins-gate-game"]
    box.query_selector("a[data-work=steins-gate-game]").click()
    page.wait_for_selector(".answer")
    assert "Takeshi Abo" in page.inner_text(".answer .headline")
    assert "work=steins-gate-game" in page.url
    assert page.console_errors == []


def test_scene_lookup_silence_is_shown_apart(page, server):
    page.goto(server + "/#/scene?work=test-work&episode=1&t=2:40")
    answer = page.wait_for_selector(".answer")
    assert answer.get_attribute("data-status") == "silence"
    assert answer.get_attribute("data-precision") == "cue"
    assert "silence recorded" in answer.inner_text().lower()
    card = page.wait_for_selector(".level-cue .card.silence")
    assert "2:30–3:00" in card.inner_text()  # as people write times
    assert page.query_selector(".card.nodata") is None
    assert page.query_selector(".card.cue") is None


def test_scene_lookup_unknown_work_shows_error_with_suggestions(page, server):
    page.goto(server + "/#/scene?work=madoka&episode=4&t=10")
    box = page.wait_for_selector("#scene-result .error")
    assert "no work" in box.inner_text()
    assert "Puella Magi Madoka Magica" in box.inner_text()


def test_sparql_editor_runs_a_query_and_shows_rows(page, server):
    page.goto(server + "/#/sparql")
    page.wait_for_selector("#sparql-examples button")
    page.click("button[data-example='Composers of a work']")
    page.wait_for_selector(".yasr table tbody tr td")
    rows = page.query_selector_all(".yasr table tbody tr")
    assert len(rows) > 1
    assert "Yuki Kajiura" in page.inner_text(".yasr table")
    assert page.console_errors == []
    assert _outside(page.requests) == []


def test_composer_page_lists_works_and_links_graph_view(page, server):
    page.goto(server + "/")
    page.wait_for_selector("#search-composers a")
    page.click("#search-composers a:text('Yuki Kajiura')")
    page.wait_for_selector("#composer-page h1")
    assert page.inner_text("#composer-page h1") == "Yuki Kajiura"
    text = page.inner_text("#composer-page")
    assert "Puella Magi Madoka Magica" in text and "Kara no Kyoukai" in text
    assert "Kalafina" in text  # a collaborator
    link = page.get_attribute("#composer-page a.graph-link", "href")
    assert link == "/export?format=html&composer=yuki-kajiura&view=collaboration"
    view = requests.get(server + link, timeout=30)  # the export service's HTML graph view
    assert view.status_code == 200 and view.headers["content-type"].startswith("text/html")
    assert page.console_errors == []


def test_work_page_shows_score_and_songs(page, server):
    page.goto(server + "/#/work/madoka-magica")
    page.wait_for_selector("#work-page h1")
    text = page.inner_text("#work-page")
    assert "Yuki Kajiura" in text and "Magia" in text and "Connect" in text
    assert (
        page.get_attribute("#work-page a.graph-link", "href")
        == "/export?format=html&work=madoka-magica"
    )


def test_api_docs_render_offline(page, server):
    """/docs is Swagger UI served from vendored files: it renders with no remote request."""
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/scene" in p for p in paths) and any("/sparql" in p for p in paths)
    assert page.console_errors == []
    assert _outside(page.requests) == []


def _top_answer(server: str, example: str) -> str:
    """The first cell of the first row the server gives for a gallery example."""
    gallery = requests.get(server + "/sparql-examples.json", timeout=30).json()["data"]
    query = next(e["query"] for e in gallery if e["title"] == example)
    answer = requests.post(
        server + "/sparql",
        data={"query": query},
        timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    first = answer["head"]["vars"][0]
    return answer["results"]["bindings"][0][first]["value"]


@pytest.mark.parametrize(
    "example, cell, row",
    [
        ("Works of a composer", "Aldnoah.Zero", None),
        ("Songs that end the most episodes", None, 1),
    ],
)
def test_every_sparql_example_answers(page, server, example, cell, row):
    """The other example queries run too and show what the seed says: Kajiura's works include
    Aldnoah.Zero (only this example names it); the song that ends the most episodes (the
    server's own first row) comes first in the table."""
    if cell is None:
        cell = _top_answer(server, example)
    page.goto(server + "/#/sparql")
    page.wait_for_selector("#sparql-examples button")
    page.click(f"button[data-example='{example}']")
    page.wait_for_function(
        "([want, row]) => [...document.querySelectorAll('.yasr table tbody tr')]"
        ".some((tr, i) => (row === null || i === row - 1)"
        " && tr.querySelector('td:nth-child(2)')?.innerText.trim() === want)",
        arg=[cell, row],
        timeout=15000,
    )
    assert page.console_errors == []
    assert _outside(page.requests) == []


def test_scene_lookup_episode_out_of_range_suggests_the_nearest(page, server):
    page.goto(server + "/#/scene?work=anohana&episode=12&t=10")
    box = page.wait_for_selector("#scene-result .error")
    assert "no episode 12" in box.inner_text()
    assert "Did you mean: episode 11" in box.inner_text()


def _editor_text(page) -> str:
    return page.inner_text(".yasqe .CodeMirror-code")


def test_share_link_opens_the_editor_with_its_query(page, server):
    """A YASGUI/WDQS share link (/#query=…&endpoint=…) lands in the editor with the query."""
    from urllib.parse import urlencode

    query = "SELECT ?name WHERE { ?p <https://schema.org/name> ?name } LIMIT 3 # shared-7"
    page.goto(
        server
        + "/#"
        + urlencode(
            {
                "query": query,
                "endpoint": server + "/sparql",
                "requestMethod": "POST",
                "outputFormat": "table",
            }
        )
    )
    page.wait_for_selector(".yasqe .CodeMirror-code")
    assert page.is_visible("#view-sparql") and not page.is_visible("#view-search")
    assert "shared-7" in _editor_text(page)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr td")
    assert len(page.query_selector_all(".yasr table tbody tr")) == 3
    assert page.console_errors == []


def test_share_link_with_yasgui_extras_and_a_reload(page, server):
    """YASGUI's own share links carry more parameters (headers as JSON, tab title); the
    query survives them and a reload of the same link."""
    from urllib.parse import quote

    link = (
        server
        + "/#query="
        + quote('SELECT * { ?s ?p "Yuki Kajiura" } # round-trip')
        + "&endpoint="
        + quote(server + "/sparql")
        + "&requestMethod=POST"
        + "&tabTitle=Query&headers=%7B%7D&contentTypeConstruct=text%2Fturtle"
        + "&contentTypeSelect=application%2Fsparql-results%2Bjson&outputFormat=table"
    )
    page.goto(server + "/")
    page.wait_for_selector("#search-composers li")
    page.goto(link)
    page.wait_for_selector(".yasqe .CodeMirror-code")
    assert "round-trip" in _editor_text(page)
    page.reload()
    page.wait_for_selector(".yasqe .CodeMirror-code")
    assert "round-trip" in _editor_text(page)


def test_syntax_error_is_a_readable_message(page, server):
    from urllib.parse import quote

    page.goto(server + "/#query=" + quote("SELECT ?x WHERE { ?x ?y }"))
    page.wait_for_selector(".yasqe .CodeMirror-code")
    page.click(".yasqe_queryButton")
    box = page.wait_for_selector(".yasr .sparql-error")
    text = box.inner_text()
    assert "syntax error" in text.lower()
    assert '{"error"' not in text and '"detail"' not in text


def test_gallery_has_fifteen_examples_with_descriptions(page, server):
    page.goto(server + "/#/sparql")
    page.wait_for_selector("#sparql-examples button")
    buttons = page.query_selector_all("#sparql-examples button")
    assert len(buttons) >= 15
    assert all(b.get_attribute("title") for b in buttons)
    page.click("button[data-example='Credit roles and their labels']")
    page.wait_for_selector(".yasr table tbody tr td")
    assert "score composer" in page.inner_text(".yasr table")  # a label from the ontology graph
    assert page.console_errors == []


def test_profile_credits_cite_their_own_sources(page, server):
    """Kajiura's credits are cited to the pages they were read from (with the graph's licence),
    not to her person record's sources (TV Tropes), which are listed apart."""
    page.goto(server + "/#/composer/yuki-kajiura")
    page.wait_for_selector("#composer-page h1")
    works = page.inner_text("#composer-page table.plain")
    assert "Wikipedia (simple): Puella Magi Madoka Magica" in works and "CC0 1.0" in works
    assert "tvtropes" not in works
    record = page.inner_text("#composer-page .record-sources")
    assert "tvtropes.org" in record
    assert page.console_errors == []


def test_work_page_cites_credits_and_subtitle_files(page, server):
    page.goto(server + "/#/work/anohana")
    page.wait_for_selector("#work-page h1")
    score = page.inner_text("#work-page ul.credits")
    assert "REMEDIOS" in score and "Wikipedia (en): Anohana" in score
    subtitle = page.wait_for_selector("#work-page a.source-subtitles")
    assert "subtitle file" in subtitle.inner_text() and ".ass" in subtitle.inner_text()
    assert subtitle.get_attribute("href").startswith("https://raw.githubusercontent.com/")


def test_external_identifiers_link_out(page, server):
    """Ids (given to the test composer by the server fixture) link to their sites' pages."""
    page.goto(server + "/#/composer/test-composer")
    page.wait_for_selector("#composer-page h1")
    wikidata = page.get_attribute("li[data-scheme=wikidata] a.id-link", "href")
    assert wikidata == "https://www.wikidata.org/wiki/Q4115189"
    mb = page.get_attribute("li[data-scheme=musicbrainz] a.id-link", "href")
    assert mb == "https://musicbrainz.org/artist/9f2a1c3e-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    "route, ready",
    [
        ("#/stats", "#stats-page h1"),
        ("#/composer/yuki-kajiura", "#composer-page h1"),
        ("#/sparql", ".yasqe .CodeMirror"),
        ("#/work/anohana", "#work-page h1"),
    ],
)
def test_pages_fit_a_phone(browser, server, route, ready):
    """At 390 px wide nothing runs off the side: the page never scrolls sideways and the
    tables, the editor and the results stay inside the screen."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = context.new_page()
    try:
        pg.goto(server + "/" + route)
        pg.wait_for_selector(ready)
        pg.wait_for_timeout(300)
        assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        for sel in ("main", "table.plain", ".yasqe", "#sparql-examples"):
            for el in pg.query_selector_all(sel):
                box = el.bounding_box()
                if box:
                    assert box["x"] >= 0 and box["x"] + box["width"] <= 391, (sel, box)
    finally:
        context.close()
