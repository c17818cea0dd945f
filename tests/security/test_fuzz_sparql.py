"""Grammar-generated SPARQL with hostile values: no 500, no crash, no fetch.

Bounded in count and time (each loop stops at its count or its time budget, whichever
comes first). Seeds are fixed, so a failure replays.
"""

from __future__ import annotations

import time

import pytest
import requests
from fastapi.testclient import TestClient
from sparql_gen import SparqlGen

from cuegraph.api import create_app
from cuegraph.config import Settings
from support import served

pytestmark = pytest.mark.slow  # a grammar-based SPARQL fuzz run (about a minute)

TOKEN = "fuzz-token"
UPDATE = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
QUERY = {"Content-Type": "application/sparql-query"}


def _check(resp, case) -> None:
    assert resp.status_code < 500, (case.text[:400], resp.status_code, resp.text[:300])
    if case.fetches:  # refused: by the gate (400), or before it for its size (413)
        assert resp.status_code in (400, 413), (case.text[:400], resp.text[:300])


def test_generated_sparql_in_process(seed_store, canary):
    client = TestClient(
        create_app(seed_store, Settings(store="memory:", update_token=TOKEN, query_timeout=2))
    )
    gen = SparqlGen(20261130, canary.url)
    deadline, count = time.monotonic() + 20, 0
    while count < 300 and time.monotonic() < deadline:
        case = gen.update() if count % 3 == 2 else gen.query()
        if case.update:
            resp = client.post("/sparql/update", content=case.text.encode(), headers=UPDATE)
        else:
            resp = client.post("/sparql", content=case.text.encode(), headers=QUERY)
        _check(resp, case)
        count += 1
    assert count >= 25, f"only {count} cases ran in the time budget"
    assert canary.hits == []


def test_generated_sparql_against_the_real_server(tmp_path, canary):
    """Through uvicorn, the query worker processes and the update thread."""
    gen = SparqlGen(7, canary.url)
    with served(
        tmp_path, env={"CUEGRAPH_UPDATE_TOKEN": TOKEN, "CUEGRAPH_QUERY_TIMEOUT": "2"}
    ) as server:
        deadline, count = time.monotonic() + 20, 0
        while count < 80 and time.monotonic() < deadline:
            case = gen.update() if count % 4 == 3 else gen.query()
            if case.update:
                resp = requests.post(
                    server.base + "/sparql/update",
                    data=case.text.encode(),
                    headers=UPDATE,
                    timeout=60,
                )
            else:
                resp = requests.post(
                    server.base + "/sparql", data=case.text.encode(), headers=QUERY, timeout=60
                )
            _check(resp, case)
            count += 1
        assert server.proc.poll() is None, "the server died"
        assert requests.get(server.base + "/health", timeout=30).ok
        assert "Traceback" not in server.log(), server.log()[-3000:]
    assert count >= 15
    assert canary.hits == []
