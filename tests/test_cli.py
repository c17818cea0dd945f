"""The CLI: help that teaches, one-line errors, output formats."""

from __future__ import annotations

import json

import pytest

from conftest import DATA, FIXTURES, cuegraph_cmd


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    url = f"oxigraph:{tmp_path_factory.mktemp('cli') / 'store'}"
    res = cuegraph_cmd("--store", url, "build", str(DATA))
    assert res.returncode == 0, res.stderr
    assert "loaded:" in res.stdout and "triples" in res.stdout
    return url


def test_help_lists_every_command():
    res = cuegraph_cmd("--help")
    assert res.returncode == 0
    for name in ("build", "import", "load", "query", "stats", "validate", "serve", "dump"):
        assert name in res.stdout
    sub = cuegraph_cmd("import", "cuesheet", "--help")
    assert "role=name" in sub.stdout and "--skip-bad-rows" in sub.stdout


def test_bad_query_is_one_line_error(built):
    res = cuegraph_cmd("--store", built, "query", "SELECT ?x WHERE {")
    assert res.returncode == 1
    assert res.stderr.startswith("error: SPARQL syntax error")
    assert "Traceback" not in res.stderr


def test_bad_store_url_and_missing_store(tmp_path):
    res = cuegraph_cmd("--store", "ftp://x", "stats")
    assert res.returncode == 1 and "unknown store URL" in res.stderr
    res = cuegraph_cmd("--store", f"oxigraph:{tmp_path / 'nothing'}", "stats")
    assert res.returncode == 1 and "no store at" in res.stderr


def test_query_formats(built):
    q = "SELECT ?n WHERE { <https://cuegraph.org/id/person/yuki-kajiura> schema:name ?n }"
    as_json = json.loads(cuegraph_cmd("--store", built, "query", "-f", "json", q).stdout)
    assert as_json["results"]["bindings"][0]["n"]["value"] == "Yuki Kajiura"
    table = cuegraph_cmd("--store", built, "query", q).stdout
    assert "Yuki Kajiura" in table and "1 row(s)" in table
    ttl = cuegraph_cmd("--store", built, "query", "-f", "turtle",
                       "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a cg:Agent ; schema:name ?n }")
    assert "Yuki Kajiura" in ttl.stdout


def test_query_from_rq_file(built, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?w a cg:Work }")
    assert cuegraph_cmd("--store", built, "query", str(f)).stdout.strip() == "yes"
    missing = cuegraph_cmd("--store", built, "query", str(tmp_path / "nope.rq"))
    assert missing.returncode == 1 and "no such query file" in missing.stderr


def test_stats_and_validate(built):
    stats = json.loads(cuegraph_cmd("--store", built, "stats", "--json").stdout)
    assert stats["counts"]["people"] >= 20 and stats["counts"]["cues"] > 0
    assert any(s["source"] == "cuesheet" for s in stats["sources"])
    res = cuegraph_cmd("--store", built, "validate")
    assert res.returncode == 0 and "conforms" in res.stdout


def test_import_bad_cuesheet_reports_lines_and_keeps_store(built):
    before = cuegraph_cmd("--store", built, "dump", "-f", "nquads").stdout
    res = cuegraph_cmd("--store", built, "import", "cuesheet",
                       str(FIXTURES / "cuesheets" / "bad.csv"))
    assert res.returncode == 1
    assert len(res.stderr.strip().splitlines()) == 1
    assert "line 3" in res.stderr and "nothing imported" in res.stderr
    assert cuegraph_cmd("--store", built, "dump", "-f", "nquads").stdout == before


def test_load_and_dump_by_license(built, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("<urn:x:a> <urn:x:p> \"v\" .\n")
    res = cuegraph_cmd("--store", built, "load", str(ttl), "--graph", "urn:x:g")
    assert res.returncode == 0, res.stderr
    q = cuegraph_cmd("--store", built, "query", "-f", "csv",
                     "SELECT ?o WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }")
    assert q.stdout.splitlines()[1:] == ["v"]
    cc0 = cuegraph_cmd("--store", built, "dump", "--license", "cc0").stdout
    assert "urn:x:g" not in cc0 and "yuki-kajiura" in cc0
    bad = cuegraph_cmd("--store", built, "load", str(tmp_path / "missing.ttl"))
    assert bad.returncode == 1 and "no such file" in bad.stderr
