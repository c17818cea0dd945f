"""Stored IRIs never become script links: the composer page, the work page, the SPARQL
editor's result table and the HTML graph export, in real headless Chromium.

The store holds the seed plus a file loaded as ``cuegraph load`` would: ``schema:sameAs`` and
``prov:wasDerivedFrom`` objects that are ``javascript:``, ``data:`` and ``vbscript:`` IRIs. The
pages must show them as plain text (no ``<a href>`` with a scheme other than http/https), and
clicking that text must run nothing.
"""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest

from cuegraph.api import create_app
from cuegraph.config import Settings
from support import BASE, make_store

pytestmark = pytest.mark.browser

PERSON = BASE + "person/yuki-kajiura"
WORK = BASE + "work/madoka-magica"
HOSTILE = [
    "javascript:window.__pwned=1",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:window.__pwned=2",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]
TURTLE = f"""
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<{PERSON}> schema:sameAs <{HOSTILE[0]}>, <{HOSTILE[3]}>, <https://example.org/fine>,
        <ftp://example.org/not-a-web-link> ;
    prov:wasDerivedFrom <{HOSTILE[1]}>, <{HOSTILE[4]}> .
<{WORK}> schema:sameAs <{HOSTILE[2]}> ; prov:wasDerivedFrom <{HOSTILE[0]}> .
"""

# every anchor whose href is not http(s) after the browser resolved it
_BAD_ANCHORS = """(root) => [...document.querySelectorAll(`${root} a[href], ${root} area[href]`)]
  .filter((a) => !/^https?:$/.test(new URL(a.href, location.href).protocol))
  .map((a) => a.getAttribute('href'))"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, app_server):
    store = make_store()
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    store.load_file(path, BASE + "graph/load/hostile")
    return app_server(create_app(store, Settings()))


def _click_every_iri(page, root: str) -> int:
    """Click each hostile IRI's text on the page; return how many were shown."""
    shown = 0
    for iri in HOSTILE:
        for el in page.locator(f"{root} :text-is('{iri}')").all():
            shown += 1
            el.click()
    page.wait_for_timeout(300)
    return shown


def _assert_nothing_ran(page, server):
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []
    assert urlparse(page.url).scheme == "http" and page.url.startswith(server)
    assert not any(u.startswith(("javascript:", "data:", "vbscript:")) for u in page.requests)


@pytest.mark.parametrize(
    "route, root, expected",
    [
        ("#/composer/yuki-kajiura", "#composer-page", [0, 1, 3, 4]),
        ("#/work/madoka-magica", "#work-page", [0, 2]),
    ],
)
def test_profile_shows_hostile_iris_as_text_and_clicks_run_nothing(
    page, server, route, root, expected
):
    page.goto(f"{server}/{route}")
    page.wait_for_selector(f"{root} h1")
    page.wait_for_selector(f"{root} .record-sources")
    text = page.inner_text(root)
    for i in expected:  # shown, as text ...
        assert HOSTILE[i] in text
    assert page.evaluate(_BAD_ANCHORS, root) == []  # ... never as a link
    hrefs = page.eval_on_selector_all(f"{root} a[href]", "els => els.map(a => a.href)")
    if root == "#composer-page":
        assert "https://example.org/fine" in hrefs  # an http(s) sameAs is still a link
    assert _click_every_iri(page, root) == len(expected)
    _assert_nothing_ran(page, server)
    assert page.console_errors == []


def test_sparql_results_show_no_script_links(page, server):
    """YASR's table links IRIs (DOMPurify would drop javascript: but keep ftp:); no IRI but an
    http(s) one may come out as a link there either."""
    page.goto(server + "/#/sparql")
    page.wait_for_selector("#sparql-examples button")
    query = (
        f"SELECT ?o WHERE {{ <{PERSON}> ?p ?o FILTER(isIRI(?o) && "
        "!STRSTARTS(STR(?o), 'https://cuegraph'))}"
    )
    page.evaluate("(q) => { const tab = yasgui.getTab(); tab.setQuery(q); tab.query(); }", query)
    page.wait_for_selector(".yasr table tbody tr td")
    page.wait_for_function(
        "document.querySelector('.yasr table').innerText.includes('example.org/fine')"
    )
    assert page.evaluate(_BAD_ANCHORS, ".yasr") == []
    for el in page.locator(".yasr table tbody td").all():
        if "pwned" in el.inner_text() or "alert" in el.inner_text():
            el.click()
    page.wait_for_timeout(300)
    _assert_nothing_ran(page, server)


def test_html_export_shows_no_script_links(page, server):
    """The HTML graph view (rdf view of a CONSTRUCT) holds the hostile IRIs as nodes; none
    becomes a link, http(s) IRIs do."""
    query = quote(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s IN (<{PERSON}>, <{WORK}>)) }}"
    )
    page.goto(f"{server}/export?format=html&view=rdf&query={query}")
    page.wait_for_function("window.cy && window.cy.nodes().length > 0")
    ids = page.evaluate("window.cy.nodes().map((n) => n.id())")
    assert any(i.startswith("javascript:") for i in ids)
    for iri in ids:
        node = f"window.cy.getElementById({iri!r})"
        page.evaluate(f"{node}.emit('mouseover') && null")  # hover: details (a tap opens a page)
        assert page.evaluate(_BAD_ANCHORS, "body") == []
        links = page.eval_on_selector_all(
            "#details a[href]", "els => els.map(a => a.getAttribute('href'))"
        )
        assert links == ([iri] if iri.startswith(("http://", "https://")) else [])
        for a in page.locator("#details td").all():
            if a.inner_text().startswith(("javascript:", "data:", "vbscript:")):
                a.click()
    page.wait_for_timeout(300)
    _assert_nothing_ran(page, server)
