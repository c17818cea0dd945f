"""`GET /export`: formats by name or Accept header, neighbourhoods, JSON errors."""

from __future__ import annotations

import json
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest
from export_support import KAJIURA, MADOKA, read_graphml_by_iri, svg_text

from cuegraph.export import ExportRequest, run_export


def _neighbourhood_json(seed_store, minter) -> dict:
    """Kajiura's depth-2 neighbourhood as the library computes it (nodes, edges, labels)."""
    result = run_export(
        seed_store, minter, ExportRequest(format="cytoscape", composer="yuki-kajiura", depth=2)
    )
    return json.loads(result.body)["elements"]


def test_svg_of_a_composer_neighbourhood(client, seed_store, minter):
    resp = client.get("/export", params={"format": "svg", "composer": "yuki-kajiura", "depth": 2})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("image/svg+xml")
    elements = _neighbourhood_json(seed_store, minter)
    assert int(resp.headers["x-cuegraph-nodes"]) == len(elements["nodes"]) > 3
    root = ET.fromstring(resp.content)
    drawn = {
        g.findtext("{http://www.w3.org/2000/svg}title")
        for g in root.iter()
        if "node" in (g.get("class") or "").split()
    }
    # every node of the neighbourhood is drawn (plus the legend), each with its label
    assert len(drawn) == len(elements["nodes"]) + 1
    text = svg_text(resp.content)
    for node in elements["nodes"]:
        assert node["data"]["label"] in text, node["data"]["label"]
    assert "Yuki Kajiura (梶浦由記)" in text and "Magia" in text
    # edges show roles; the legend names the node types drawn
    for edge in elements["edges"]:
        assert edge["data"]["label"] in text
    assert "score composer" in text and "Legend" in text
    for kind in {n["data"]["type"] for n in elements["nodes"]}:
        assert kind in text


def test_png_of_a_composer_neighbourhood(client):
    resp = client.get(
        "/export", params={"composer": "yuki-kajiura", "depth": 2}, headers={"Accept": "image/png"}
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "image/png"
    assert resp.content.startswith(b"\x89PNG\r\n\x1a\n") and len(resp.content) > 10_000
    width, height = struct.unpack(">II", resp.content[16:24])  # the IHDR chunk
    assert width > 300 and height > 200
    # Graphviz draws native names (梶浦由記) with a fontconfig font; without a CJK one they
    # come out as boxes
    fonts = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=True)
    assert fonts.stdout.strip(), "no Japanese font: apt-get install fonts-droid-fallback"


def test_format_name_and_accept_header_agree(client):
    params = {"work": "madoka-magica", "depth": 1}
    by_name = client.get("/export", params={**params, "format": "graphml"})
    by_media = client.get("/export", params={**params, "format": "application/graphml+xml"})
    by_accept = client.get("/export", params=params, headers={"Accept": "application/graphml+xml"})
    for resp in (by_name, by_media, by_accept):
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("application/graphml+xml")
    assert by_name.content == by_media.content == by_accept.content
    assert MADOKA in read_graphml_by_iri(by_name.content)


def test_html_page_and_views(client):
    resp = client.get("/export", params={"format": "html", "work": "madoka-magica"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert "window.cy = cy" in resp.text
    collab = client.get(
        "/export",
        params={"format": "cytoscape", "view": "collaboration", "composer": KAJIURA, "depth": 1},
    ).json()
    ids = {n["data"]["id"] for n in collab["elements"]["nodes"]}
    assert KAJIURA in ids and len(ids) > 1


def test_construct_query_parameter(client):
    query = (
        "CONSTRUCT { ?s cg:work ?w . ?s a cg:Song . ?w a cg:Work } "
        "WHERE { ?s a cg:Song ; cg:work ?w }"
    )
    resp = client.get("/export", params={"format": "nodelink", "query": query})
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["links"] and all(link["label"] == "song of" for link in doc["links"])


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({"format": "xlsx"}, 400, "unknown format 'xlsx'"),
        ({"composer": "Nobody Here"}, 404, "no person matches 'Nobody Here'"),
        ({"work": "nothing-like-this"}, 404, "no work matches"),
        ({"composer": "yuki-kajiura", "depth": -1}, 400, "depth must be between 0 and 5"),
        ({"composer": "yuki-kajiura", "depth": 6}, 400, "depth must be between 0 and 5"),
        ({"composer": "yuki-kajiura", "depth": "two"}, 400, "bad parameter"),
        ({"view": "circles"}, 400, "unknown view"),
        ({"query": "SELECT * WHERE { ?s ?p ?o }"}, 400, "must be a CONSTRUCT query"),
        ({"query": "CONSTRUCT { ?s ?p ?o } WHERE {"}, 400, "SPARQL syntax error"),
        ({"format": "html", "max_nodes": 0}, 400, "max_nodes must be"),
    ],
)
def test_bad_input_is_a_json_4xx(client, params, status, message):
    resp = client.get("/export", params=params)
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error", "detail"}
    assert message in body["error"]


def test_unacceptable_accept_header(client):
    resp = client.get("/export", headers={"Accept": "application/pdf"})
    assert resp.status_code == 406
    assert "graphml" in resp.json()["detail"]["formats"]


def test_sampled_page_says_so_in_a_header(client):
    resp = client.get("/export", params={"format": "html", "max_nodes": 4})
    assert resp.status_code == 200
    assert "max_nodes=4" in resp.headers["x-cuegraph-warning"]
    assert '"shown_nodes": 4' in resp.text
