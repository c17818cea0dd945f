"""Hostile RDF files: loading never fetches, never reads other files, never explodes."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest

from support import cuegraph_cmd

G = "urn:x:g"


class Canary:
    """A listener on 127.0.0.1 that records every request (and serves one JSON-LD context)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                canary.requests.append(self.path)
                body = json.dumps({"@context": {"name": "https://schema.org/name"}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/ld+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    c = Canary()
    yield c
    c.close()


def _docs(canary: Canary, tmp_path) -> dict[str, tuple[dict, str]]:
    secret = tmp_path / "secret-context.jsonld"
    secret.write_text(json.dumps({"@context": {"name": "urn:x:leaked"}}))
    return {
        "remote": (
            {"@context": f"{canary.url}/ctx.jsonld", "@id": "urn:x:a", "name": "x"},
            f"{canary.url}/ctx.jsonld",
        ),
        "import": (
            {"@context": {"@import": f"{canary.url}/imp.jsonld"}, "@id": "urn:x:a", "name": "x"},
            f"{canary.url}/imp.jsonld",
        ),
        "list": (
            {
                "@context": [{"ex": "urn:x:"}, f"{canary.url}/list.jsonld"],
                "@id": "urn:x:a",
                "name": "x",
            },
            f"{canary.url}/list.jsonld",
        ),
        "scoped": (
            {
                "@context": {"ex": "urn:x:", "ex:q": {"@context": f"{canary.url}/s.jsonld"}},
                "@id": "urn:x:a",
                "ex:q": {"name": "x"},
            },
            f"{canary.url}/s.jsonld",
        ),
        "file": ({"@context": secret.as_uri(), "@id": "urn:x:a", "name": "x"}, secret.as_uri()),
        "relative": (
            {"@context": "secret-context.jsonld", "@id": "urn:x:a", "name": "x"},
            "secret-context.jsonld",
        ),
    }


def test_jsonld_contexts_are_never_fetched(tmp_path, canary):
    store = f"oxigraph:{tmp_path / 's'}"
    for name, (doc, ref) in _docs(canary, tmp_path).items():
        f = tmp_path / f"{name}.jsonld"
        f.write_text(json.dumps(doc))
        res = cuegraph_cmd("--store", store, "load", str(f), "--graph", G)
        assert res.returncode == 1, (name, res.stdout)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, res.stderr)
        assert f"refused the JSON-LD context {ref}" in lines[0]
        assert "--allow-remote-context" in lines[0]
    assert canary.requests == []
    assert cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout.strip() == ""


def test_allow_remote_context_fetches_it(tmp_path, canary):
    store = f"oxigraph:{tmp_path / 's'}"
    f = tmp_path / "remote.jsonld"
    f.write_text(
        json.dumps({"@context": f"{canary.url}/ctx.jsonld", "@id": "urn:x:a", "name": "x"})
    )
    res = cuegraph_cmd("--store", store, "load", str(f), "--graph", G, "--allow-remote-context")
    assert res.returncode == 0, res.stderr
    assert canary.requests == ["/ctx.jsonld"]
    dump = cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout
    assert dump.strip() == '<urn:x:a> <https://schema.org/name> "x" <urn:x:g> .'


def test_a_self_contained_jsonld_file_loads(tmp_path, canary):
    f = tmp_path / "ok.jsonld"
    f.write_text(
        json.dumps(
            {
                "@context": {"name": "https://schema.org/name", "@base": canary.url + "/"},
                "@id": "a",
                "name": "x",
            }
        )
    )
    store = f"oxigraph:{tmp_path / 's'}"
    res = cuegraph_cmd("--store", store, "load", str(f), "--graph", G)
    assert res.returncode == 0, res.stderr
    assert canary.requests == []
    assert f"<{canary.url}/a>" in cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout


def _laughs(levels: int) -> str:
    ents = ['<!ENTITY l0 "lollollollol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(ents) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="urn:x:"><rdf:Description rdf:about="urn:x:a">'
        f"<ex:p>&l{levels};</ex:p></rdf:Description></rdf:RDF>\n"
    )


def test_billion_laughs_is_refused_fast(tmp_path):
    """A ~700-byte RDF/XML file whose entities expand 10^6-fold (and a 10^9 one) is refused
    in one line; the timeout is only a hang detector."""
    store = f"oxigraph:{tmp_path / 's'}"
    for levels in (5, 8):
        f = tmp_path / f"laughs{levels}.rdf"
        f.write_text(_laughs(levels))
        assert f.stat().st_size < 1200
        started = time.monotonic()
        res = cuegraph_cmd("--store", store, "load", str(f), "--graph", G, timeout=120)
        refused = time.monotonic() - started
        assert res.returncode == 1
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "entity expansion" in lines[0], res.stderr
    # compared with loading a normal small file in the same way (no absolute threshold)
    ok = tmp_path / "ok.rdf"
    ok.write_text(_laughs(0))
    started = time.monotonic()
    assert cuegraph_cmd("--store", store, "load", str(ok), "--graph", G).returncode == 0
    normal = time.monotonic() - started
    assert refused < normal * 3 + 1
    dump = cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout
    assert dump.strip() == '<urn:x:a> <urn:x:p> "lollollollol" <urn:x:g> .'


def test_rdfxml_with_small_entities_loads_and_external_ones_are_refused(tmp_path):
    store = f"oxigraph:{tmp_path / 's'}"
    ok = tmp_path / "ok.rdf"
    ok.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY xsd '
        '"http://www.w3.org/2001/XMLSchema#"> ]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/'
        '1999/02/22-rdf-syntax-ns#" xmlns:ex="urn:x:"><rdf:Description rdf:about='
        '"urn:x:a"><ex:n rdf:datatype="&xsd;integer">3</ex:n></rdf:Description>'
        "</rdf:RDF>\n"
    )
    res = cuegraph_cmd("--store", store, "load", str(ok), "--graph", G)
    assert res.returncode == 0, res.stderr
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    xxe = tmp_path / "xxe.rdf"
    xxe.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY s SYSTEM '
        f'"{secret.as_uri()}"> ]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#" xmlns:ex="urn:x:"><rdf:Description rdf:about="urn:x:a">'
        "<ex:p>&s;</ex:p></rdf:Description></rdf:RDF>\n"
    )
    res = cuegraph_cmd("--store", store, "load", str(xxe), "--graph", G)
    assert res.returncode == 1 and "refused the external entity 's'" in res.stderr
    dump = cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout
    assert "secret" not in dump and "XMLSchema#integer" in dump


@pytest.mark.parametrize("graph", ["http://x/a b", "urn:bad{iri}", "no scheme"])
def test_a_bad_graph_iri_is_one_error_line_and_nothing_written(tmp_path, graph):
    """``--graph`` is checked as an IRI before the file is read: one ``error:`` line naming
    it, not a traceback, and the store keeps what it had."""
    store = f"oxigraph:{tmp_path / 'store'}"
    f = tmp_path / "x.nt"
    f.write_text("<urn:t:s> <urn:t:p> <urn:t:o> .\n", encoding="utf-8")
    assert cuegraph_cmd("--store", store, "load", str(f), "--graph", G).returncode == 0
    before = cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout
    res = cuegraph_cmd("--store", store, "load", str(f), "--graph", graph)
    assert res.returncode == 1
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: not a valid graph IRI"), res.stderr
    assert repr(graph) in lines[0]
    assert cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout == before
