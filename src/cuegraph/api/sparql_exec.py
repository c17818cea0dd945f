"""Running /sparql queries under a time limit.

pyoxigraph cannot cancel a running query (upstream request oxigraph#1926), so a thread
cannot be stopped. For the embedded store on disk the endpoint therefore runs each query in
a **worker process** that opens the store read-only (``OxigraphStore(path, read_only=True)``,
reopened for every query, so it always sees the latest committed data); when the time limit
passes, the worker is killed and a new one takes its place. The request gets 503.

For stores without a path (``memory:`` in tests, remote endpoints) a query runs in a thread:
the client still gets 503 at the time limit, but the thread runs on until the query ends
(documented limitation; a remote store applies its own timeout).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from cuegraph import errors
from cuegraph.errors import CuegraphError, QueryTimeout, StoreError
from cuegraph.store import OxigraphStore, QueryOutput, Store

__all__ = ["QueryTask", "QueryExecutor", "executor_for"]

_START_TIMEOUT = 60.0


@dataclass
class QueryTask:
    """Everything a worker needs to answer one query."""

    query: str
    result_format: str = "json"
    graph_format: str = "turtle"
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    max_rows: int | None = None

    def run(self, store: Store) -> QueryOutput:
        kwargs: dict[str, Any] = {
            "result_format": self.result_format, "graph_format": self.graph_format,
            "default_graph_uris": self.default_graph_uris or None,
            "named_graph_uris": self.named_graph_uris or None,
        }
        if isinstance(store, OxigraphStore):
            kwargs["max_rows"] = self.max_rows
        return store.query_serialized(self.query, **kwargs)


def _worker_main(conn, path: str) -> None:
    """Worker process loop: answer tasks until the pipe closes."""
    conn.send(("ready",))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            store = OxigraphStore(path, read_only=True)
            try:
                out = task.run(store)
            finally:
                store.close()
            conn.send(("ok", out))
        except CuegraphError as e:
            conn.send(("error", type(e).__name__, e.message, e.detail))
        except Exception as e:  # noqa: BLE001 - reported to the parent as a store error
            conn.send(("error", "StoreError", f"query failed: {type(e).__name__}: {e}", None))


class _Worker:
    """One worker process (started on first use, replaced after a kill)."""

    def __init__(self, path: str):
        self.path = path
        self.proc: mp.process.BaseProcess | None = None
        self.conn = None

    def ensure_started(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            return
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child, self.path), daemon=True,
                           name="cuegraph-sparql-worker")
        proc.start()
        child.close()
        if not parent.poll(_START_TIMEOUT):
            proc.kill()
            raise StoreError("the SPARQL worker process did not start")
        parent.recv()
        self.proc, self.conn = proc, parent

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join(5)
        if self.conn is not None:
            self.conn.close()
        self.proc = self.conn = None


class QueryExecutor:
    """Runs :class:`QueryTask` s with a time limit; see the module docstring."""

    def __init__(self, store: Store, timeout: float, workers: int = 2):
        self.store = store
        self.timeout = timeout
        path = getattr(store, "path", None)
        self.isolated = isinstance(store, OxigraphStore) and path is not None
        self._idle: queue.Queue[_Worker] = queue.Queue()
        if self.isolated:
            for _ in range(workers):
                self._idle.put(_Worker(path))
        self._all = list(self._idle.queue)
        self._lock = threading.Lock()

    async def run(self, task: QueryTask) -> QueryOutput:
        """Answer ``task`` or raise :class:`QueryTimeout` after ``timeout`` seconds."""
        if self.isolated:
            return await run_in_threadpool(self._run_in_worker, task)
        try:
            return await asyncio.wait_for(run_in_threadpool(task.run, self.store),
                                          self.timeout)
        except TimeoutError:
            raise self._timeout_error() from None

    def _timeout_error(self) -> QueryTimeout:
        return QueryTimeout(
            f"the query ran longer than the {self.timeout:g} s limit and was stopped",
            {"timeout_seconds": self.timeout},
        )

    def _run_in_worker(self, task: QueryTask) -> QueryOutput:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(
                f"all query workers stayed busy for {self.timeout:g} s; try again later",
                {"timeout_seconds": self.timeout},
            ) from None
        try:
            worker.ensure_started()
            deadline = time.monotonic() + self.timeout
            worker.conn.send(task)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                worker.kill()
                raise self._timeout_error()
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            raise StoreError("the SPARQL worker process died while answering") from None
        finally:
            self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        _, name, message, detail = reply
        cls = getattr(errors, name, StoreError)
        if not (isinstance(cls, type) and issubclass(cls, CuegraphError)):
            cls = StoreError
        err = cls.__new__(cls)
        CuegraphError.__init__(err, message, detail)
        raise err

    def close(self) -> None:
        """Stop the worker processes."""
        for worker in self._all:
            worker.kill()


def executor_for(app: Any) -> QueryExecutor:
    """The app's executor, created on first use (one per app, stored in ``app.state``)."""
    executor = getattr(app.state, "sparql_executor", None)
    if executor is None:
        settings = app.state.settings
        executor = QueryExecutor(app.state.store, settings.query_timeout)
        app.state.sparql_executor = executor
    return executor
