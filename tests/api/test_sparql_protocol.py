"""SPARQL 1.1 Protocol conformance of /sparql (read-only part), plus negotiation and errors.

Tests named ``test_<case>`` replay the W3C protocol case of that name (w3c/rdf-tests
``sparql/sparql11/protocol/manifest.ttl``) — same method, parameters, headers and body; the
path ``/sparql/`` is ours, ``/sparql``. Where a case's query would also pass without honouring
the dataset parameters (our default graph is the union of all graphs), a negative control
is added so the test can fail.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from rdflib import Graph, URIRef
from w3c.protocol import (
    CASES,
    FOAF_DOCUMENT,
    KASEI,
    assert_4xx_json,
    assert_rdf,
    assert_tabular,
    load_kasei_graphs,
    response_boolean,
)

from cuegraph.config import Settings
from cuegraph.store import open_store

D0, D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in range(4))
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}


def q(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture(scope="module")
def store():
    s = open_store("memory:")
    load_kasei_graphs(s)
    return s


pytestmark = pytest.mark.client(store="store", settings=Settings(store="memory:"))


# --- W3C protocol cases: queries ----------------------------------------------------------


def test_query_post_form(client):
    resp = client.post(
        f"/sparql?default-graph-uri={q(D0)}", content="query=ASK%20%7B%7D", headers=FORM
    )
    assert response_boolean(resp) is True


def test_query_get(client):
    resp = client.get(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q(D0)}")
    assert response_boolean(resp) is True


def test_query_post_direct(client):
    assert response_boolean(client.post("/sparql", content="ASK {}", headers=DIRECT)) is True


ASK_BOTH_DEFAULT = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"


def test_query_dataset_default_graphs_get(client):
    resp = client.get(
        f"/sparql?query={q(ASK_BOTH_DEFAULT)}&default-graph-uri={q(D1)}&default-graph-uri={q(D2)}"
    )
    assert response_boolean(resp) is True
    # control: with only data1 as default graph, data2's triple is not visible
    only1 = client.get(f"/sparql?query={q(ASK_BOTH_DEFAULT)}&default-graph-uri={q(D1)}")
    assert response_boolean(only1) is False


def test_query_dataset_default_graphs_post(client):
    resp = client.post(
        f"/sparql?default-graph-uri={q(D1)}&default-graph-uri={q(D2)}",
        content=ASK_BOTH_DEFAULT,
        headers=DIRECT,
    )
    assert response_boolean(resp) is True
    only3 = client.post(
        f"/sparql?default-graph-uri={q(D3)}", content=ASK_BOTH_DEFAULT, headers=DIRECT
    )
    assert response_boolean(only3) is False


def test_query_dataset_named_graphs_post(client):
    resp = client.post(
        f"/sparql?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}",
        content=ASK_BOTH_NAMED,
        headers=DIRECT,
    )
    assert response_boolean(resp) is True
    only1 = client.post(f"/sparql?named-graph-uri={q(D1)}", content=ASK_BOTH_NAMED, headers=DIRECT)
    assert response_boolean(only1) is False


def test_query_dataset_named_graphs_get(client):
    resp = client.get(
        f"/sparql?query={q(ASK_BOTH_NAMED)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}"
    )
    assert response_boolean(resp) is True
    only2 = client.get(f"/sparql?query={q(ASK_BOTH_NAMED)}&named-graph-uri={q(D2)}")
    assert response_boolean(only2) is False


ASK_FULL = f"""ASK {{
  <{D3}> a ?type
  GRAPH ?g1 {{ <{D1}> a ?type }}
  GRAPH ?g2 {{ <{D2}> a ?type }}
}}"""


def test_query_dataset_full(client):
    url = f"/sparql?default-graph-uri={q(D3)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}"
    assert response_boolean(client.post(url, content=ASK_FULL, headers=DIRECT)) is True
    # control: data3 as a named graph only leaves the default graph empty
    url = f"/sparql?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}&named-graph-uri={q(D3)}"
    assert response_boolean(client.post(url, content=ASK_FULL, headers=DIRECT)) is False


ASK_MULTIPLE = (
    f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
)


def test_query_multiple_dataset(client):
    """The protocol dataset wins over FROM in the query.

    The manifest's URL percent-encodes the ``&`` between the two parameters
    (``…data1.rdf%26named-graph-uri%3D…``), which makes it one parameter whose value is two
    IRIs glued together; we send the two ``named-graph-uri`` parameters it clearly means.
    """
    url = f"/sparql?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}"
    assert response_boolean(client.post(url, content=ASK_MULTIPLE, headers=DIRECT)) is True
    # control: the query's own dataset (FROM data3, no named graphs) gives false
    assert response_boolean(client.post("/sparql", content=ASK_MULTIPLE, headers=DIRECT)) is False


def test_query_content_type_select(client):
    resp = client.post(
        f"/sparql?default-graph-uri={q(D0)}", content="SELECT (1 AS ?value) {}", headers=DIRECT
    )
    assert assert_tabular(resp) == "application/sparql-results+json"
    assert resp.json()["results"]["bindings"][0]["value"]["value"] == "1"


def test_query_content_type_ask(client):
    resp = client.post(f"/sparql?default-graph-uri={q(D0)}", content="ASK {}", headers=DIRECT)
    assert response_boolean(resp) is True


def test_query_content_type_describe(client):
    resp = client.post(
        f"/sparql?default-graph-uri={q(D0)}",
        content="DESCRIBE <http://example.org/>",
        headers=DIRECT,
    )
    assert len(assert_rdf(resp)) == 0


def test_query_content_type_construct(client):
    resp = client.post(
        f"/sparql?default-graph-uri={q(D0)}",
        content="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers=DIRECT,
    )
    g = assert_rdf(resp)
    assert len(g) == 1
    # relative IRIs resolve against the endpoint (the service's base IRI)
    ((s, p, o),) = g
    assert str(s).endswith("/s") and str(s).startswith("http")


def test_bad_query_method(client):
    resp = client.put(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", headers=FORM)
    assert resp.status_code == 405
    assert_4xx_json(resp)


def test_bad_multiple_queries(client):
    resp = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert resp.status_code == 400
    assert "2 query parameters" in assert_4xx_json(resp)["error"]


def test_bad_query_wrong_media_type(client):
    resp = client.post("/sparql", content="ASK {}", headers={"content-type": "text/plain"})
    assert resp.status_code == 415
    assert "text/plain" in assert_4xx_json(resp)["error"]


def test_bad_query_missing_form_type(client):
    resp = client.post("/sparql", content="query=ASK%20%7B%7D")
    assert resp.status_code == 400
    assert "Content-Type" in assert_4xx_json(resp)["error"]


def test_bad_query_missing_direct_type(client):
    resp = client.post("/sparql", content="ASK {}")
    assert resp.status_code == 400
    assert_4xx_json(resp)


def test_bad_query_non_utf8(client):
    body = "ASK {}".encode("utf-16")  # with a BOM, as the case says
    resp = client.post(
        "/sparql",
        content=body,
        headers={"content-type": "application/sparql-query; charset=UTF-16"},
    )
    assert resp.status_code == 400
    assert "UTF-8" in assert_4xx_json(resp)["error"]
    # the same bytes without a charset parameter are refused too (not valid UTF-8)
    resp = client.post("/sparql", content=body, headers=DIRECT)
    assert "UTF-8" in assert_4xx_json(resp)["error"]


def test_bad_query_syntax(client):
    resp = client.get("/sparql?query=ASK%20%7B")
    assert resp.status_code == 400
    body = assert_4xx_json(resp)
    # the parser's own message, with the position in the client's text (line 1)
    assert "syntax error" in body["error"] and "1:6" in body["error"]


def test_bad_update_get(client):
    resp = client.get("/sparql?update=CLEAR%20ALL")
    assert resp.status_code == 400
    assert "/sparql/update" in assert_4xx_json(resp)["error"]
    assert client.get("/sparql/update?update=CLEAR%20ALL").status_code == 405


# --- more protocol behaviour --------------------------------------------------------------


def test_no_query_and_both_query_and_update_are_refused(client):
    both = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"})
    assert both.status_code == 400 and "/sparql/update" in both.json()["error"]
    empty = client.post("/sparql", data={"query": "  "})
    assert empty.status_code == 400 and "empty" in empty.json()["error"]
    missing = client.post("/sparql", data={"format": "json"})
    assert missing.status_code == 200  # no query at all: the service description
    assert missing.headers["content-type"].startswith("text/turtle")


def test_dataset_parameter_must_be_an_iri(client):
    resp = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert resp.status_code == 400
    assert "default-graph-uri" in assert_4xx_json(resp)["error"]


def test_from_selects_local_graphs(client):
    """Without protocol dataset parameters, FROM / FROM NAMED pick local graphs."""
    ask = client.get("/sparql", params={"query": f"ASK FROM <{D1}> {{ <{D1}> a ?t }}"})
    assert response_boolean(ask) is True
    other = client.get("/sparql", params={"query": f"ASK FROM <{D1}> {{ <{D2}> a ?t }}"})
    assert response_boolean(other) is False
    named = client.get(
        "/sparql",
        params={
            "query": f"PREFIX k: <{KASEI}> SELECT ?g FROM NAMED k:data2.rdf "
            "{ GRAPH ?g { ?s ?p ?o } }"
        },
    )
    assert {b["g"]["value"] for b in named.json()["results"]["bindings"]} == {D2}


SELECT_TITLES = "SELECT ?doc ?title { ?doc <http://purl.org/dc/terms/title> ?title } ORDER BY ?doc"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        (
            "text/csv;q=0.4, application/sparql-results+xml;q=0.9, application/json;q=0.5",
            "application/sparql-results+xml",
        ),
        ("text/*;q=0.8, text/csv;q=0.1", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
    ],
)
def test_select_negotiation(client, accept, media):
    headers = {"Accept": accept} if accept else {}
    resp = client.get("/sparql", params={"query": SELECT_TITLES}, headers=headers)
    assert resp.status_code == 200
    assert resp.headers["content-type"].split(";")[0] == media
    assert "data 1" in resp.text and "data 3" in resp.text
    assert "accept" in resp.headers["vary"].lower()


@pytest.mark.parametrize(
    ("fmt", "media", "rdflib_format"),
    [
        (None, "text/turtle", "turtle"),
        ("ntriples", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdfxml", "application/rdf+xml", "xml"),
        ("turtle", "text/turtle", "turtle"),
    ],
)
def test_construct_formats(client, fmt, media, rdflib_format):
    params = {"query": f"CONSTRUCT {{ ?d a <{FOAF_DOCUMENT}> }} WHERE {{ ?d a ?t }}"}
    if fmt:
        params["format"] = fmt
    resp = client.get("/sparql", params=params, headers={"Accept": "text/csv"} if fmt else {})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    g = Graph().parse(data=resp.content, format=rdflib_format)
    assert {str(s) for s in g.subjects()} == {D1, D2, D3}


def test_construct_negotiated_by_accept(client):
    resp = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/rdf+xml;q=0.5, application/n-triples"},
    )
    assert resp.headers["content-type"].split(";")[0] == "application/n-triples"
    assert len(Graph().parse(data=resp.text, format="nt")) == 6


def test_format_parameter_overrides_accept(client):
    resp = client.get(
        "/sparql",
        params={"query": SELECT_TITLES, "format": "csv"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert resp.headers["content-type"].startswith("text/csv")
    assert resp.text.splitlines()[0] == "doc,title"
    # a format of the other query form (SPARQLWrapper's format=turtle on a SELECT) falls back
    # to Accept, then to the default, as oxigraph serve does; only an unknown name is a 400
    other = client.get(
        "/sparql",
        params={"query": SELECT_TITLES, "format": "turtle"},
        headers={"Accept": "text/csv"},
    )
    assert other.status_code == 200 and other.headers["content-type"].startswith("text/csv")
    default = client.get(
        "/sparql",
        params={"query": SELECT_TITLES, "format": "turtle"},
        headers={"Accept": "text/turtle"},
    )
    assert default.headers["content-type"].startswith("application/sparql-results+json")
    construct = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "srx"},
        headers={"Accept": "application/n-triples"},
    )
    assert construct.headers["content-type"].startswith("application/n-triples")
    bad = client.get("/sparql", params={"query": SELECT_TITLES, "format": "foo"})
    assert bad.status_code == 400 and "unknown format='foo'" in bad.json()["error"]
    assert "turtle" in bad.json()["detail"]["formats"]


@pytest.mark.parametrize(
    ("how", "media", "parse_as"),
    [
        ({"format": "trig"}, "application/trig", "trig"),
        ({"format": "nquads"}, "application/n-quads", "nquads"),
        ({"accept": "application/trig"}, "application/trig", "trig"),
        ({"accept": "application/n-quads"}, "application/n-quads", "nquads"),
    ],
)
def test_construct_answers_trig_and_nquads(client, how, media, parse_as):
    from rdflib import Dataset

    params = {"query": f"CONSTRUCT {{ ?d a <{FOAF_DOCUMENT}> }} WHERE {{ ?d a ?t }}"}
    params.update({k: v for k, v in how.items() if k == "format"})
    headers = {"Accept": how["accept"]} if "accept" in how else {}
    resp = client.get("/sparql", params=params, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    ds = Dataset().parse(data=resp.content, format=parse_as)
    assert {str(q[0]) for q in ds.quads()} == {D1, D2, D3}


@pytest.mark.parametrize(
    "how", [{"accept": "text/plain"}, {"format": "text/plain"}, {"format": "txt"}]
)
def test_select_answers_text_plain(client, how):
    resp = client.get(
        "/sparql",
        params={"query": SELECT_TITLES, **({"format": how["format"]} if "format" in how else {})},
        headers={"Accept": how.get("accept", "*/*")},
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain")
    lines = resp.text.splitlines()
    assert lines[0] == "?doc\t?title" and len(lines) == 4


def test_unsupported_accept_is_406(client):
    resp = client.get("/sparql", params={"query": SELECT_TITLES}, headers={"Accept": "image/png"})
    assert resp.status_code == 406
    assert "application/sparql-results+json" in assert_4xx_json(resp)["detail"]["available"]
    construct = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "image/png"}
    )
    assert construct.status_code == 406
    zero = client.get(
        "/sparql",
        params={"query": "ASK {}"},
        headers={"Accept": "application/sparql-results+json;q=0"},
    )
    assert zero.status_code == 406


def test_service_description(client):
    resp = client.get("/sparql")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=resp.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    services = list(g.subjects(URIRef(sd + "endpoint"), None))
    assert len(services) == 1  # updates are off: no update service
    service = services[0]
    # the bind address, not the Host header
    assert g.value(service, URIRef(sd + "endpoint")) == URIRef("http://127.0.0.1:8000/sparql")
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert (service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in g
    formats = {str(o) for o in g.objects(service, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_TSV" in formats
    names = {str(o) for o in g.objects(None, URIRef(sd + "name"))}
    assert names == {D1, D2, D3}


def test_service_description_formats_and_html(client):
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) > 10
    browser = client.get(
        "/sparql",
        follow_redirects=False,
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert browser.status_code == 303 and browser.headers["location"] == "/"
    assert client.get("/sparql", headers={"Accept": "image/png"}).status_code == 406


def test_cors_headers(client):
    resp = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert resp.headers["access-control-allow-origin"] == "*"
    pre = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "X-Cuegraph-Truncated" in resp.headers["access-control-expose-headers"]


# --- bad input: clear 4xx JSON, never 500 -------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "select * { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o OPTIONAL { SERVICE SILENT ?endpoint { ?s ?p ?x } } }",
        "SELECT * {\n  # comment\n  SERVICE<http://127.0.0.1:9/>{?s ?p ?o}}",
        "SELECT * { ?s ?p ?o FILTER(?o<3) SERVICE <http://127.0.0.1:9/> { ?s ?p ?x } }",
        'SELECT * { ?s ?p "a\\"SERVICE" . SERVICE <http://127.0.0.1:9/> { ?s ?p ?x } }',
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { \\U00000053ervice <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(client, query):
    resp = client.post("/sparql", data={"query": query})
    assert resp.status_code == 400
    assert "SERVICE" in assert_4xx_json(resp)["error"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) }',
        "SELECT ?x { BIND('''multi\nSERVICE <http://127.0.0.1:9/> { }''' AS ?x) }",
        "# SERVICE <http://127.0.0.1:9/> in a comment\nSELECT ?service { BIND(1 AS ?service) }",
        "PREFIX service: <http://example.org/service#> SELECT * { service:x service:SERVICE ?o }",
        "SELECT * { <http://example.org/SERVICE> ?p ?o }",
        'SELECT * { ?s ?p "say \\"SERVICE <http://127.0.0.1:9/> {}\\" aloud" }',
    ],
)
def test_service_word_outside_the_keyword_is_fine(client, query):
    resp = client.get("/sparql", params={"query": query})
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("SELEKT * WHERE { ?s ?p ?o }", "syntax error"),
        ("SELECT * WHERE { ?s ?p }", "syntax error"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "syntax error"),
        ("SELECT * FROM undeclared:g { ?s ?p ?o }", "undeclared prefix"),
    ],
)
def test_malformed_queries_are_400(client, query, fragment):
    resp = client.get("/sparql", params={"query": query})
    assert resp.status_code == 400
    assert fragment in assert_4xx_json(resp)["error"]


def test_non_utf8_form_is_400(client):
    resp = client.post("/sparql", content=b"query=ASK%20%7B%7D%FF", headers=FORM)
    assert resp.status_code == 400
    assert "UTF-8" in resp.json()["error"]
    url = client.get("/sparql?query=ASK%20%7B%7D%FF")
    assert url.status_code == 400 and "UTF-8" in url.json()["error"]


def test_results_are_valid_json(client):
    resp = client.post("/sparql", data={"query": SELECT_TITLES})
    data = json.loads(resp.content)
    assert data["head"]["vars"] == ["doc", "title"]
    assert [b["title"]["value"] for b in data["results"]["bindings"]] == [
        "data 1",
        "data 2",
        "data 3",
    ]
    assert "x-cuegraph-truncated" not in resp.headers


def test_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/openapi.json").json()
    get = schema["paths"]["/sparql"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= names
    post = schema["paths"]["/sparql"]["post"]["requestBody"]["content"]
    assert {"application/x-www-form-urlencoded", "application/sparql-query"} <= set(post)
    update = schema["paths"]["/sparql/update"]["post"]
    assert "application/sparql-update" in update["requestBody"]["content"]
    assert {"204", "401", "403"} <= set(update["responses"])


def test_every_w3c_protocol_case_has_a_test():
    import test_update

    here = globals()
    missing = [
        c for c in CASES if f"test_{c}" not in here and not hasattr(test_update, f"test_{c}")
    ]
    assert len(CASES) == 34 and missing == []
