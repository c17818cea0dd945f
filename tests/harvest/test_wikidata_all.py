"""`harvest wikidata --all`: the dump importer's subset through the query service, paged,
through the same guarded client (issue #14)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from harvest_support import client as _client
from harvest_support import serve, wdqs_handler

from cuegraph.errors import UpstreamError
from cuegraph.harvest import wikidata
from cuegraph.records import Credit, Person, Work


def test_all_pages_the_class_query_and_keeps_works_only(server):
    serve(server, wikidata=wdqs_handler())
    client = _client()
    h = wikidata.harvest_all(client, server.url_for("/sparql"), page_size=3)
    queries = [parse_qs(urlsplit(req.url).query)["query"][0] for req, _ in server.log]
    assert [re.search(r"LIMIT (\d+) OFFSET (\d+)", q).groups() for q in queries] == [
        ("3", "0"),
        ("3", "3"),
        ("3", "6"),
    ]  # the stand-in's 8 rows: 3 + 3 + 2
    for q in queries:  # the classes the dump importer keeps, and only the credit properties
        assert "wd:Q63952888" in q and "wd:Q7889" in q and "wd:Q220898" in q
        assert "wdt:P86 wdt:P676 wdt:P175 }" in q and "$" not in q
    assert (h.source, h.key, h.license) == ("wikidata", "all", "cc0")
    # the stand-in answers every query with the same rows, songs and an album included;
    # only works, their credits and the people those credits name are kept
    assert {w.key for w in h.records if isinstance(w, Work)} == {
        "wikidata/Q900101",
        "wikidata/Q900103",
    }
    assert {(c.agent, c.role, c.target) for c in h.records if isinstance(c, Credit)} == {
        ("wikidata/Q900001", "score_composer", "wikidata/Q900101"),
        ("wikidata/Q900001", "score_composer", "wikidata/Q900103"),
    }
    assert {p.key for p in h.records if isinstance(p, Person)} == {"wikidata/Q900001"}
    assert client.requests_made == 3


def test_too_many_pages_is_an_error_not_a_partial_graph(server, monkeypatch):
    serve(server, wikidata=wdqs_handler())
    monkeypatch.setattr(wikidata, "ALL_MAX_PAGES", 2)
    with pytest.raises(UpstreamError, match="more than 2 pages"):
        wikidata.harvest_all(_client(), server.url_for("/sparql"), page_size=3)


def test_all_goes_through_the_guarded_client(server):
    """A guard of the shared client (here: the size cap) stops --all like any harvest."""
    serve(server, wikidata=wdqs_handler())
    client = _client(max_bytes=200)
    with pytest.raises(UpstreamError):
        wikidata.harvest_all(client, server.url_for("/sparql"), page_size=3)
