"""The HTML export in real headless Chromium (Debian's, via Playwright): it draws every node,
logs no errors and requests nothing but the file itself."""

from __future__ import annotations

import time

import pytest

from browser import watch
from cuegraph.export import ExportRequest, run_export
from cuegraph.export.fetch import fetch_graph
from cuegraph.export.views import NODE_TYPES, build_view

pytestmark = pytest.mark.browser


def _open(browser, path):
    """Open an exported file; return the page, its console errors and every request URL."""
    context = browser.new_context()
    page = context.new_page()
    errors, requests = watch(page)
    url = path.resolve().as_uri()
    page.goto(url)
    page.wait_for_function("window.cy && window.cy.nodes().length > 0", timeout=30_000)
    return context, page, errors, [u for u in requests if u != url]


def _eventually(page, condition: str, seconds: float = 5.0) -> None:
    """Wait until the JavaScript ``condition`` holds. (Polled from Python: the page's
    Content-Security-Policy forbids the eval that ``page.wait_for_function`` polls with.)"""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"never true: {condition}"
        page.wait_for_timeout(50)


def test_whole_credit_graph_renders_offline(browser, seed_store, minter, tmp_path):
    expected = build_view("credits", fetch_graph(seed_store))
    result = run_export(seed_store, minter, ExportRequest(format="html"))
    path = tmp_path / "credits.html"
    path.write_bytes(result.body)
    context, page, errors, others = _open(browser, path)
    try:
        assert page.evaluate("window.cy.nodes().length") == len(expected)
        assert page.evaluate("window.cy.edges().length") == expected.number_of_edges()
        kajiura = "https://cuegraph.org/id/person/yuki-kajiura"
        assert (
            page.evaluate(f"window.cy.getElementById('{kajiura}').data('label')")
            == "Yuki Kajiura (梶浦由記)"
        )
        # size by degree: the best-connected node is drawn largest
        sizes = page.evaluate("window.cy.nodes().map(n => [n.degree(), n.data('size')])")
        assert max(sizes)[1] == max(s for _, s in sizes)
        # colour by type: every node is drawn in its type's colour
        drawn = page.evaluate(
            "window.cy.nodes().map(n => [n.data('type'), n.style('background-color')])"
        )
        for kind, colour in drawn:
            rgb = tuple(int(NODE_TYPES[kind][0][i : i + 2], 16) for i in (1, 3, 5))
            assert colour.replace(" ", "") == "rgb({},{},{})".format(*rgb), (kind, colour)
        assert len({c for _, c in drawn}) == len({k for k, _ in drawn}) > 3
        w, h = page.viewport_size["width"], page.viewport_size["height"]
        # the mouse wheel zooms
        page.mouse.move(w / 2, h / 2)
        zoom = page.evaluate("window.cy.zoom()")
        page.mouse.wheel(0, -400)
        _eventually(page, f"window.cy.zoom() > {zoom}")
        # hovering a node with the mouse shows its details
        # (evaluate returns null: serialising a Cytoscape collection to Python is very slow)
        page.mouse.move(w / 2 + 200, h / 2 + 150)
        page.evaluate(f"window.cy.center(window.cy.getElementById('{kajiura}')) && null")
        page.mouse.move(w / 2, h / 2, steps=4)
        _eventually(
            page, "document.getElementById('details').innerText.includes('Yuki Kajiura (梶浦由記)')"
        )
        # dragging the background pans (the graph made small in the middle, out of the way)
        page.evaluate(
            "window.cy.zoom({level: window.cy.minZoom(), renderedPosition: "
            f"{{x: {w / 2}, y: {h / 2}}}}}) && null"
        )
        before = page.evaluate("window.cy.pan()")
        page.mouse.move(w / 2 + 200, h / 2 + 150)
        page.mouse.down()
        page.mouse.move(w / 2 + 100, h / 2 + 80, steps=8)
        page.mouse.up()
        after = page.evaluate("window.cy.pan()")
        assert abs(after["x"] - before["x"] + 100) < 5, (before, after)
        assert abs(after["y"] - before["y"] + 70) < 5, (before, after)
        assert page.is_hidden("#warning")
        assert "work" in page.inner_text("#legend")
        assert errors == []
        assert others == [], f"the page made network requests: {others}"
    finally:
        context.close()


def test_large_graph_is_sampled_with_a_warning(browser, seed_store, minter, tmp_path):
    total = len(build_view("credits", fetch_graph(seed_store)))
    limit = 12
    assert total > limit
    result = run_export(seed_store, minter, ExportRequest(format="html", max_nodes=limit))
    assert result.warnings and f"{total} nodes" in result.warnings[0]
    path = tmp_path / "sampled.html"
    path.write_bytes(result.body)
    context, page, errors, others = _open(browser, path)
    try:
        assert page.evaluate("window.cy.nodes().length") == limit
        assert page.is_visible("#warning")
        assert f"{total} nodes" in page.inner_text("#warning")
        assert errors == [] and others == []
    finally:
        context.close()


def test_synthetic_five_thousand_nodes_page_stays_responsive(browser, tmp_path):
    """A graph above --max-nodes (generated here, never shipped) opens quickly as a sample."""
    import networkx as nx

    from cuegraph.export.html import write_html

    g = nx.Graph(view="synthetic")
    kinds = ("person", "work", "song", "cue")
    for i in range(5000):
        g.add_node(f"urn:test:{i}", type=kinds[i % 4], label=f"node {i}", iri=f"urn:test:{i}")
    for i in range(1, 5000):
        g.add_edge(f"urn:test:{i}", f"urn:test:{i // 2}", label="parent", weight=1.0)
        g.add_edge(f"urn:test:{i}", f"urn:test:{(i * 37) % 5000}", label="link", weight=1.0)
    path = tmp_path / "synthetic.html"
    path.write_bytes(write_html(g, max_nodes=2000))
    start = time.monotonic()
    context, page, errors, others = _open(browser, path)
    try:
        assert time.monotonic() - start < 30
        assert page.evaluate("window.cy.nodes().length") == 2000
        assert page.evaluate("window.cuegraphExport.total_nodes") == len(g)
        assert "showing 2000" in page.inner_text("#warning")
        assert errors == [] and others == []
    finally:
        context.close()
