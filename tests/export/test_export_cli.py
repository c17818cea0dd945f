"""`cuegraph export`: the documented commands, read-only beside a writer, one-line errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from export_support import KAJIURA, check_gexf, read_graphml_by_iri

from cuegraph.store import open_store
from support import DATA, cuegraph_cmd


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("export-cli") / "store"
    res = cuegraph_cmd("--store", f"oxigraph:{path}", "build", str(DATA))
    assert res.returncode == 0, res.stderr
    return path


def _export(built, *args):
    return cuegraph_cmd("--store", f"oxigraph:{built}", "export", *args)


def test_composer_gexf_while_store_is_held_for_writing(built, tmp_path):
    out = tmp_path / "kajiura.gexf"
    writer = open_store(f"oxigraph:{built}")  # like `cuegraph serve`, holding the store
    try:
        res = _export(
            built, "--composer", "Yuki Kajiura", "--depth", "2", "--format", "gexf", "-o", str(out)
        )
    finally:
        writer.close()
    assert res.returncode == 0, res.stderr
    assert f"wrote {out}" in res.stderr
    check_gexf(out.read_bytes())
    g = nx.read_gexf(out)
    assert g.nodes[KAJIURA]["label"] == "Yuki Kajiura (梶浦由記)"
    assert any("Puella Magi Madoka Magica" in d["label"] for _, d in g.nodes(data=True))


def test_work_html_is_self_contained(built, tmp_path):
    out = tmp_path / "madoka.html"
    res = _export(built, "--work", "Puella Magi Madoka Magica", "--format", "html", "-o", str(out))
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert "The Cytoscape Consortium" in page  # the library's licence header, inlined
    assert "<script src" not in page and "<link" not in page
    assert "Puella Magi Madoka Magica (魔法少女まどか☆マギカ)" in page


def test_collaboration_graphml_format_from_extension(built, tmp_path):
    out = tmp_path / "collab.graphml"
    res = _export(built, "--view", "collaboration", "-o", str(out))
    assert res.returncode == 0, res.stderr
    g = read_graphml_by_iri(out.read_bytes())
    assert g.graph["view"] == "collaboration" and KAJIURA in g
    assert all(d["type"] in ("person", "group") for _, d in g.nodes(data=True))
    assert g.number_of_edges() > 0


def test_sparql_construct_to_cytoscape_on_stdout(built, tmp_path):
    query = tmp_path / "my-construct.rq"
    query.write_text(
        "# people credited on Madoka, and how\n"
        "CONSTRUCT { ?c cg:agent ?p ; cg:role ?r ; cg:credits ?w . ?p a cg:Agent ; "
        "schema:name ?n . ?w a cg:Work ; schema:name ?t }\n"
        'WHERE { ?w schema:name "Puella Magi Madoka Magica" ; schema:name ?t . '
        "?c cg:credits ?w ; cg:agent ?p ; cg:role ?r . ?p schema:name ?n }\n"
    )
    res = _export(built, "--sparql", str(query), "--format", "cytoscape")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    labels = {n["data"]["label"] for n in doc["elements"]["nodes"]}
    assert "Yuki Kajiura" in labels
    assert {e["data"]["label"] for e in doc["elements"]["edges"]} == {"score composer"}


def test_svg_on_stdout(built):
    res = _export(built, "--composer", "yuki-kajiura", "--depth", "1", "--format", "svg")
    assert res.returncode == 0, res.stderr
    root = ET.fromstring(res.stdout)
    assert root.tag.endswith("svg")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "xlsx"], "error: unknown format 'xlsx'"),
        (["--composer", "Nobody Here"], "error: no person matches 'Nobody Here'"),
        (["--work", "No Such Work"], "error: no work matches 'No Such Work'"),
        (["--composer", "yuki-kajiura", "--depth", "-1"], "error: depth must be between 0 and 5"),
        (["--composer", "yuki-kajiura", "--depth", "9"], "error: depth must be between 0 and 5"),
        (["--view", "circles"], "error: unknown view 'circles'"),
        (["--sparql", "SELECT * WHERE { ?s ?p ?o }"], "error: an export query must be a CONSTRUCT"),
        (["--sparql", "/no/such/file.rq"], "error: no such query file"),
        (["--sparql", "DESCRIBE <urn:x:a>"], "error: an export query must be a CONSTRUCT"),
        (["--sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p"], "error: SPARQL syntax error"),
        (["--format", "dot", "-o", "/"], "error: cannot write /"),
        (["-o", "/no/such/dir/out.gexf"], "error: no such directory: /no/such/dir"),
    ],
)
def test_bad_input_is_one_line(built, args, message):
    res = _export(built, *args)
    assert res.returncode != 0
    assert res.stderr.startswith(message), res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_html_above_max_nodes_warns_and_samples(built, tmp_path):
    out = tmp_path / "sampled.html"
    res = _export(built, "--format", "html", "--max-nodes", "5", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert res.stderr.startswith("warning: ") and "max_nodes=5" in res.stderr
    assert '"shown_nodes": 5' in out.read_text(encoding="utf-8")
