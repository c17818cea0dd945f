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
import atexit
import queue
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from cuegraph import errors
from cuegraph.api.sparql_worker import read_frame, write_frame
from cuegraph.errors import CuegraphError, QueryTimeout, StoreError
from cuegraph.store import OxigraphStore, QueryOutput, Store

__all__ = ["QueryTask", "QueryExecutor", "executor_for"]

_START_TIMEOUT = 60.0
_WORKER_MAIN = "import sys; from cuegraph.api.sparql_worker import main; sys.exit(main())"


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


class _Worker:
    """One worker process (started on first use, replaced after a kill)."""

    def __init__(self, path: str):
        self.path = path
        self.proc: subprocess.Popen | None = None

    def ensure_started(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, self.path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
        )
        try:
            read_frame(self.proc.stdout.fileno(), _START_TIMEOUT)
        except (TimeoutError, EOFError):
            self.kill()
            raise StoreError("the SPARQL worker process did not start") from None

    def ask(self, task: QueryTask, timeout: float) -> tuple:
        """Send ``task``; the reply, or ``TimeoutError`` after ``timeout`` seconds."""
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        write_frame(self.proc.stdin.fileno(), task)
        return read_frame(self.proc.stdout.fileno(), timeout)

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()
        self.proc = None


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
        if self._all:
            atexit.register(self.close)

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
            reply = worker.ask(task, self.timeout)
        except TimeoutError:
            worker.kill()
            raise self._timeout_error() from None
        except (EOFError, OSError):
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
