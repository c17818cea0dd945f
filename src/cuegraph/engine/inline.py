"""Queries answered in the server process: one index range scan, a few rows.

A query worker (:mod:`cuegraph.engine.pool`) costs a pipe round trip: two process wake-ups
per query, which on a busy machine cost more than a cheap query itself (measured: an
``ASK {}`` took about twice as long through a worker as in the server process). A worker
is needed because pyoxigraph cannot stop a query (oxigraph#1926) and may use any memory.
Neither applies to the queries :func:`inline_shape` accepts, an allow-list of a tiny
sublanguage recognised in full:

* ``ASK {}`` and ``ASK { s p o }``: at most one index seek;
* ``SELECT (* | ?v …) { s p o } [LIMIT n]``: one index range scan,

after a prologue of ``BASE``/``PREFIX`` declarations, where each of ``s p o`` is an IRI, a
prefixed name, a variable (or ``a`` as the predicate) and no variable occurs twice (a
repeated variable would make the engine filter a scan: rows read without a row returned).
No literals, no backslash escapes, no ``FROM``, ``FILTER``, ``OPTIONAL``, ``DISTINCT``,
``ORDER BY``, ``OFFSET``, paths, functions: every row the scan reads is a row of the answer,
so the work is bounded by the rows returned. The executor reads at most
:data:`INLINE_ROWS` rows (plus one) of such a query on its own snapshot lease and hands the
query to a worker when there are more; anything else always goes to a worker.
"""

from __future__ import annotations

import re

from cuegraph.queries.form import IRI, SKIP

__all__ = ["inline_shape", "INLINE_ROWS"]

#: most rows answered in the server process; a query with more goes to a worker
INLINE_ROWS = 64

_S = SKIP  # white space or a comment (no strings in this sublanguage)
_IRI = IRI  # (no backslash escapes either: inline_shape refuses every backslash first)
_PREFIX = r"(?:[A-Za-z][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*)?:"
_LOCAL = r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_\-]|\.(?=[A-Za-z0-9_\-]))*)?"
_VAR = r"[?$][A-Za-z0-9_]+"
_TERM = rf"(?:{_VAR}|{_IRI}|{_PREFIX}{_LOCAL})"


def _triple(n: str) -> str:
    return (
        rf"(?P<s{n}>{_TERM}){_S}++(?P<p{n}>{_TERM}|(?-i:a)(?={_S})){_S}++"
        rf"(?P<o{n}>{_TERM}){_S}*+(?:\.{_S}*+)?"
    )


_PROLOGUE = rf"(?:{_S}|BASE{_S}*+{_IRI}|PREFIX{_S}*+{_PREFIX}{_S}*+{_IRI})*+"
_QUERY = re.compile(
    rf"{_PROLOGUE}(?:"
    rf"(?P<ask>ASK){_S}*+(?:WHERE{_S}*+)?\{{{_S}*+(?:{_triple('1')})?\}}{_S}*+"
    rf"|SELECT{_S}*+(?:\*|(?:{_VAR}{_S}*+)+){_S}*+(?:WHERE{_S}*+)?\{{{_S}*+{_triple('2')}\}}{_S}*+"
    rf"(?:LIMIT{_S}++[0-9]{{1,9}}{_S}*+)?"
    r")\Z",
    re.IGNORECASE,
)


def inline_shape(query: str) -> str | None:
    """``"ask"`` or ``"select"`` when ``query`` is in the sublanguage above, else ``None``.

    >>> inline_shape("BASE <http://x/>\\nPREFIX s: <http://schema.org/> "
    ...              "SELECT ?c WHERE { <http://w/1> s:musicBy ?c . }")
    'select'
    >>> inline_shape("ASK {}"), inline_shape("ASK { ?s a ?o }")
    ('ask', 'ask')
    >>> inline_shape("SELECT * { ?s ?p ?s }") is None  # a repeated variable: a filtered scan
    True
    >>> inline_shape('SELECT * { ?s ?p "x" }') is None  # literals are left to workers
    True
    """
    if "\\" in query or len(query) > 8192:
        return None
    m = _QUERY.match(query)
    if m is None:
        return None
    terms = [m.group(k + n) for k in "spo" for n in "12"]
    names = [t[1:] for t in terms if t and t[0] in "?$"]
    if len(names) != len(set(names)):
        return None
    return "ask" if m.group("ask") else "select"
