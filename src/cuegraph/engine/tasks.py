"""What a query worker is asked to do (kept free of heavy imports: workers start fast)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cuegraph.store import QueryOutput, Store

__all__ = ["QueryTask", "UpdateCheck"]


@dataclass
class QueryTask:
    """Everything a worker needs to answer one query.

    ``prefixes`` are predeclared for the parser (pyoxigraph's ``prefixes=``, so positions
    in syntax errors stay those of the user's text); ``base_iri`` resolves relative IRIs.
    """

    query: str
    result_format: str = "json"
    graph_format: str = "turtle"
    default_graph_uris: list[str] = field(default_factory=list)
    named_graph_uris: list[str] = field(default_factory=list)
    max_rows: int | None = None
    prefixes: dict[str, str] | None = None
    base_iri: str | None = None

    def run(self, store: Store) -> QueryOutput:
        """Run in this process on a :class:`cuegraph.store.Store` (threads, no workers)."""
        return store.query_serialized(
            self.query,
            result_format=self.result_format,
            graph_format=self.graph_format,
            default_graph_uris=self.default_graph_uris or None,
            named_graph_uris=self.named_graph_uris or None,
            max_rows=self.max_rows,
            prefixes=self.prefixes,
            base_iri=self.base_iri,
        )


@dataclass
class UpdateCheck:
    """Parse and run an update on an empty in-memory store in a worker, with a smaller stack
    than the server's threads: an update that would crash pyoxigraph's parser (stack
    overflow) kills a disposable worker (400) instead of the server. Nothing is written."""

    update: str
