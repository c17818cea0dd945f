"""`GET /export?query=`: a user's CONSTRUCT is cut to CUEGRAPH_MAX_ROWS triples with the
same headers as /sparql, and building a big export never holds the other routes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from fastapi.testclient import TestClient

from cuegraph.api import create_app
from cuegraph.config import Settings
from support import cuegraph_cmd, free_port, wait_http

EVERYTHING = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
LINKS = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isIRI(?o)) }"


def _client(seed_store, max_rows: int) -> TestClient:
    return TestClient(create_app(seed_store, Settings(max_rows=max_rows)))


def test_query_export_stops_at_max_rows_with_the_sparql_headers(seed_store):
    client = _client(seed_store, 7)
    resp = client.get("/export", params={"query": LINKS, "view": "rdf", "format": "cytoscape"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["X-Cuegraph-Truncated"] == "true"
    assert resp.headers["X-Cuegraph-Max-Rows"] == "7"
    assert "X-Cuegraph-Truncated" in resp.headers["Access-Control-Expose-Headers"]
    edges = resp.json()["elements"]["edges"]
    # the rdf view draws one edge per triple between two IRIs: at most the 7 kept
    assert 0 < len(edges) <= 7 and int(resp.headers["X-Cuegraph-Edges"]) == len(edges)
    # the same query on /sparql is cut the same way
    sparql = client.get(
        "/sparql", params={"query": LINKS}, headers={"Accept": "application/n-triples"}
    )
    assert sparql.headers["X-Cuegraph-Truncated"] == "true"
    assert len(sparql.text.strip().splitlines()) == 7


def test_query_export_under_the_cap_is_not_marked(seed_store):
    client = _client(seed_store, 10_000)
    query = (
        "CONSTRUCT { ?s <https://schema.org/name> ?n } WHERE { "
        "?s a <https://cuegraph.org/ns#Agent> ; <https://schema.org/name> ?n }"
    )
    resp = client.get("/export", params={"query": query, "view": "rdf", "format": "graphml"})
    assert resp.status_code == 200, resp.text
    assert "X-Cuegraph-Truncated" not in resp.headers
    assert "X-Cuegraph-Max-Rows" not in resp.headers


def _big_store(tmp_path: Path, people: int) -> str:
    """A store with ``people`` × 6 synthetic triples (generated here, never shipped)."""
    nt = tmp_path / "big.nt"
    b, cg, s = "https://cuegraph.org/id/", "https://cuegraph.org/ns#", "https://schema.org/"
    with nt.open("w", encoding="utf-8") as f:
        for i in range(people):
            p, w = f"<{b}person/p{i}>", f"<{b}work/w{i % 997}>"
            f.write(
                f"{p} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{cg}Agent> .\n"
                f'{p} <{s}name> "Person {i}" .\n{p} <{cg}nativeName> "人物{i}"@ja .\n'
                f"{p} <{s}knows> <{b}person/p{(i * 7 + 1) % people}> .\n"
                f'{p} <{s}member> {w} .\n{w} <{s}name> "Work {i % 997}" .\n'
            )
    store = f"oxigraph:{tmp_path / 'store'}"
    done = cuegraph_cmd("--store", store, "load", str(nt), "--graph", b + "graph/big", timeout=600)
    assert done.returncode == 0, done.stderr
    return store


def test_health_answers_while_a_big_query_export_is_built(tmp_path):
    store = _big_store(tmp_path, 40_000)  # 240 000 triples
    port = free_port()
    exe = Path(sys.executable).with_name("cuegraph")
    env = {**os.environ, "CUEGRAPH_MAX_ROWS": "60000", "CUEGRAPH_QUERY_TIMEOUT": "300"}
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(exe), "--store", store, "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/health", timeout=300)  # a busy machine starts slowly

        def health() -> float:
            t = time.monotonic()
            assert requests.get(base + "/health", timeout=60).status_code == 200
            return time.monotonic() - t

        idle = sorted(health() for _ in range(5))[2]
        result: dict = {}

        def export() -> None:
            t = time.monotonic()
            result["resp"] = requests.get(
                base + "/export",
                params={"query": EVERYTHING, "view": "rdf", "format": "graphml"},
                timeout=600,
            )
            result["seconds"] = time.monotonic() - t

        worker = threading.Thread(target=export)
        worker.start()
        time.sleep(0.2)
        during = []
        while worker.is_alive():
            during.append(health())
            time.sleep(0.05)
        worker.join()
        resp = result["resp"]
        assert resp.status_code == 200, resp.text[:500]
        assert resp.headers["X-Cuegraph-Truncated"] == "true"
        assert resp.headers["X-Cuegraph-Max-Rows"] == "60000"
        assert resp.content.count(b"<edge ") <= 60_000
        # side by side (the machine may be busy; no absolute thresholds): the export took
        # many seconds, while /health, asked all along, answered about as fast as when idle
        # and never waited more than a small fraction of the export
        assert len(during) >= 3, result["seconds"]
        typical = sorted(during)[len(during) // 2]
        assert typical < 3 * idle + 0.05, (idle, typical)
        assert max(during) < result["seconds"] / 10, (idle, max(during), result["seconds"])
        print(
            f"export {result['seconds']:.2f}s; /health idle {idle * 1000:.0f} ms, during "
            f"export median {typical * 1000:.0f} ms, max {max(during) * 1000:.0f} ms "
            f"over {len(during)} requests"
        )
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
