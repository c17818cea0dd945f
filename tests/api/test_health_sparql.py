"""The minimal service: /health and a read-only /sparql, in-process and as a real server."""

from __future__ import annotations

import requests

from support import DATA, cuegraph_cmd, served

KAJIURA_COMPOSES_MADOKA = """
PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
SELECT ?name ?role WHERE {
  ?work schema:name "Puella Magi Madoka Magica" .
  ?credit cg:credits ?work ; cg:agent ?p ; cg:role ?role .
  ?p schema:name ?name .
}"""


def test_health_counts_triples(client, seed_store):
    body = client.get("/health").json()
    assert body == {"status": "ok", "triples": seed_store.triple_count()}
    assert body["triples"] > 0


def test_sparql_get_finds_kajiura_composing_madoka(client):
    resp = client.get("/sparql", params={"query": KAJIURA_COMPOSES_MADOKA})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/sparql-results+json")
    rows = resp.json()["results"]["bindings"]
    assert {"Yuki Kajiura"} == {
        r["name"]["value"] for r in rows if r["role"]["value"].endswith("#ScoreComposer")
    }


def test_sparql_post_direct_and_form(client):
    direct = client.post(
        "/sparql", content="ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"}
    )
    assert direct.json() == {"head": {}, "boolean": True}
    form = client.post("/sparql", data={"query": "ASK { <urn:x:none> ?p ?o }"})
    assert form.json()["boolean"] is False


def test_sparql_syntax_error_is_400_json(client):
    resp = client.get("/sparql", params={"query": "SELEKT * WHERE { ?s ?p ?o }"})
    assert resp.status_code == 400
    body = resp.json()
    assert "syntax error" in body["error"].lower()


def test_sparql_refuses_update(client):
    resp = client.post("/sparql", data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert resp.status_code == 400


def test_real_server_serves_the_built_store(tmp_path):
    """What `make run` does: build, then `cuegraph serve` on a port."""
    with served(tmp_path) as server:
        url, base = server.store, server.base
        health = requests.get(base + "/health", timeout=5).json()
        assert health["status"] == "ok" and health["triples"] > 0
        resp = requests.post(base + "/sparql", data={"query": KAJIURA_COMPOSES_MADOKA}, timeout=5)
        names = {b["name"]["value"] for b in resp.json()["results"]["bindings"]}
        assert "Yuki Kajiura" in names
        # a read-only command works while the server holds the store ...
        q = cuegraph_cmd(
            "--store",
            url,
            "query",
            "-f",
            "csv",
            "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }",
        )  # /health counts distinct triples
        assert q.returncode == 0, q.stderr
        assert int(q.stdout.splitlines()[1]) == health["triples"]
        # ... and a writing one says plainly why it cannot
        w = cuegraph_cmd("--store", url, "build", str(DATA))
        assert w.returncode == 1
        assert "in use by another process" in w.stderr
        assert "Traceback" not in w.stderr
    out = server.log()
    assert f"{base}/" in out
    assert "people" in out and "cues" in out
