"""The query engine under writes and abuse, against the real ``cuegraph serve``.

Snapshots make every query see one committed state; workers are bounded in time (end to
end, waiting included) and memory; cheap queries are answered while runaways run.
Timings are asserted relative to the configured limit, never as absolute figures.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
import requests

from support import cuegraph_cmd, served

TIMEOUT = 5.0
TOKEN = "engine-token"
RUNAWAY = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)
# 30 nested doublings of a 10-character string: 10 GiB if nothing stops it
HUNGRY = (
    'SELECT (STRLEN(?s30) AS ?n) WHERE { BIND("xxxxxxxxxx" AS ?s0) '
    + " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(30))
    + " }"
)
PAIR = "SELECT ?v ?w WHERE { <urn:x:c> <urn:x:v> ?v ; <urn:x:w> ?w }"


def _set(n: int) -> str:
    """One update that moves the pair (v, w) to (n, n) in one transaction."""
    return (
        "DELETE WHERE { GRAPH <urn:x:pair> { <urn:x:c> ?p ?o } } ; "
        f"INSERT DATA {{ GRAPH <urn:x:pair> {{ <urn:x:c> <urn:x:v> {n} ; <urn:x:w> {n} }} }}"
    )


def _update(base: str, text: str) -> requests.Response:
    return requests.post(
        base + "/sparql/update",
        data={"update": text},
        timeout=60,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def _query(base: str, text: str, timeout: float = 60) -> requests.Response:
    return requests.get(base + "/sparql", params={"query": text}, timeout=timeout)


pytestmark = pytest.mark.serve(
    {
        "CUEGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
        "CUEGRAPH_UPDATE_TOKEN": TOKEN,
        "CUEGRAPH_QUERY_WORKERS": "2",
        "CUEGRAPH_QUERY_MAX_LONG": "4",
        "CUEGRAPH_QUERY_MEMORY": "200M",
    }
)


def test_a_query_sees_an_update_committed_before_it(server):
    for n in range(5):
        assert _update(server.base, _set(n)).status_code == 204
        rows = _query(server.base, PAIR).json()["results"]["bindings"]
        assert [(r["v"]["value"], r["w"]["value"]) for r in rows] == [(str(n), str(n))]


def test_updates_against_concurrent_readers_never_show_an_uncommitted_state(server):
    base = server.base
    assert _update(base, _set(0)).status_code == 204
    stop = threading.Event()
    errors: list[str] = []
    seen: list[int] = []

    def read() -> None:
        while not stop.is_set():
            resp = _query(base, PAIR)
            if resp.status_code != 200:
                errors.append(f"{resp.status_code} {resp.text[:200]}")
                continue
            rows = resp.json()["results"]["bindings"]
            pairs = [(int(r["v"]["value"]), int(r["w"]["value"])) for r in rows]
            if len(pairs) != 1 or pairs[0][0] != pairs[0][1]:
                errors.append(f"never committed: {pairs}")
            else:
                seen.append(pairs[0][0])

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for n in range(1, 151):
            resp = _update(base, _set(n))
            assert resp.status_code == 204, resp.text
    finally:
        stop.set()
        for t in readers:
            t.join(60)
    assert errors == []
    assert len(seen) > 30 and max(seen) > 1  # the readers really ran beside the writes


def test_stats_and_health_change_after_an_import(server):
    base = server.base
    before = requests.get(base + "/stats", timeout=60).json()
    health = requests.get(base + "/health", timeout=5).json()["triples"]
    assert before["triples"] == health
    assert (
        _update(
            base,
            "INSERT DATA { GRAPH <urn:x:new> { <urn:x:work> a <https://cuegraph.org/ns#Work> } }",
        ).status_code
        == 204
    )
    after = requests.get(base + "/stats", timeout=60).json()
    assert after["types"]["Work"] == before["types"]["Work"] + 1
    assert after["triples"] == before["triples"] + 1
    assert requests.get(base + "/health", timeout=5).json()["triples"] == after["triples"]


def test_health_counts_each_triple_once(server):
    """A triple kept in two graphs is one triple for /health and /stats."""
    base = server.base
    before = requests.get(base + "/stats", timeout=60).json()["triples"]
    for g in ("urn:x:dup1", "urn:x:dup2"):
        assert (
            _update(base, f"INSERT DATA {{ GRAPH <{g}> {{ <urn:x:s> <urn:x:p> 1 }} }}").status_code
            == 204
        )
    assert requests.get(base + "/stats", timeout=60).json()["triples"] == before + 1


def test_a_memory_hungry_query_is_stopped_and_the_service_answers_on(server):
    base = server.base
    start = time.monotonic()
    resp = _query(base, HUNGRY)
    assert resp.status_code == 503, resp.text[:300]
    assert "memory" in resp.json()["error"]
    assert time.monotonic() - start < TIMEOUT + 1  # stopped by the cap, not the clock
    assert _query(base, "ASK { ?s ?p ?o }").json()["boolean"] is True
    assert requests.get(base + "/health", timeout=5).status_code == 200


def test_cheap_queries_are_answered_while_four_runaways_run(server):
    base = server.base
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        runaways = [
            pool.submit(lambda: (_query(base, RUNAWAY), time.monotonic())) for _ in range(4)
        ]
        time.sleep(0.8)
        cheap = []
        for _ in range(5):
            t0 = time.monotonic()
            resp = _query(base, "ASK { ?s a <https://cuegraph.org/ns#Work> }", timeout=30)
            cheap.append((resp.status_code, time.monotonic() - t0))
            time.sleep(0.1)
        cheap_done = time.monotonic()
        results = [f.result() for f in runaways]
    assert all(status == 200 for status, _ in cheap), cheap
    # every cheap query was answered before the runaways' limit was even reached
    assert cheap_done - started < TIMEOUT
    for resp, ended in results:
        assert resp.status_code == 503
        assert ended - started < TIMEOUT + 1.5  # its 503 at the limit (plus request costs)


def test_the_limit_includes_waiting_for_a_worker(tmp_path):
    """One worker, and runaways never count as long: the second runaway waits for the
    first, and still gets its 503 at its own limit, not after both."""
    env = {
        "CUEGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
        "CUEGRAPH_QUERY_WORKERS": "1",
        "CUEGRAPH_QUERY_LONG_AFTER": "1000",
    }
    with served(tmp_path, env) as s:
        first = threading.Thread(target=lambda: _query(s.base, RUNAWAY))
        first.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        resp = _query(s.base, RUNAWAY)
        waited = time.monotonic() - t0
        first.join(60)
    assert resp.status_code == 503
    assert waited < TIMEOUT + 1


def test_read_only_commands_beside_a_writing_server_read_committed_states(server):
    """#15: `cuegraph dump` and `cuegraph stats` in a loop while the server applies updates:
    every dump is complete and committed (the pair is equal), none fails."""
    base, store = server.base, server.store
    stop = threading.Event()
    failures: list[str] = []

    def write() -> None:
        n = 1000
        while not stop.is_set():
            n += 1
            if _update(base, _set(n)).status_code != 204:
                failures.append("update failed")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(6):
            dump = cuegraph_cmd("--store", store, "dump", "-f", "nquads")
            assert dump.returncode == 0, dump.stderr
            lines = [ln for ln in dump.stdout.splitlines() if "<urn:x:c>" in ln]
            values = {ln.split()[1]: ln.split()[2] for ln in lines}
            assert len(lines) == 2 and values["<urn:x:v>"] == values["<urn:x:w>"], lines
            assert "yuki-kajiura" in dump.stdout  # complete: the seed is there too
            stats = cuegraph_cmd("--store", store, "stats", "--json")
            assert stats.returncode == 0, stats.stderr
    finally:
        stop.set()
        writer.join(60)
    assert failures == []


@pytest.mark.xfail(
    strict=True,
    reason="pyoxigraph 0.5.13 counts a triple once per named "
    "graph holding it in the union default graph (oxigraph#1919); when an "
    "upgrade fixes it, this passes: drop the workarounds and this mark",
)
def test_upstream_union_default_graph_counts_a_triple_once():
    store = ox.Store()
    for g in ("urn:x:g1", "urn:x:g2"):
        store.add(
            ox.Quad(
                ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o"), ox.NamedNode(g)
            )
        )
    rows = list(
        store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", use_default_graph_as_union=True)
    )
    assert rows[0]["n"].value == "1"
