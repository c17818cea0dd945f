"""The server never fetches a URL a client names: a canary on 127.0.0.1 hears nothing.

Every way found to slip ``SERVICE`` or ``LOAD`` past the old keyword tokenizer is sent to
``/sparql``, ``/export?query=`` and ``/sparql/update`` (with the token) of a real
``cuegraph serve`` (query worker processes, the update thread), and to the app in process;
each must answer 400 naming the refusal, and the canary must receive no connection. Two
more tests go under the parse: the engine itself, run where cuegraph runs users' SPARQL
(the sandboxed worker and update thread), cannot open a socket whatever the query says.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import requests

from cuegraph.config import Settings
from cuegraph.sandbox import supported

TOKEN = "canary-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def query_variants(url: str) -> dict[str, str]:
    """Queries that would make the engine fetch ``url``."""
    host = url.rsplit("/", 1)[0] + "/"
    return {
        # ex:a\# is one prefixed name; the old tokenizer read '#' as a comment start
        "escaped_local_name": f"PREFIX ex: <http://example.org/>\n"
        f"SELECT * {{ ?s ?p ex:a\\# . SERVICE <{url}> {{ ?x ?y ?z }} }}",
        "codepoint_escape": f"SELECT * {{ \\u0053ERVICE <{url}> {{ ?x ?y ?z }} }}",
        # the engine reads \u0022 inside a string as a quote character, not its end: a gate
        # unescaping first would see a comment (#) swallow the SERVICE
        "escaped_quote_in_string": f'SELECT * {{ ?s ?p "\\u0022 }} #" . '
        f"SERVICE <{url}> {{ ?x ?y ?z }} }}",
        "long_escape": f"SELECT * {{ \\U00000053\\U00000045RVICE <{url}> {{ ?x ?y ?z }} }}",
        "lower_case": f"select * {{ service <{url}> {{ ?x ?y ?z }} }}",
        "comment_between": f"SELECT * {{ SERVICE # <urn:x>\n <{url}> {{ ?x ?y ?z }} }}",
        "silent": f"SELECT * {{ SERVICE SILENT <{url}> {{ ?x ?y ?z }} }}",
        "prefixed_name": f"PREFIX c: <{host}>\nSELECT * {{ SERVICE c:sparql {{ ?x ?y ?z }} }}",
        "variable_endpoint": f"SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?x ?y ?z }} }}",
        "inside_exists": f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }}",
        "in_subquery": f"SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?x ?y ?z }} }} }} }}",
        "long_query": "SELECT * { "
        + "?a <urn:x:p> ?b . " * 400
        + f"SERVICE <{url}> {{ ?x ?y ?z }} }}",
    }


def construct_variants(url: str) -> dict[str, str]:
    return {
        "escaped_local_name": f"PREFIX ex: <http://example.org/>\nCONSTRUCT {{ ?x ?y ?z }} "
        f"WHERE {{ ?s ?p ex:a\\# . SERVICE <{url}> {{ ?x ?y ?z }} }}",
        "codepoint_escape": f"CONSTRUCT {{ ?x ?y ?z }} WHERE {{ \\u0053ERVICE <{url}> "
        "{ ?x ?y ?z } }",
    }


def update_variants(url: str) -> dict[str, tuple[str, str]]:
    """Updates that would make the engine fetch ``url`` (and the keyword refused)."""
    return {
        "load_after_escaped_name": (
            f"PREFIX ex: <http://example.org/>\nDELETE DATA {{ GRAPH <urn:g> {{ ex:a ex:b "
            f"ex:c\\# }} }} ; LOAD <{url}> INTO GRAPH <urn:x:loaded>",
            "LOAD",
        ),
        "load_escaped": (f"\\u004cOAD <{url}> INTO GRAPH <urn:x:loaded>", "LOAD"),
        "load_after_escaped_quote": (
            f'DELETE DATA {{ GRAPH <urn:g> {{ <urn:a> <urn:b> "\\u0022 }} }} #" }} }} ; '
            f"LOAD <{url}> INTO GRAPH <urn:x:loaded>",
            "LOAD",
        ),
        "load_silent": (f"load silent <{url}> into graph <urn:x:loaded>", "LOAD"),
        "service_in_where": (
            f"PREFIX ex: <http://example.org/>\nINSERT {{ GRAPH <urn:x:g> {{ ?x ?y ?z }} }} "
            f"WHERE {{ ?s ?p ex:a\\# . SERVICE <{url}> {{ ?x ?y ?z }} }}",
            "SERVICE",
        ),
    }


pytestmark = pytest.mark.serve({"CUEGRAPH_UPDATE_TOKEN": TOKEN})


def _assert_refused(resp, word: str) -> None:
    assert resp.status_code == 400, resp.text
    assert word in resp.json()["error"]


@pytest.mark.parametrize("name", list(query_variants("http://x/")))
def test_sparql_never_fetches(server, canary, name):
    query = query_variants(canary.url)[name]
    get = requests.get(server.base + "/sparql", params={"query": query}, timeout=30)
    post = requests.post(
        server.base + "/sparql",
        data=query.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    for resp in (get, post):
        _assert_refused(resp, "SERVICE")
    assert canary.hits == []


@pytest.mark.parametrize("name", list(construct_variants("http://x/")))
def test_export_query_never_fetches(server, canary, name):
    query = construct_variants(canary.url)[name]
    resp = requests.get(
        server.base + "/export", params={"format": "cytoscape", "query": query}, timeout=30
    )
    _assert_refused(resp, "SERVICE")
    assert canary.hits == []


@pytest.mark.parametrize("name", list(update_variants("http://x/")))
def test_update_never_fetches(server, canary, name):
    update, word = update_variants(canary.url)[name]
    resp = requests.post(
        server.base + "/sparql/update",
        data=update.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    _assert_refused(resp, word)
    assert canary.hits == []
    graphs = requests.get(
        server.base + "/sparql",
        timeout=30,
        params={"query": "ASK { GRAPH <urn:x:loaded> { ?s ?p ?o } }"},
    ).json()
    assert graphs["boolean"] is False


def test_in_process_app_never_fetches(api_client, canary):
    """The same refusals without worker processes (memory: store, thread execution)."""
    client = api_client(settings=Settings(store="memory:", update_token=TOKEN))
    for query in query_variants(canary.url).values():
        _assert_refused(client.get("/sparql", params={"query": query}), "SERVICE")
    for update, word in update_variants(canary.url).values():
        _assert_refused(
            client.post(
                "/sparql/update",
                content=update,
                headers={"Content-Type": "application/sparql-update", **AUTH},
            ),
            word,
        )
    assert canary.hits == []


def test_not_refused_when_service_is_only_a_word(api_client):
    """The parse tells the keyword from the same letters elsewhere."""
    client = api_client(settings=Settings(store="memory:"))
    for query in [
        'SELECT * { ?s ?p "SERVICE <http://127.0.0.1:9/>" } LIMIT 1',
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:service ?service } LIMIT 1",
        "SELECT * { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://x/>\nLIMIT 1",
    ]:
        resp = client.get("/sparql", params={"query": query})
        assert resp.status_code == 200, (query, resp.text)


_UNDER_THE_PARSE = """
import json, sys, threading
import pyoxigraph as ox
from cuegraph.sandbox import deny_network, offline_executor

