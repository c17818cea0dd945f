"""An update that crashes pyoxigraph's parser is tried first in a disposable worker: the
worker dies, the caller gets 400, nothing is written and the pool answers on."""

from __future__ import annotations

import asyncio

import pytest

from cuegraph.engine.executor import QueryExecutor
from cuegraph.engine.tasks import QueryTask
from cuegraph.errors import BadQuery
from cuegraph.store import OxigraphStore

DEEP = (
    "INSERT { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } } WHERE { FILTER("
    + "(" * 50000
    + "1"
    + ")" * 50000
    + ") }"
)


def test_a_parser_crashing_update_is_400_and_the_pool_answers_on(tmp_path):
    store = OxigraphStore(str(tmp_path / "store"))
    executor = QueryExecutor(store, timeout=30, workers=1)

    async def scenario() -> tuple[str, bytes]:
        await executor.start()
        await executor.check_update(
            "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }"
        )  # fine: no error
        with pytest.raises(BadQuery) as bad:
            await executor.check_update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> ")
        assert "syntax error" in bad.value.message
        with pytest.raises(BadQuery) as crash:
            await executor.check_update(DEEP)
        out = await executor.run(QueryTask("ASK { ?s ?p ?o }"))
        return crash.value.message, out.body

    try:
        message, body = asyncio.run(scenario())
    finally:
        executor.close()
        store.close()
    assert "nested too deeply" in message or "crashed" in message
    assert b"false" in body  # the worker was replaced, and nothing was written
