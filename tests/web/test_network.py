"""The network view (the export's HTML page) as a profile's graph link opens it, in real
headless Chromium: people network by default, cues only when asked, clickable nodes, view and
depth controls, the same picture every time, and panels that fit a phone."""

from __future__ import annotations

import pytest

from cuegraph.api import create_app
from cuegraph.config import Settings
from support import make_store

pytestmark = pytest.mark.browser

KAJIURA = "https://cuegraph.org/id/person/yuki-kajiura"


@pytest.fixture(scope="module")
def server(app_server):
    return app_server(create_app(make_store(), Settings()))


def _open(page, url):
    page.goto(url)
    page.wait_for_selector("#title")
    for _ in range(100):
        if page.evaluate("!!window.cy && window.cy.nodes().length > 0"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the graph did not render")


def _profile_link(page, server) -> str:
    page.goto(server + "/#/composer/yuki-kajiura")
    page.wait_for_selector("#composer-page a.graph-link")
    return server + page.get_attribute("#composer-page a.graph-link", "href")


def test_profile_link_opens_the_people_network(page, server):
    _open(page, _profile_link(page, server))
    assert page.evaluate("window.cuegraphExport.view") == "collaboration"
    types = set(page.evaluate("window.cy.nodes().map((n) => n.data('type'))"))
    assert types <= {"person", "group"}
    # as many neighbours as the profile counts collaborators (one definition)
    neighbours = page.evaluate(f"window.cy.getElementById('{KAJIURA}').neighborhood('node').length")
    assert neighbours >= 5
    assert page.console_errors == []


def test_cue_nodes_only_when_asked(page, server):
    url = server + "/export?format=html&work=anohana&view=credits&depth=2"
    _open(page, url)
    hidden = page.evaluate("window.cy.nodes(\"[type = 'cue']\").filter((n) => n.visible()).length")
    total = page.evaluate("window.cy.nodes(\"[type = 'cue']\").length")
    assert total > 0 and hidden == 0
    _open(page, url + "&cues=1")
    assert (
        page.evaluate("window.cy.nodes(\"[type = 'cue']\").filter((n) => n.visible()).length")
        == total
    )


def test_clicking_a_person_opens_their_page(page, server):
    _open(page, server + "/export?format=html&composer=yuki-kajiura&view=collaboration")
    kalafina = "https://cuegraph.org/id/person/kalafina"
    pos = page.evaluate(f"window.cy.getElementById('{kalafina}').renderedPosition()")
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_url("**/#/composer/kalafina")
    page.wait_for_selector("#composer-page h1")
    assert page.inner_text("#composer-page h1") == "Kalafina"


def test_view_and_depth_controls_reload_the_view(page, server):
    _open(page, server + "/export?format=html&composer=yuki-kajiura&view=collaboration")
    assert page.is_visible("#controls")
    page.select_option("#ctl-view", "credits")
    page.fill("#ctl-depth", "1")
    page.click("#controls button")
    page.wait_for_url("**view=credits**")
    _open(page, page.url)
    assert "depth=1" in page.url
    assert page.evaluate("window.cuegraphExport.view") == "credits"


def test_same_graph_same_picture(page, server):
    url = server + "/export?format=html&composer=yuki-kajiura&view=collaboration"
    script = (
        "window.cy.nodes().map((n) => [n.id(), Math.round(n.position('x')),"
        " Math.round(n.position('y'))]).sort()"
    )
    _open(page, url)
    first = page.evaluate(script)
    _open(page, url)
    assert page.evaluate(script) == first


def test_panels_do_not_overlap_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        _open(page, server + "/export?format=html&composer=yuki-kajiura&view=collaboration")
        head = page.query_selector("#head").bounding_box()
        details = page.query_selector("#details").bounding_box()
        assert head["x"] >= 0 and head["x"] + head["width"] <= 390
        assert details["x"] + details["width"] <= 390
        assert head["y"] + head["height"] <= details["y"]  # stacked, not on top of each other
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('#title')).fontSize)"
        )
        assert size >= 14
    finally:
        context.close()
