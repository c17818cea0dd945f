"""Reading what an export draws from the store: seeds and RDF slices, in few queries.

The whole credit graph comes from one CONSTRUCT (``export_graph.rq``); a user's slice comes
from their own CONSTRUCT; a person or work named on the command line is found with one
SELECT (``export_find.rq``, matched with :mod:`cuegraph.names`). A neighbourhood in the
credits view grows one level per SELECT (``export_neighbours.rq``, the whole frontier at
once) and is then read with one CONSTRUCT (``export_slice.rq``); for the other views the
neighbourhood is cut from the whole graph in memory. Never one query per node.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from cuegraph.errors import BadInput, BadQuery, PersonNotFound, WorkNotFound
from cuegraph.export.triples import TripleIndex, parse_ntriples
from cuegraph.graph.iris import Minter, slug
from cuegraph.names import fold, name_keys, title_aliases, title_keys
from cuegraph.queries import iri, load_query, render
from cuegraph.queries.form import query_keyword as query_form
from cuegraph.store import Store

__all__ = [
    "find_seed",
    "fetch_graph",
    "fetch_neighbourhood",
    "fetch_construct",
    "read_sparql",
    "query_form",
]

_KINDS = {
    "composer": ("cg:Agent", PersonNotFound, "person"),
    "work": ("cg:Work", WorkNotFound, "work"),
}


def find_seed(store: Store, minter: Minter, kind: str, text: str) -> str:
    """The IRI of the person (``kind="composer"``) or work named by ``text``.

    ``text`` may be an id (``yuki-kajiura``), an IRI, a name or title, a native name or an
    alias, matched by the one name matcher (:mod:`cuegraph.names`): folded equality first,
    else a shared match key (word order, macrons, long vowels, punctuation).

    Raises:
        PersonNotFound / WorkNotFound: nothing matches.
        BadInput: several things match.
    """
    cls, not_found, noun = _KINDS[kind]
    text = text.strip()
    if not text:
        raise BadInput(f"empty --{kind}")
    mint = minter.person if kind == "composer" else minter.work
    iris = {str(mint(text)), str(mint(slug(text)))}
    if re.match(r"(?i)^(https?|urn):", text):
        iris.add(text)
    rows = store.select(render("export_find", **{"class": cls}))
    names: dict[str, str] = {}
    texts: dict[str, set[str]] = {}
    for r in rows:
        names.setdefault(r["x"], r.get("name") or r["x"])
        texts.setdefault(r["x"], set())
        if r.get("text"):
            texts[r["x"]].add(str(r["text"]))
    exact = sorted(x for x in texts if x in iris)
    if len(exact) == 1:
        return exact[0]
    found = exact or _named(text, texts, kind)
    if not found:
        raise not_found(
            f"no {noun} matches {text!r} (try an id like "
            f"{'yuki-kajiura' if kind == 'composer' else 'madoka-magica'}, "
            "an IRI, a name or a native name)"
        )
    if len(found) > 1:
        listed = "; ".join(f"{names[f]} <{f}>" for f in found[:5])
        raise BadInput(
            f"{text!r} matches {len(found)} {noun}s: {listed}; pass an id or IRI",
            {"matches": found},
        )
    return found[0]


def _named(text: str, texts: dict[str, set[str]], kind: str) -> list[str]:
    """Nodes one of whose texts equals ``text`` once folded, else shares a match key with it
    (the one name matcher, :mod:`cuegraph.names`)."""
    folded = fold(text)
    same = sorted(x for x, ts in texts.items() if any(fold(t) == folded for t in ts))
    if same:
        return same
    if kind == "composer":
        wanted = name_keys(text)
        return sorted(x for x, ts in texts.items() if any(wanted & name_keys(t) for t in ts))
    wanted = title_keys(text)
    return sorted(
        x for x, ts in texts.items() if any(wanted & title_keys(t) for t in (*ts, *_aliases(ts)))
    )


def _aliases(titles: set[str]) -> list[str]:
    return [a for t in sorted(titles) for a in title_aliases(t)]


def _construct(store: Store, query: str) -> TripleIndex | Graph:
    """Run one of our CONSTRUCT queries, read as N-Triples into a :class:`TripleIndex` (fast,
    small); a store whose N-Triples the index cannot read falls back to an rdflib ``Graph``."""
    out = store.query_serialized(query, graph_format="ntriples")
    if out.form == "graph":
        try:
            return parse_ntriples(out.body)
        except (BadInput, UnicodeDecodeError):
            pass
    return store.construct(query)


def fetch_graph(store: Store) -> TripleIndex | Graph:
    """The credit graph: everything the views draw, in one CONSTRUCT."""
    return _construct(store, load_query("export_graph"))


def _terms(iris: list[str]) -> list[str]:
    """SPARQL IRI terms for ``iris``, skipping what SPARQL cannot write (blank nodes, IRIs
    with forbidden characters): those cannot be matched or expanded."""
    terms = []
    for value in iris:
        try:
            terms.append(iri(value))
        except ValueError:
            continue
    return terms


def fetch_neighbourhood(store: Store, seeds: list[str], depth: int) -> TripleIndex | Graph:
    """The credit-graph RDF about everything within ``depth`` steps of ``seeds`` in the credits
    view: one SELECT per level (``export_neighbours.rq``, the whole frontier at once), then
    one CONSTRUCT (``export_slice.rq``). At most ``depth + 1`` queries.

    The result also holds edges to nodes one step further out; cutting the view at ``depth``
    (:func:`cuegraph.export.views.neighbourhood`) leaves exactly the neighbourhood.
    """
    seen = dict.fromkeys(seeds)
    frontier = list(seeds)
    for _level in range(depth):
        terms = _terms(frontier)
        if not terms:
            break
        rows = store.select(render("export_neighbours", nodes=" ".join(terms)))
        frontier = [r["n"] for r in rows if "n" in r and r["n"] not in seen]
        seen.update(dict.fromkeys(frontier))
    return _construct(store, render("export_slice", nodes=" ".join(_terms(list(seen)))))


def read_sparql(source: str) -> str:
    """A query from a file path (``.rq``) or given as text.

    Raises:
        BadInput: neither a file nor query text.
    """
    try:
        if Path(source).is_file():
            return Path(source).read_text(encoding="utf-8")
    except (OSError, ValueError):  # not a usable path (too long, NUL): query text
        pass
    if "{" in source or query_form(source) in ("CONSTRUCT", "SELECT", "ASK", "DESCRIBE"):
        return source
    raise BadInput(f"no such query file: {source}")


def construct_text(query: str) -> str:
    """A user's CONSTRUCT query with cuegraph's prefixes predeclared.

    Raises:
        BadQuery: not a CONSTRUCT query.
    """
    from cuegraph.namespaces import sparql_prefixes

    form = query_form(query)
    if form != "CONSTRUCT":
        raise BadQuery(
            f"an export query must be a CONSTRUCT query (got {form or 'nothing'}): "
            "it describes the slice of the graph to draw"
        )
    return sparql_prefixes() + query


def user_query_error(e: BadQuery) -> BadQuery:
    """One line, with parser positions counted in the user's query (not our PREFIX block)."""
    from cuegraph.namespaces import sparql_prefixes

    shift = sparql_prefixes().count("\n")
    first = re.sub(
        r"error at (\d+):(\d+)",
        lambda m: f"error at line {int(m.group(1)) - shift}, column {m.group(2)}",
        e.message.splitlines()[0] if e.message else "bad query",
    )
    if len(first) > 240:
        first = first[:240] + " …"
    return BadQuery(first, e.detail)


def fetch_construct(store: Store, query: str) -> Graph:
    """Run a user's CONSTRUCT query (cuegraph prefixes predeclared).

    Raises:
        BadQuery: not a CONSTRUCT query, or it does not parse.
    """
    text = construct_text(query)
    try:
        return store.construct(text)
    except BadQuery as e:
        raise user_query_error(e) from None
