"""Limits of /sparql: time limit (a runaway query is really stopped), row limit, body size,
and no fetching of client-named URLs (FROM, SERVICE, LOAD).

The time-limit proof runs the real ``cuegraph serve`` on a built on-disk store: queries run
in worker processes that are killed at the limit (pyoxigraph cannot cancel a query).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import requests

from cuegraph.api.sparql.text import MAX_NESTING
from cuegraph.config import Settings

TIMEOUT = 2.0
MAX_ROWS = 5
TOKEN = "limits-token"
# COUNT over a six-fold cross product of every triple: ~1567^6 combinations, and the
# aggregate must see them all before it can answer anything
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(entry.name))
    return out


def _descendants(pid: int) -> set[int]:
    """Children and their children (workers are forked by a fork server the server starts)."""
    out, todo = set(), [pid]
    while todo:
        kids = _children(todo.pop())
        todo += list(kids - out)
        out |= kids
    return out


def _busy(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] == "R" and int(fields[11]) > 0.15 * os.sysconf("SC_CLK_TCK")


# ``server``: ``cuegraph serve`` on a freshly built on-disk store, with tight limits
# ``client``: in process over the seed, with a small query size limit
pytestmark = [
    pytest.mark.serve(
        {
            "CUEGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
            "CUEGRAPH_MAX_ROWS": str(MAX_ROWS),
            "CUEGRAPH_UPDATE_TOKEN": TOKEN,
        }
    ),
    pytest.mark.client(settings=Settings(store="memory:", max_query_bytes=2000)),
]


def test_runaway_query_is_stopped_and_server_stays_responsive(server):
    base = server.base
    # warm up: the query workers start on first use
    assert requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30).ok
    result: dict = {}

    def run() -> None:
        start = time.monotonic()
        resp = requests.get(base + "/sparql", params={"query": RUNAWAY}, timeout=60)
        result.update(resp=resp, elapsed=time.monotonic() - start)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    # while the runaway query runs, the service answers
    for _ in range(3):
        start = time.monotonic()
        health = requests.get(base + "/health", timeout=5)
        assert health.status_code == 200 and health.json()["triples"] > 1000
        assert time.monotonic() - start < 1.5
        quick = requests.get(
            base + "/sparql", timeout=5, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}
        )
        assert quick.status_code == 200
        assert int(quick.json()["results"]["bindings"][0]["n"]["value"]) > 1000
        time.sleep(0.2)
    thread.join(60)
    resp = result["resp"]
    assert resp.status_code == 503
    body = resp.json()
    assert f"{TIMEOUT:g} s limit" in body["error"] and body["detail"]["timeout_seconds"] == TIMEOUT
    # worker start-up (~1-2 s) can precede the query's own time limit
    assert TIMEOUT <= result["elapsed"] < TIMEOUT + 6
    # the service answers afterwards
    assert requests.get(base + "/health", timeout=5).status_code == 200
    after = requests.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.json()["boolean"] is True


def test_killed_worker_process_is_gone(server):
    base, proc = server.base, server.proc
    assert requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30).ok
    idle = _descendants(proc.pid)
    holder: dict = {}
    thread = threading.Thread(
        target=lambda: holder.update(
            resp=requests.get(base + "/sparql", params={"query": RUNAWAY}, timeout=60)
        )
    )
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        # the busy worker: running, with some CPU time (a replacement worker, forked from
        # the fork server meanwhile, has next to none)
        running = {pid for pid in _descendants(proc.pid) if _busy(pid)}
        if running:
            break
        time.sleep(0.1)
    assert running, "no worker process was busy with the runaway query"
    thread.join(60)
    assert holder["resp"].status_code == 503
    time.sleep(0.3)
    assert not running & _descendants(proc.pid), "the busy worker still exists after the 503"
    assert len(_descendants(proc.pid)) <= max(len(idle), 2)


def test_rows_are_truncated_with_a_header(server):
    base = server.base
    resp = requests.get(base + "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["X-Cuegraph-Truncated"] == "true"
    assert resp.headers["X-Cuegraph-Max-Rows"] == str(MAX_ROWS)
    assert len(resp.json()["results"]["bindings"]) == MAX_ROWS
    graph = requests.get(
        base + "/sparql",
        timeout=30,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"},
    )
    assert graph.headers["X-Cuegraph-Truncated"] == "true"
    assert len(graph.text.strip().splitlines()) == MAX_ROWS
    small = requests.get(
        base + "/sparql",
        timeout=30,
        params={"query": "SELECT * { ?s ?p ?o } LIMIT 3", "format": "csv"},
    )
    assert "X-Cuegraph-Truncated" not in small.headers
    assert len(small.text.strip().splitlines()) == 4  # header + 3 rows


def test_update_is_visible_to_query_workers(server):
    base = server.base
    ask = {"query": "ASK { GRAPH <urn:x:limits> { <urn:x:a> <urn:x:b> 'c' } }"}
    assert requests.get(base + "/sparql", params=ask, timeout=30).json()["boolean"] is False
    resp = requests.post(
        base + "/sparql/update",
        timeout=30,
        data={"update": "INSERT DATA { GRAPH <urn:x:limits> { <urn:x:a> <urn:x:b> 'c' } }"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert resp.status_code == 204
    assert requests.get(base + "/sparql", params=ask, timeout=30).json()["boolean"] is True
    requests.post(
        base + "/sparql/update",
        data={"update": "DROP GRAPH <urn:x:limits>"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )


def test_huge_query_body_is_413(client):
    query = "SELECT * { ?s ?p ?o } # " + "x" * 5000
    for kwargs in (
        {"data": {"query": query}},
        {"content": query, "headers": {"content-type": "application/sparql-query"}},
    ):
        resp = client.post("/sparql", **kwargs)
        assert resp.status_code == 413
        body = resp.json()
        assert "2000-byte limit" in body["error"] and body["detail"] == {"limit_bytes": 2000}
    get = client.get("/sparql", params={"query": query})
    assert get.status_code == 413 and "POST" in get.json()["error"]


def test_memory_store_time_limit_answers_503(api_client):
    """memory: stores run queries in a thread: the client still gets 503 at the limit (the
    thread runs on to the end, so this query is slow, ~2 s, but finite)."""
    client = api_client(settings=Settings(store="memory:", query_timeout=0.3))
    start = time.monotonic()
    resp = client.get(
        "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . "
            "?d ?e ?f FILTER(STR(?c) != STR(?f)) }"
        },
    )
    assert resp.status_code == 503
    assert "0.3 s limit" in resp.json()["error"]
    assert time.monotonic() - start < 1.5


def test_from_never_fetches_remote_data(client, httpserver):
    httpserver.expect_request("/data.ttl").respond_with_data(
        "<urn:x:remote> <urn:x:p> <urn:x:o> .", content_type="text/turtle"
    )
    remote = httpserver.url_for("/data.ttl")
    for query in (
        f"ASK FROM <{remote}> {{ ?s ?p ?o }}",
        f"ASK FROM NAMED <{remote}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{remote}> {{ <urn:x:remote> ?p ?o }}",
    ):
        resp = client.get("/sparql", params={"query": query})
        assert resp.status_code == 200, resp.text
        data = resp.json()
        assert data.get("boolean") is False or data.get("results", {}).get("bindings") == []
    refused = client.get(
        "/sparql", params={"query": f"SELECT * {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}"}
    )
    assert refused.status_code == 400
    assert httpserver.log == []  # nothing ever asked the "remote" server


def test_export_query_never_fetches(client, httpserver):
    """/export?query= runs the client's CONSTRUCT: SERVICE is refused there too (pyoxigraph
    would otherwise send the request)."""
    httpserver.expect_request("/sparql").respond_with_data("", status=500)
    remote = httpserver.url_for("/sparql")
    resp = client.get(
        "/export",
        params={
            "format": "cytoscape",
            "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
        },
    )
    assert resp.status_code == 400 and "SERVICE" in resp.json()["error"]
    assert httpserver.log == []


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 5000])
def test_deeply_nested_sparql_is_400_not_a_crash(api_client, levels):
    """The SPARQL parser recurses: thousands of nested brackets crash the process (stack
    overflow) and nested collections stall it, so /sparql, /sparql/update and /export refuse
    them before parsing."""
    client = api_client(settings=Settings(store="memory:", update_token=TOKEN))
    group = "{" * levels + "}" * levels
    requests_ = [
        client.get("/sparql", params={"query": f"SELECT * {{ {group} }}"}),
        client.post(
            "/sparql",
            content=f"ASK {{ ?s ?p {'(' * levels}{')' * levels} }}",
            headers={"content-type": "application/sparql-query"},
        ),
        client.post(
            "/sparql/update",
            data={"update": f"DELETE WHERE {{ {group} }}"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ),
        client.get(
            "/export",
            params={
                "format": "cytoscape",
                "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {group} }}",
            },
        ),
    ]
    for resp in requests_:
        assert resp.status_code == 400, resp.text
        assert f"more than {MAX_NESTING} levels" in resp.json()["error"]
    nested = "{" * (MAX_NESTING - 2) + "}" * (MAX_NESTING - 2)  # just under the limit: fine
    assert client.get("/sparql", params={"query": f"ASK {{ {nested} }}"}).json()["boolean"]


def test_runaway_export_construct_is_stopped(server):
    """/export?query= runs the user's CONSTRUCT under the same time limit as /sparql."""
    base = server.base
    runaway = (
        "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
        "FILTER(STR(?a) = CONCAT(STR(?d), STR(?g), STR(?j))) }"
    )
    start = time.monotonic()
    resp = requests.get(
        base + "/export", params={"format": "cytoscape", "query": runaway}, timeout=60
    )
    elapsed = time.monotonic() - start
    assert resp.status_code == 503, resp.text
    assert "limit" in resp.json()["error"]
    assert elapsed < TIMEOUT + 10
    # a quick CONSTRUCT still exports, and a syntax error names the user's own line
    ok = requests.get(
        base + "/export",
        timeout=30,
        params={
            "format": "cytoscape",
            "query": "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a cg:Agent ; schema:name ?n }",
        },
    )
    assert ok.status_code == 200 and ok.json()["elements"]
    bad = requests.get(
        base + "/export",
        timeout=30,
        params={"format": "dot", "query": "CONSTRUCT { ?s ?p ?o }\nWHERE {"},
    )
    assert bad.status_code == 400 and "line 2" in bad.json()["error"]
