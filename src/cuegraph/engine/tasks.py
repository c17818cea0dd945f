"""What a query worker is asked to do (kept free of heavy imports: workers start fast)."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def run(self, store):  # noqa: ANN001, ANN201 - a cuegraph Store, a QueryOutput
        """Run in this process on a :class:`cuegraph.store.Store` (threads, no workers)."""
        from cuegraph.store import OxigraphStore

        kwargs: dict = {
            "result_format": self.result_format, "graph_format": self.graph_format,
            "default_graph_uris": self.default_graph_uris or None,
            "named_graph_uris": self.named_graph_uris or None,
        }
        query = self.query
        if isinstance(store, OxigraphStore):
            kwargs["max_rows"] = self.max_rows
            kwargs["prefixes"] = self.prefixes
            kwargs["base_iri"] = self.base_iri
        elif self.prefixes:  # a remote store: declare them in the text
            query = _predeclare(query, self.prefixes)
        return store.query_serialized(query, **kwargs)


def _predeclare(query: str, prefixes: dict[str, str]) -> str:
    """``query`` with ``PREFIX`` declarations for ``prefixes`` it does not declare itself,
    written at the end of its prologue, and its ``BASE`` declarations folded into one at the
    start: Virtuoso refuses a ``BASE`` after a ``PREFIX`` or a second ``BASE`` (SP030),
    though SPARQL allows both; a later ``PREFIX`` would override the query's own."""
    from urllib.parse import urljoin

    from cuegraph.api.sparql_text import tokens

    declared: set[str] = set()
    bases: list[tuple[int, int, str]] = []  # (start, end, IRI) of each BASE declaration
    end = len(query)
    toks = tokens(query)
    for tok in toks:
        if tok.keyword == "BASE":
            ref = next(toks, None)
            if ref is not None:
                bases.append((tok.start, ref.start + len(ref.text), ref.text[1:-1]))
        elif tok.keyword == "PREFIX":
            name = next(toks, None)
            if name is not None:
                declared.add(name.text.rstrip(":"))
            next(toks, None)
        else:
            end = tok.start
            break
    decl = "".join(f"PREFIX {p}: <{i}> " for p, i in prefixes.items() if p not in declared)
    text = query[:end] + decl + query[end:]
    if len(bases) > 1:
        base = ""
        for start, stop, _iri in reversed(bases):  # later ones resolve against earlier ones
            text = text[:start] + " " * (stop - start) + text[stop:]
        for _start, _stop, ref_iri in bases:
            base = urljoin(base, ref_iri) if base else ref_iri
        text = f"BASE <{base}> " + text
    return text


@dataclass
class UpdateCheck:
    """Parse and run an update on an empty in-memory store in a worker, with a smaller stack
    than the server's threads: an update that would crash pyoxigraph's parser (stack
    overflow) kills a disposable worker (400) instead of the server. Nothing is written."""

    update: str
