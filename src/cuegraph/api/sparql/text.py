"""Reading SPARQL text without running it: a tokenizer that skips strings, comments and IRIs.

It finds conveniences the endpoint needs before the store sees a request: the query form
(for content negotiation), the query's ``FROM`` graphs, and where the protocol's
``using-graph-uri`` / ``using-named-graph-uri`` parameters go in an update. What is
*refused* (``SERVICE``, ``LOAD``, too deep or too large) is decided by a real parse in
:mod:`cuegraph.api.sparql.check`, never by these tokens; :func:`refuse_remote_access` is
its entry point here.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from cuegraph.api.sparql.check import FAST_CHARS, MAX_NESTING, check_sparql
from cuegraph.errors import BadQuery
from cuegraph.queries.form import Token, query_form, tokens

__all__ = [
    "Token",
    "tokens",
    "query_form",
    "query_dataset",
    "refuse_remote_access",
    "refuse_remote_access_async",
    "add_using_clauses",
    "with_base",
    "shift_error_lines",
    "MAX_NESTING",
]


def query_dataset(query: str, base: str) -> tuple[list[str], list[str]]:
    """The ``FROM`` and ``FROM NAMED`` graph IRIs of a query (prefixed names expanded).

    Raises:
        BadQuery: a ``FROM`` names a prefix the query does not declare.
    """
    if query.isascii() and "from" not in query.lower():
        return [], []  # no FROM keyword can be written without these letters
    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    toks = [t for t in tokens(query) if t.depth == 0]
    for i, tok in enumerate(toks):
        if tok.keyword == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = urljoin(base, toks[i + 1].text[1:-1])
        elif (
            tok.keyword == "PREFIX"
            and i + 2 < len(toks)
            and toks[i + 1].kind == "pname"
            and toks[i + 2].kind == "iri"
        ):
            prefixes[toks[i + 1].text[:-1]] = urljoin(base, toks[i + 2].text[1:-1])
        elif tok.keyword == "FROM" and i + 1 < len(toks):
            target, nxt = default, toks[i + 1]
            if nxt.keyword == "NAMED" and i + 2 < len(toks):
                target, nxt = named, toks[i + 2]
            if nxt.kind == "iri":
                target.append(urljoin(base, nxt.text[1:-1]))
            elif nxt.kind == "pname":
                prefix, _, local = nxt.text.partition(":")
                if prefix not in prefixes:
                    raise BadQuery(f"FROM uses the undeclared prefix {prefix}:")
                target.append(prefixes[prefix] + local)
    return default, named


def refuse_remote_access(text: str, *, update: bool = False, allow_drop_all: bool = False) -> None:
    """Refuse SPARQL that would make the server fetch a URL the client chose (``SERVICE``;
    ``LOAD`` in an update) or that nests or chains deeper than the engine survives.

    The decision comes from a real parse (:func:`cuegraph.api.sparql.check.check_sparql`),
    not from this module's tokenizer.

    Raises:
        BadQuery: naming what was refused, or where the text could not be parsed.
    """
    check_sparql(text, update=update, allow_drop_all=allow_drop_all)


async def refuse_remote_access_async(
    text: str, *, update: bool = False, allow_drop_all: bool = False
) -> None:
    """:func:`refuse_remote_access` for request handlers: a long text is parsed in a worker
    thread (a megabyte takes a second or so), so the event loop keeps serving others."""
    if len(text) <= FAST_CHARS:
        refuse_remote_access(text, update=update, allow_drop_all=allow_drop_all)
        return
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(
        lambda: refuse_remote_access(text, update=update, allow_drop_all=allow_drop_all)
    )


def add_using_clauses(update: str, using: list[str], using_named: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri``/``using-named-graph-uri`` to an update.

    Each ``DELETE``/``INSERT … WHERE`` operation gets ``USING <g>`` / ``USING NAMED <g>``
    clauses before its top-level ``WHERE`` (``DELETE WHERE`` shorthand cannot take them).

    Raises:
        BadQuery: the update already has ``USING`` or ``WITH`` (the protocol forbids both).
    """
    if not using and not using_named:
        return update
    toks = list(tokens(update))
    for tok in toks:
        if tok.depth == 0 and tok.keyword in ("USING", "WITH"):
            raise BadQuery(
                f"the update has a {tok.keyword} clause and the request has "
                "using-graph-uri/using-named-graph-uri: use one or the other",
            )
    clause = "".join(f"USING <{_iri(g)}> " for g in using)
    clause += "".join(f"USING NAMED <{_iri(g)}> " for g in using_named)
    inserts = []
    for prev, tok in zip([None, *toks], toks, strict=False):
        if tok.depth == 0 and tok.keyword == "WHERE":
            if prev is not None and prev.keyword == "DELETE":
                continue  # DELETE WHERE { … }: no dataset clause allowed
            inserts.append(tok.start)
    for pos in reversed(inserts):
        update = update[:pos] + clause + update[pos:]
    return update


def _iri(value: str) -> str:
    if not value or re.search(r"[<>\"{}|^`\\\x00-\x20]", value):
        raise BadQuery(f"not an IRI: {value!r}")
    return value


def with_base(text: str, base: str) -> str:
    """Prefix ``BASE <base>`` (relative IRIs resolve against the endpoint, per the protocol).

    A ``BASE`` in the text itself still wins, as it comes later. The prefix has its own line,
    so parser messages are one line off; :func:`shift_error_lines` puts that right.
    """
    return f"BASE <{_iri(base)}>\n{text}"


_AT = re.compile(r"\b(at|line) (\d+)(:\d+)?")


def shift_error_lines(message: str) -> str:
    """Undo :func:`with_base`'s extra line in a parser message ("error at 2:5" → "1:5")."""
    return _AT.sub(
        lambda m: f"{m.group(1)} {max(int(m.group(2)) - 1, 1)}{m.group(3) or ''}", message
    )