url = sys.argv[1]
def service():
    try:
        list(ox.Store().query("SELECT * { SERVICE <%s> { ?s ?p ?o } }" % url))
        return "fetched"
    except Exception as e:
        return type(e).__name__ + ": " + str(e)
def load():
    try:
        ox.Store().update("LOAD <%s> INTO GRAPH <urn:x:g>" % url)
        return "fetched"
    except Exception as e:
        return type(e).__name__ + ": " + str(e)
out = {"thread_service": offline_executor().submit(service).result(),
       "thread_load": offline_executor().submit(load).result()}
deny_network()  # as the query worker does first
out["process_service"] = service()
print(json.dumps(out))
"""


@pytest.mark.skipif(not supported(), reason="seccomp filter needs Linux x86-64 or AArch64")
def test_the_engine_cannot_fetch_where_cuegraph_runs_it(canary):
    """Below the parse: with the query text straight to pyoxigraph, the sandboxed update
    thread and a sandboxed worker process get EPERM for the socket; nothing is sent."""
    import json

    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_UNDER_THE_PARSE), canary.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for what, result in out.items():
        assert "fetched" not in result and "ermission" in result, (what, result)
    assert canary.hits == []


def test_the_canary_hears_an_unsandboxed_engine(canary):
    """Control: the same pyoxigraph call outside the sandbox does reach the canary (so the
    tests above would notice a fetch)."""
    import pyoxigraph as ox

    before = len(canary.hits)
    list(ox.Store().query(f"SELECT * {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))
    assert len(canary.hits) == before + 1
    assert canary.hits.pop().startswith(b"POST /sparql")


def _descendants(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout.split()
    found: list[int] = []
    for child in map(int, out):
        found += [child, *_descendants(child)]
    return found


def _seccomp(status_path: str) -> int:
    with open(status_path) as f:
        for line in f:
            if line.startswith("Seccomp:"):
                return int(line.split()[1])
    return -1


@pytest.mark.skipif(not supported(), reason="seccomp filter needs Linux x86-64 or AArch64")
def test_query_workers_and_the_update_thread_run_under_the_filter(server):
    """The served processes: every process that answered a query, and one thread of the
    server (the update thread), have the seccomp filter (mode 2); the server itself not."""
    import os

    assert requests.get(server.base + "/sparql", params={"query": "ASK {}"}, timeout=30).ok
    resp = requests.post(
        server.base + "/sparql/update",
        timeout=30,
        data=(b"INSERT DATA { GRAPH <urn:x:sandbox> { <urn:x:a> <urn:x:b> 1 } }"),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert resp.status_code == 204
    pid = server.proc.pid
    modes = {p: _seccomp(f"/proc/{p}/status") for p in _descendants(pid)}
    assert 2 in modes.values(), modes  # the query workers
    threads = {t: _seccomp(f"/proc/{pid}/task/{t}/status") for t in os.listdir(f"/proc/{pid}/task")}
    assert threads[str(pid)] == 0  # the server's main thread keeps its network (it listens)
    assert list(threads.values()).count(2) == 1, threads  # the update thread
