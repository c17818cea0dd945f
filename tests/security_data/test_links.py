"""The Python allow-list for links (cuegraph.links.http_link) and where exports use it."""

from __future__ import annotations

import json
import re
import shutil

import networkx as nx
import pytest

from cuegraph.export.html import write_html
from cuegraph.export.writers import write_dot
from cuegraph.links import http_link

HOSTILE = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>x</script>",
    "vbscript:msgbox(1)",
    "//evil.example/",
    "/relative",
    "relative",
    "http:no-host",
    "https:/one-slash",
    "file:///etc/passwd",
    "ftp://example.org/",
    "http://[::1",
    "https://example.org/\nx",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_http_link_refuses_everything_but_absolute_http_urls(value):
    assert http_link(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "http://example.org/",
        "https://ja.wikipedia.org/wiki/梶浦由記",
        "HTTPS://EXAMPLE.ORG/x",
        "http://[::1]:8080/a?b#c",
    ],
)
def test_http_link_keeps_http_urls(value):
    assert http_link(value) == value


def _graph() -> nx.DiGraph:
    g = nx.DiGraph(view="rdf")
    g.add_node(
        "https://cuegraph.org/id/person/x",
        type="person",
        label="X",
        iri="https://cuegraph.org/id/person/x",
    )
    for i, iri in enumerate(HOSTILE[:8]):
        g.add_node(f"n{i}", type="other", label=iri, iri=iri)
        g.add_edge("https://cuegraph.org/id/person/x", f"n{i}", label="schema:sameAs")
    return g


def test_html_export_puts_href_only_on_http_nodes():
    page = write_html(_graph()).decode("utf-8")
    data = json.loads(
        re.search(
            r'<script id="graph-data" type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )
    hrefs = {n["data"]["id"]: n["data"].get("href") for n in data["elements"]["nodes"]}
    assert hrefs.pop("https://cuegraph.org/id/person/x") == "https://cuegraph.org/id/person/x"
    assert set(hrefs.values()) == {None}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_export_has_no_script_links():
    from cuegraph.export.images import render_image

    svg = render_image(_graph(), "svg").decode("utf-8")
    hrefs = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
    assert all(h.startswith(("http://", "https://", "#")) for h in hrefs), hrefs
    dot = write_dot(_graph()).decode("utf-8")  # Graphviz makes a link of URL/href only
    links = re.findall(r'\b(?:URL|href)="([^"]*)"', dot)
    assert all(http_link(u) for u in links), links
