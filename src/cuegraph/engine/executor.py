"""Running queries consistently and bounded: the executor every store gives the service.

For the embedded store on disk, queries run in the worker pool of :mod:`cuegraph.engine.pool`:
long-lived processes that read a snapshot (a checkpoint the server publishes after each
committed change, :mod:`cuegraph.engine.snapshots`), so a query pays no store open, sees one
committed state, never a write in progress, and is killed at the time limit (pyoxigraph
cannot cancel a query, oxigraph#1926) or when it outgrows ``CUEGRAPH_QUERY_MEMORY``.

Which applies is the store's to say (:attr:`cuegraph.store.Store.snapshot_path`; the
service gets its executor from :meth:`cuegraph.store.Store.query_executor`). For stores
without snapshots (``memory:`` in tests, remote endpoints) a query runs in a thread:
the client still gets 503 at the time limit, but the thread runs on until the query ends
(documented limitation; a remote store applies its own timeout).
"""

from __future__ import annotations

import asyncio
import atexit
import os
from typing import Any

# anyio's worker threads: a query thread left running at the time limit does not hold up
# the event loop's shutdown, as asyncio.to_thread's default executor would
from starlette.concurrency import run_in_threadpool

from cuegraph.engine.inline import INLINE_ROWS, inline_shape
from cuegraph.engine.oxquery import QueryFailed, run_task
from cuegraph.engine.pool import Pool
from cuegraph.engine.snapshots import Lease, Snapshots
from cuegraph.engine.tasks import QueryTask, UpdateCheck
from cuegraph.errors import BadQuery, QueryTimeout, StoreError
from cuegraph.store import QueryOutput, Store

__all__ = ["QueryTask", "QueryExecutor", "executor_for"]


class QueryExecutor:
    """Runs :class:`QueryTask` s with an end-to-end time limit; see the module docstring."""

    def __init__(
        self,
        store: Store,
        timeout: float,
        workers: int | None = None,
        memory: int = 0,
        long_after: float = 0.25,
        max_long: int | None = None,
    ):
        self.store = store
        self.timeout = timeout
        path = store.snapshot_path
        self.isolated = path is not None
        self.pool: Pool | None = None
        self._lease: Lease | None = None  # our own snapshot, for queries answered inline
        self._opening: asyncio.Future | None = None
        self.answered_inline = 0  # queries answered in this process (see _inline)
        if self.isolated and path is not None:
            self.pool = Pool(
                path,
                size=workers or os.cpu_count() or 2,
                memory=memory,
                long_after=long_after,
                max_long=max_long,
            )
            atexit.register(self.close)

    async def generation(self) -> int:
        """The snapshot generation a query starting now must read (published if stale)."""
        store = self.store
        if store.snapshot_stale():
            return await run_in_threadpool(store.publish)
        return store.generation

    async def run(self, task: QueryTask, timeout: float | None = None) -> QueryOutput:
        """Answer ``task`` or raise :class:`QueryTimeout` once ``timeout`` seconds passed."""
        timeout = self.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self.pool is not None:
            store = self.store  # generation(), without a coroutine per query
            generation = (
                await run_in_threadpool(store.publish)
                if store.snapshot_stale()
                else store.generation
            )
            if (
                not task.default_graph_uris
                and not task.named_graph_uris
                and inline_shape(task.query)
            ):
                out = self._inline(task, generation)
                if out is not None:
                    return out
            reply = await self.pool.run(task, generation, deadline, timeout)
            return QueryOutput(*reply[1:])
        try:
            return await asyncio.wait_for(run_in_threadpool(task.run, self.store), timeout)
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran longer than the {timeout:g} s limit and was stopped",
                {"timeout_seconds": timeout},
            ) from None

    def _inline(self, task: QueryTask, generation: int) -> QueryOutput | None:
        """Answer a query of :func:`cuegraph.engine.inline.inline_shape` in this process on
        our own lease of snapshot ``generation``; ``None``: a worker must answer it (no
        lease of that generation yet, or more than :data:`INLINE_ROWS` rows)."""
        lease = self._lease
        if lease is None or lease.generation != generation:
            self._renew_lease(generation)
            return None
        rows = INLINE_ROWS if task.max_rows is None else min(task.max_rows, INLINE_ROWS)
        try:
            form, media, body, truncated = run_task(lease.store, task, rows)
        except QueryFailed as e:
            raise e.error() from None
        if truncated and rows != task.max_rows:
            return None  # more rows than we answer here: a worker streams them
        self.answered_inline += 1
        return QueryOutput(form, media, body, truncated)

    def _renew_lease(self, generation: int) -> None:
        """Open our lease of ``generation`` in the background (once at a time)."""
        if self.pool is None or self._opening is not None and not self._opening.done():
            return
        snapshots = Snapshots(self.pool.path)

        def open_lease() -> Lease | None:
            return snapshots.open(generation)

        async def renew() -> None:
            lease = await run_in_threadpool(open_lease)
            old, self._lease = self._lease, lease
            if old is not None:
                await run_in_threadpool(old.close)

        self._opening = asyncio.ensure_future(renew())

    async def check_update(self, update: str) -> None:
        """Raise :class:`BadQuery` if ``update`` does not parse or crashes the parser, tried
        first in a disposable worker (nothing is written); a no-op without workers."""
        if self.pool is None:
            return
        loop = asyncio.get_running_loop()
        timeout = max(self.timeout, 30.0)
        try:
            await self.pool.run(UpdateCheck(update), 0, loop.time() + timeout, timeout)
        except StoreError as e:  # the worker died: the parser crashed on this text
            raise BadQuery(
                "the update crashed the SPARQL parser (nested too deeply?); nothing was written",
                {"cause": e.message},
            ) from None

    async def start(self) -> None:
        """Start the worker processes (at application startup)."""
        if self.pool is not None:
            await self.pool.start()

    def close(self) -> None:
        """Stop the worker processes and drop our snapshot lease."""
        if self.pool is not None:
            self.pool.close()
        if self._lease is not None:
            self._lease.close()
            self._lease = None


def executor_for(app: Any) -> QueryExecutor:
    """The app's executor, from its store and settings, created on first use (one per app,
    kept in ``app.state``)."""
    executor = getattr(app.state, "sparql_executor", None)
    if executor is None:
        settings = app.state.settings
        executor = app.state.store.query_executor(
            settings.query_timeout,
            workers=settings.query_workers,
            memory=settings.query_memory,
            long_after=settings.query_long_after,
            max_long=settings.query_max_long,
        )
        app.state.sparql_executor = executor
    return executor
