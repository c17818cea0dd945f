"""Running one query on a pyoxigraph store and serialising the answer.

Shared by :class:`cuegraph.store.OxigraphStore` and the query workers; it imports only
pyoxigraph so a worker process starts in a fraction of a second.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pyoxigraph as ox

from cuegraph.engine.formats import GRAPH_FORMATS, OX_RDF, OX_RESULTS, RESULT_FORMATS

__all__ = ["execute", "serialize", "limited", "run_task", "QueryFailed"]


class QueryFailed(Exception):
    """``kind`` is ``syntax`` (the parser refused the text), ``bad`` (another client error)
    or ``store`` (the store failed)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message

    def error(self) -> Exception:
        """The service's error for it: :class:`~cuegraph.errors.StoreError` when the store
        failed, else :class:`~cuegraph.errors.BadQuery` (raise it ``from None``)."""
        from cuegraph.errors import BadQuery, StoreError

        return (StoreError if self.kind == "store" else BadQuery)(self.message)


def run_task(store: ox.Store, task: Any, max_rows: int | None) -> tuple[str, str, bytes, bool]:
    """:func:`execute` a :class:`~cuegraph.engine.tasks.QueryTask` and :func:`serialize` its
    answer (at most ``max_rows`` rows): what a query worker and the server's inline path do."""
    result = execute(
        store,
        task.query,
        task.default_graph_uris or None,
        task.named_graph_uris or None,
        task.prefixes,
        task.base_iri,
    )
    return serialize(result, task.result_format, task.graph_format, max_rows)


def execute(
    store: ox.Store,
    query: str,
    default_graph_uris=None,
    named_graph_uris=None,
    prefixes: dict[str, str] | None = None,
    base_iri: str | None = None,
) -> Any:
    """``store.query`` with cuegraph's dataset rules (the union of all graphs by default)."""
    kwargs: dict[str, Any] = {}
    if default_graph_uris:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graph_uris:
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
    if prefixes:
        kwargs["prefixes"] = prefixes
    if base_iri:
        kwargs["base_iri"] = base_iri
    try:
        return store.query(query, **kwargs)
    except SyntaxError as e:
        raise QueryFailed("syntax", _syntax_message(str(e), query)) from None
    except ValueError as e:
        raise QueryFailed("bad", f"bad SPARQL query: {e}") from None
    except OSError as e:
        raise QueryFailed("store", f"store read failed: {e}") from None
    except RuntimeError as e:  # evaluation refused, e.g. an unsupported custom function
        raise QueryFailed("bad", f"the query cannot be evaluated: {e}") from None


def _syntax_message(text: str, query: str) -> str:
    """The parser's message; an unknown prefix in one line instead of its token list."""
    m = re.match(r"error at (\d+):(\d+)", text)
    if m and "Prefix not found" in text:
        line, col = int(m.group(1)), int(m.group(2))
        lines = query.split("\n")
        if 0 < line <= len(lines):
            before = lines[line - 1][: max(col - 1, 0)]
            name = re.search(r"([A-Za-z][\w.\-]*)?:$", before) or re.search(
                r"([A-Za-z][\w.\-]*)?:[^:\s]*$", before
            )
            if name:
                return (
                    f"SPARQL syntax error at {line}:{col}: unknown prefix "
                    f"{name.group(1) or ''}: (declare it with PREFIX)"
                )
        return f"SPARQL syntax error at {line}:{col}: unknown prefix (declare it with PREFIX)"
    return f"SPARQL syntax error: {text}"


def serialize(
    result: Any,
    result_format: str = "json",
    graph_format: str = "turtle",
    max_rows: int | None = None,
) -> tuple[str, str, bytes, bool]:
    """``(form, media type, body, truncated)`` of a pyoxigraph query result."""
    if max_rows is not None and not isinstance(result, ox.QueryBoolean):
        return limited(result, result_format, graph_format, max_rows)
    if isinstance(result, ox.QueryTriples):
        body = result.serialize(format=OX_RDF[graph_format]) or b""
        return "graph", GRAPH_FORMATS[graph_format], body, False
    form = "ask" if isinstance(result, ox.QueryBoolean) else "select"
    body = result.serialize(format=OX_RESULTS[result_format]) or b""
    return form, RESULT_FORMATS[result_format], body, False


def limited(
    result: Any, result_format: str, graph_format: str, max_rows: int
) -> tuple[str, str, bytes, bool]:
    """Serialise at most ``max_rows`` solutions/triples; evaluation stops after one more."""
    rows = list(itertools.islice(result, max_rows + 1))
    truncated = len(rows) > max_rows
    rows = rows[:max_rows]
    if isinstance(result, ox.QueryTriples):
        body = ox.serialize(rows, format=OX_RDF[graph_format]) or b""
        return "graph", GRAPH_FORMATS[graph_format], body, truncated
    # rebuild the kept solutions through TSV (terms in their N-Triples form), then let
    # pyoxigraph write the requested format
    lines = ["\t".join(str(v) for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in sol) for sol in rows]
    kept = ox.parse_query_results(
        ("\n".join(lines) + "\n").encode("utf-8"), format=ox.QueryResultsFormat.TSV
    )
    body = kept.serialize(format=OX_RESULTS[result_format]) or b""
    return "select", RESULT_FORMATS[result_format], body, truncated
