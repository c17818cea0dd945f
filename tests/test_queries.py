"""Every bundled .rq (query) and .ru (update) file parses and carries its comment header."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql.parser import parseQuery

from cuegraph.errors import QueryNotFound
from cuegraph.harvest.queries import load_remote_query, remote_query_names
from cuegraph.queries import (
    iri,
    load_query,
    load_update,
    query_names,
    read_rq,
    render_update,
    substitute,
    update_names,
)

LOCAL = query_names()


def _fill(text: str) -> str:
    """Placeholders inside VALUES blocks take an IRI; elsewhere ``$x`` is a SPARQL variable."""
    text = re.sub(r"(VALUES\s+\?\w+\s*\{\s*)\$\w+", r"\1<urn:cuegraph:test>", text)
    text = re.sub(
        r"(VALUES\s+\(([^)]*)\)\s*\{\s*)\$\w+",
        lambda m: m.group(1) + "(" + " ".join("UNDEF" for _ in m.group(2).split()) + ")",
        text,
    )
    text = re.sub(r"\$filter\b", "FILTER(?g != <urn:cuegraph:test>)", text)  # a FILTER or empty
    return re.sub(r"(LIMIT|OFFSET)\s+\$\w+", r"\1 10", text)


REMOTE = remote_query_names()


def test_there_are_queries():
    assert "counts" in LOCAL and REMOTE


@pytest.mark.parametrize("name", LOCAL)
def test_local_query_parses_and_has_header(name):
    text = load_query(name)
    parseQuery(_fill(text))
    assert "# title:" in text and "# description:" in text


@pytest.mark.parametrize("name", REMOTE)
def test_remote_query_parses_and_has_header(name):
    text = load_remote_query(name)
    parseQuery(_fill(text))
    assert "# title:" in text and "# description:" in text


def test_unknown_query_name_raises():
    with pytest.raises(QueryNotFound):
        load_query("no_such_query")
    with pytest.raises(QueryNotFound):
        load_query("../etc/passwd")


UPDATES = update_names()


def test_there_are_updates():
    assert "provenance_replace" in UPDATES


@pytest.mark.parametrize("name", UPDATES)
def test_update_template_parses_as_an_update_and_has_header(name):
    text = read_rq("cuegraph.queries", name, "ru")
    assert "# title:" in text and "# description:" in text
    template = load_update(name)
    assert not any(line.startswith("#") for line in template.splitlines())
    # IRIs for IRI placeholders, a string for the others; Oxigraph parses (and runs) it
    filled = re.sub(r"\$body\b", "<urn:t:s> <urn:t:p> <urn:t:o> .", template)
    filled = re.sub(r"\$(\w+_prefix)\b", '"urn:t:x#"', filled)
    filled = re.sub(r"\$\w+", "<urn:cuegraph:test>", filled)
    store = ox.Store()
    store.update(filled)
    assert len(store) == (1 if "$body" in template else 0)
    with pytest.raises(SyntaxError):
        store.update(filled.replace("GRAPH", "GRAF", 1))


def test_a_dollar_inside_a_value_is_never_a_placeholder():
    """Placeholders are filled in one pass: a graph IRI ending ``$body`` or ``$staging`` (legal
    in an IRI) keeps its text, and a body holding ``"$graph"`` keeps that literal."""
    assert substitute("$a $b", a="$b", b="x") == "$b x"
    graph = "http://x/$staging"
    swap = render_update("graph_swap", graph=iri(graph), staging=iri(graph + "#staging"))
    assert "<http://x/$staging>" in swap and "<http://x/<" not in swap
    body = '<urn:t:s> <urn:t:p> "$graph $body" .'
    store = ox.Store()
    store.update(render_update("graph_insert", graph=iri("http://x/$body"), body=body))
    [quad] = list(store)
    assert quad.graph_name.value == "http://x/$body"
    assert quad.object.value == "$graph $body"


_UPDATE_TEXT = re.compile(
    r"\s*(DROP|ADD|MOVE|COPY|CLEAR|CREATE|LOAD|INSERT|DELETE)\s+(SILENT\s+)?"
    r"(GRAPH|DATA|WHERE|ALL|NAMED|DEFAULT|\{|<)"
)


def test_store_holds_no_query_text():
    """The store's own queries are bundled ``.rq`` files too: no string in ``store.py``
    starts a SELECT, CONSTRUCT or DESCRIBE (``ASK {}``, the protocol probe, aside)."""
    import ast
    from pathlib import Path

    import cuegraph.store

    tree = ast.parse(Path(cuegraph.store.__file__).read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    found = [t for t in texts if re.match(r"\s*(SELECT|CONSTRUCT|DESCRIBE)\b", t)]
    assert found == []


def test_store_holds_no_update_text():
    """The store's updates (drop, swap, insert) are the bundled ``.ru`` templates: no string
    in ``store.py``, nor any piece of an f-string, starts a SPARQL Update operation."""
    import ast
    from pathlib import Path

    import cuegraph.store

    tree = ast.parse(Path(cuegraph.store.__file__).read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not [t for t in texts if _UPDATE_TEXT.match(t)]
    for name in ("graph_drop", "graph_swap", "graph_insert"):
        assert _UPDATE_TEXT.match(load_update(name)), name
