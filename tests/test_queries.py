"""Every bundled .rq file parses and carries its comment header."""

from __future__ import annotations

import re

import pytest
from rdflib.plugins.sparql.parser import parseQuery

from cuegraph.errors import QueryNotFound
from cuegraph.harvest.queries import load_remote_query, remote_query_names
from cuegraph.queries import load_query, query_names

LOCAL = query_names()


def _fill(text: str) -> str:
    """Placeholders inside VALUES blocks take an IRI; elsewhere ``$x`` is a SPARQL variable."""
    text = re.sub(r"(VALUES\s+\?\w+\s*\{\s*)\$\w+", r"\1<urn:cuegraph:test>", text)
    text = re.sub(
        r"(VALUES\s+\(([^)]*)\)\s*\{\s*)\$\w+",
        lambda m: m.group(1) + "(" + " ".join("UNDEF" for _ in m.group(2).split()) + ")",
        text,
    )
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
