"""``/health`` and ``/stats`` answered from memory, computed once per change of the data.

For the embedded store on disk the figures belong to a snapshot generation: they are
computed once per generation, by SPARQL aggregates run in a query worker (so the server's
own memory does not grow with the data), and served from memory. ``/health`` never waits
for a recount once a first one exists: it answers the last figure and a refresh runs in
the background; it waits at most :data:`FIRST_COUNT_WAIT` seconds for the first one and
answers ``"triples": null`` (``"counting": true``) meanwhile. When the distinct count needs
more than the query memory cap (its set of triples grows with the data), it is counted
again in constant memory (``store_triples_bounded.rq``, slower).

A remote store is counted the same way, by its own ``triple_count``/``select`` (a count of
every triple there takes seconds to minutes: 24.5 s at 1 M triples on Virtuoso): the
figures belong to a generation of the store's own writes (:meth:`Store.mark_changed`, so a
write by this process recounts) and expire ``remote_count_ttl`` seconds after they were
counted (writes by others are not seen otherwise). ``memory:`` stores are asked on each call.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

from starlette.concurrency import run_in_threadpool

from cuegraph.engine.pool import QueryOutOfMemory
from cuegraph.engine.tasks import QueryTask
from cuegraph.queries import load_query
from cuegraph.store import DISTINCT_TRIPLES, Store, _py_value

__all__ = ["Summary", "summary_for"]

#: time limit of the aggregates behind /stats (they read every quad once)
_STATS_TIMEOUT = 300.0
#: the longest /health waits for the very first count of the data
FIRST_COUNT_WAIT = 5.0


class _Prefetched:
    """A read-only stand-in for a store: answers the SELECTs fetched beforehand."""

    def __init__(self, rows: dict[str, list[dict]], triples: int):
        self._rows = rows
        self._triples = triples

    def select(self, query: str) -> list[dict[str, Any]]:
        return self._rows[query]

    def triple_count(self) -> int:
        return self._triples


def _rows(body: bytes) -> list[dict[str, Any]]:
    data = json.loads(body)
    return [
        {
            k: _py_value(v.get("type", "literal"), v.get("value", ""), v.get("datatype"))
            for k, v in b.items()
        }
        for b in data["results"]["bindings"]
    ]


class Summary:
    """The app's cached triple count and statistics."""

    def __init__(self, app: Any):
        self.app = app
        self.store: Store = app.state.store
        self._triples: tuple[Any, int] | None = None  # (generation, count)
        self._stats: tuple[Any, dict] | None = None
        self._lock = asyncio.Lock()
        self._refresh: asyncio.Task | None = None
        self._bounded = False  # the set-based count once hit the memory cap: skip it
        self._remote = not self.store.embedded  # a server: counted figures expire (TTL)
        self._ttl: float = app.state.settings.remote_count_ttl
        self._period = 0  # a remote store's figures: bumped when they expire
        self._expires = math.inf  # when the last remote count expires

    @property
    def cached(self) -> bool:
        """Whether figures are kept: the embedded store on disk (per snapshot generation)
        and remote stores (per generation of their own writes, until the TTL)."""
        from cuegraph.engine.executor import executor_for

        return self._remote or executor_for(self.app).pool is not None

    async def _generation(self) -> Any:
        """What the cached figures are valid for: the snapshot generation; on a remote
        store, the generation of its own writes and the TTL period."""
        from cuegraph.engine.executor import executor_for

        gen = await executor_for(self.app).generation()
        if not self._remote:
            return gen
        if time.monotonic() >= self._expires:  # expired: once, until the next count ends
            self._period += 1
            self._expires = math.inf
        return (gen, self._period)

    async def _select(self, query: str) -> list[dict[str, Any]]:
        if self._remote:  # the store's own reading (Virtuoso's datatypes), its own timeout
            return await run_in_threadpool(self.store.select, query)
        from cuegraph.engine.executor import executor_for

        out = await executor_for(self.app).run(QueryTask(query=query), timeout=_STATS_TIMEOUT)
        return _rows(out.body)

    async def _count(self) -> tuple[Any, int]:
        gen = await self._generation()
        if self._remote:  # its triple_count leaves out a server's own graphs (Virtuoso)
            n = await run_in_threadpool(self.store.triple_count)
            self._expires = time.monotonic() + self._ttl
            return gen, n
        rows = None
        if not self._bounded:
            try:
                rows = await self._select(DISTINCT_TRIPLES)
            except QueryOutOfMemory:
                self._bounded = True  # from now on count in constant memory (no retry per change)
        if rows is None:
            rows = await self._select(load_query("store_triples_bounded"))
        return gen, int(rows[0]["n"]) if rows else 0

    def _start_recount(self) -> asyncio.Task:
        """The running recount, or a new one."""
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.ensure_future(self._recount())
        return self._refresh

    async def triples(self) -> int | None:
        """Distinct triples (constant cost once counted for the current data); ``None``
        while the first count of a big store is still running."""
        if not self.cached:
            return await run_in_threadpool(self.store.triple_count)
        gen = await self._generation()
        if self._triples is not None:
            if self._triples[0] != gen:
                self._start_recount()
            return self._triples[1]
        recount = self._start_recount()
        done, _ = await asyncio.wait({recount}, timeout=FIRST_COUNT_WAIT)
        if not done:
            return None
        recount.result()  # a failed first count is the caller's error
        assert self._triples is not None
        return self._triples[1]

    async def _recount(self) -> None:
        async with self._lock:
            gen = await self._generation()
            if self._triples is None or self._triples[0] != gen:  # not counted meanwhile
                self._triples = await self._count()

    async def stats(self) -> dict:
        """``graph_stats`` of the current data (computed once per generation)."""
        from cuegraph.api.data import graph_stats

        if not self.cached:
            return await run_in_threadpool(graph_stats, self.store)
        async with self._lock:
            gen = await self._generation()
            if self._stats is not None and self._stats[0] == gen:
                return self._stats[1]
            rows = {}
            for name in ("stats_types", "stats_roles", "stats_graphs"):
                rows[load_query(name)] = await self._select(load_query(name))
            counted_gen, triples = await self._count()
            self._triples = (counted_gen, triples)
            result = graph_stats(_Prefetched(rows, triples))
            self._stats = (gen, result)
            return result


def summary_for(app: Any) -> Summary:
    """The app's :class:`Summary` (one per app, in ``app.state``)."""
    summary = getattr(app.state, "summary", None)
    if summary is None:
        summary = app.state.summary = Summary(app)
    return summary
