"""The SPARQL editor's gallery: every shipped example runs on the seed through /sparql, and the
ontology's labels (in their own named graph) are there for queries to show."""

from __future__ import annotations

import pytest

from cuegraph.queries.examples import examples

#: examples whose answer on the seed is known not to be empty (the others need harvested ids,
#: recorded silences...); what they must contain
EXPECT = {
    "01_composers_of_a_work": "Yuki Kajiura",
    "03_songs_ending_most_episodes": "Magia",
    "04_scene_at_a_time": "Norihiko Machida",
    "07_score_composers": "REMEDIOS",
    "15_counts_by_type": "credit",
    "16_role_labels": "score composer",
}


def test_gallery_lists_fifteen_or_more_examples(client):
    body = client.get("/sparql-examples.json").json()
    assert body["count"] == len(body["data"]) >= 15
    for e in body["data"]:
        assert e["title"] and e["description"] and "SELECT" in e["query"]
    topics = " ".join(e["title"].lower() for e in body["data"])
    for word in ("scene", "by year", "episode", "wikidata", "disagree", "with whom"):
        assert word in topics, word


@pytest.mark.parametrize("example", examples(), ids=lambda e: e["id"])
def test_every_example_runs(client, example):
    resp = client.post(
        "/sparql",
        data={"query": example["query"]},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert resp.status_code == 200, resp.text
    rows = resp.json()["results"]["bindings"]
    if example["id"] in EXPECT:
        values = {v["value"] for r in rows for v in r.values()}
        assert EXPECT[example["id"]] in values


def test_ontology_is_its_own_named_graph_with_labels(client):
    q = """SELECT ?label WHERE { GRAPH <https://cuegraph.org/id/graph/ontology/cuegraph> {
             <http://id.loc.gov/vocabulary/relators/lyr>
               <http://www.w3.org/2000/01/rdf-schema#label> ?label } }"""
    rows = client.post("/sparql", data={"query": q}).json()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["lyricist"]
    stats = client.get("/stats").json()
    assert any(g["graph"].endswith("/graph/ontology/cuegraph") for g in stats["graphs"])


def _editor_menu() -> tuple[list[str], list[str]]:
    """The Accept choices the vendored SPARQL editor (YASGUI) offers, read from its bundle."""
    import re
    from pathlib import Path

    import cuegraph.api

    bundle = (
        Path(cuegraph.api.__file__).parent / "static" / "vendor" / "yasgui" / "yasgui.min.js"
    ).read_text(encoding="utf-8")
    menus = {}
    for name in ("AcceptOptionsMap", "AcceptHeaderGraphMap"):
        block = re.search(name + r"=\[(.*?)\]", bundle).group(1)
        menus[name] = re.findall(r"value:`([^`]+)`", block)
    return menus["AcceptOptionsMap"], menus["AcceptHeaderGraphMap"]


SELECT_MENU, GRAPH_MENU = _editor_menu()


def test_the_editor_menu_was_read():
    assert "application/sparql-results+json" in SELECT_MENU and len(SELECT_MENU) >= 4
    assert {"text/turtle", "application/rdf+json", "text/csv"} <= set(GRAPH_MENU)


@pytest.mark.parametrize("media", SELECT_MENU)
def test_every_select_format_of_the_editor_answers(client, media):
    resp = client.post("/sparql", data={"query": examples()[0]["query"]}, headers={"Accept": media})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    assert "Yuki Kajiura" in resp.text


@pytest.mark.parametrize("media", GRAPH_MENU)
def test_every_construct_format_of_the_editor_answers(client, media):
    import json

    query = """PREFIX schema: <https://schema.org/>
      CONSTRUCT { ?p schema:name ?n } WHERE { ?p schema:name ?n FILTER(?n = "Yuki Kajiura") }"""
    resp = client.post("/sparql", data={"query": query}, headers={"Accept": media})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    assert "Yuki Kajiura" in resp.text
    if media == "application/rdf+json":
        body = json.loads(resp.text)
        [(subject, props)] = body.items()
        assert subject == "https://cuegraph.org/id/person/yuki-kajiura"
        assert props["https://schema.org/name"] == [{"type": "literal", "value": "Yuki Kajiura"}]
    if media == "text/csv":
        assert resp.text.splitlines()[0] == "subject,predicate,object"
