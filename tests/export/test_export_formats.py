"""Export views and file formats on the seed graph: round trips, validity, labels, registry."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from export_support import (
    KAJIURA,
    KALAFINA,
    MADOKA,
    MAGIA,
    check_gexf,
    check_graphml,
    read_graphml_by_iri,
)

from cuegraph.errors import BadInput, BadRequest, NotAcceptable, PersonNotFound, WorkNotFound
from cuegraph.export import ExportRequest, get_format, negotiate, run_export
from cuegraph.export.fetch import fetch_graph, find_seed
from cuegraph.export.formats import all_formats, format_for_path
from cuegraph.export.views import build_view, neighbourhood
from cuegraph.export.writers import (
    write_cytoscape,
    write_dot,
    write_gexf,
    write_graphml,
    write_nodelink,
)
from cuegraph.namespaces import sparql_prefixes

VIEW_NAMES = ("credits", "bipartite", "collaboration", "rdf")


@pytest.fixture(scope="module")
def rdf(seed_store):
    return fetch_graph(seed_store)


@pytest.fixture(scope="module")
def views(rdf):
    return {name: build_view(name, rdf) for name in VIEW_NAMES}


def _typed(data: dict) -> dict:
    return {k: (v, type(v)) for k, v in data.items()}


def test_credit_nodes_collapse_into_role_labelled_edges(views, seed_store):
    g = views["credits"]
    # every credit node of the store became (part of) a person -> thing edge
    rows = seed_store.select(
        sparql_prefixes() + "SELECT ?a ?t (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cg:Credit ; "
        "cg:agent ?a ; cg:credits ?t } GROUP BY ?a ?t"
    )
    assert rows
    for row in rows:
        assert g.has_edge(row["a"], row["t"]), row
        assert g.edges[row["a"], row["t"]]["weight"] == row["n"]
    assert not any("/credit/" in n for n in g), "credit nodes must be collapsed"
    assert g.edges[KAJIURA, MADOKA]["label"] == "score composer"
    magia = g.edges[KAJIURA, MAGIA]
    assert set(magia["label"].split(", ")) == {"composer", "lyricist", "arranger"}
    assert g.nodes[KAJIURA]["label"] == "Yuki Kajiura (梶浦由記)"
    assert g.nodes[KAJIURA]["type"] == "person"
    assert g.nodes["https://cuegraph.org/id/person/kalafina"]["type"] == "group"
    assert g.edges[MAGIA, MADOKA]["label"] == "song of"
    # cues: to their song (usage) and their work (episode)
    cues = [n for n, d in g.nodes(data=True) if d["type"] == "cue"]
    n_cues = seed_store.select(
        sparql_prefixes() + "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cg:Cue }"
    )[0]["n"]
    assert len(cues) == n_cues > 0
    for cue in cues:
        assert any(g.edges[cue, w]["kind"] == "cue_work" for w in g.successors(cue))


def test_no_unusable_attribute_values(views):
    for name, g in views.items():
        for _, data in g.nodes(data=True):
            assert all(type(v) in (str, int, float) for v in data.values()), (name, data)
        for _, _, data in g.edges(data=True):
            assert all(type(v) in (str, int, float) for v in data.values()), (name, data)
        assert all(type(n) is str for n in g)


#: a credit's work, found in SPARQL (independently of the views): the credited work itself,
#: or the work of a credited song or album, or of a credited recording's song
_CREDITED_WORKS = """
SELECT DISTINCT ?a ?w ?role WHERE {
  ?c a cg:Credit ; cg:agent ?a ; cg:role ?role ; cg:credits ?t .
  { ?t a cg:Work . BIND(?t AS ?w) }
  UNION { ?t cg:work ?w . ?w a cg:Work }
  UNION { ?t a cg:Recording ; cg:song/cg:work ?w . ?w a cg:Work }
}"""


def test_bipartite_and_collaboration_match_the_store(views, seed_store):
    """Both views, edge for edge and weight for weight, against the store's own answer."""
    from itertools import combinations

    from cuegraph.roles import ROLES

    rows = seed_store.select(sparql_prefixes() + _CREDITED_WORKS)
    assert rows
    composing = {str(ROLES[r]) for r in ("score_composer", "composer", "arranger", "orchestrator")}
    composed: dict[tuple[str, str], set] = {}
    people_of: dict[str, set] = {}
    for row in rows:
        people_of.setdefault(row["w"], set()).add(row["a"])
        if row["role"] in composing:
            composed.setdefault((row["a"], row["w"]), set()).add(row["role"])
    bip = views["bipartite"]
    assert {frozenset(e) for e in bip.edges} == {frozenset(k) for k in composed}
    for (person, work), roles in composed.items():
        assert bip.nodes[person]["bipartite"] == 0 and bip.nodes[work]["bipartite"] == 1
        assert len(bip.edges[person, work]["roles"].split(";")) == len(roles)
    assert nx.is_bipartite(bip)
    # a credit on a song counts for its work: Kajiura composed Magia, a Madoka song
    assert "composer" in bip.edges[KAJIURA, MADOKA]["roles"].split(";")

    shared: dict[frozenset, int] = {}
    for people in people_of.values():
        for pair in combinations(sorted(people), 2):
            shared[frozenset(pair)] = shared.get(frozenset(pair), 0) + 1
    collab = views["collaboration"]
    assert {frozenset(e): d["weight"] for *e, d in collab.edges(data=True)} == shared
    assert all(d["type"] in ("person", "group") for _, d in collab.nodes(data=True))
    edge = collab.edges[KAJIURA, KALAFINA]
    assert edge["weight"] == len(edge["works"].split("; ")) >= 1
    assert "Puella Magi Madoka Magica" in edge["works"]
    assert edge["label"] == f"{int(edge['weight'])} shared work" + (
        "s" if edge["weight"] > 1 else ""
    )


def test_neighbourhood_depths(views):
    g = views["credits"]
    zero = neighbourhood(g, [KAJIURA], 0)
    assert list(zero) == [KAJIURA]
    one = neighbourhood(g, [KAJIURA], 1)
    assert set(one) == {KAJIURA, *g.successors(KAJIURA), *g.predecessors(KAJIURA)}
    two = neighbourhood(g, [KAJIURA], 2)
    assert set(one) < set(two) <= set(g)
    # a work has no node in the collaboration view: its people stand in for it
    collab = neighbourhood(views["collaboration"], [MADOKA], 0, via=g)
    assert KAJIURA in collab and MADOKA not in collab


@pytest.mark.parametrize("view", VIEW_NAMES)
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_gexf_are_valid_and_round_trip(views, view, fmt):
    """Valid under the format's schema rules (stricter than networkx), and read back by
    networkx with the same nodes, edges and typed attributes (GraphML nodes are ``n0`` …,
    named again by their ``iri``)."""
    g = views[view]
    body = {"graphml": write_graphml, "gexf": write_gexf}[fmt](g)
    if fmt == "graphml":
        back = read_graphml_by_iri(body)
    else:
        check_gexf(body)
        back = nx.read_gexf(io.BytesIO(body))
    assert back.is_directed() == g.is_directed()
    assert set(back.nodes) == set(g.nodes)
    assert set(back.edges) == set(g.edges)
    for n, data in g.nodes(data=True):
        got = dict(back.nodes[n])
        got.pop("viz", None)  # GEXF's drawing hints (colour, size), not data
        assert _typed(got) == _typed(data), n
    for u, v, data in g.edges(data=True):
        got = dict(back.edges[u, v])
        if fmt == "gexf":
            got.pop("id", None)  # GEXF's own edge ids
        assert _typed(got) == _typed(data), (u, v)


def test_graphml_declares_types_and_gexf_is_static(views):
    root = check_graphml(write_graphml(views["credits"]))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    types = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.findall("g:key", ns)
    }
    assert types["node", "label"] == types["edge", "label"] == "string"
    assert types["edge", "weight"] == "double"
    assert types["node", "episode"] in ("int", "long")
    assert all(n.get("id").startswith("n") for n in root.iterfind("g:graph/g:node", ns))
    root = check_gexf(write_gexf(views["credits"]))
    assert root.find("{http://www.gexf.net/1.2draft}graph").get("mode") == "static"


def test_stray_python_values_never_reach_a_file():
    """None, rdflib terms, lists, sets and XML-forbidden characters are cleaned before any
    writer sees them: the XML stays valid and the JSON holds only strings and numbers."""
    from rdflib import Literal, URIRef

    g = nx.DiGraph(view="stray")
    g.add_node(
        URIRef("urn:x:a"),
        label=Literal("A\x01"),
        type="person",
        gone=None,
        roles=["composer", "lyricist"],
        tags={"b", "a"},
        iri=URIRef("urn:x:a"),
    )
    g.add_node("urn:x:b", label="B", type="work", iri="urn:x:b")
    g.add_edge(URIRef("urn:x:a"), "urn:x:b", label=Literal("composer"), weight=1.0)
    back = read_graphml_by_iri(write_graphml(g))
    assert dict(back.nodes["urn:x:a"]) == {
        "label": "A",
        "type": "person",
        "iri": "urn:x:a",
        "roles": "composer; lyricist",
        "tags": "a; b",
    }
    check_gexf(write_gexf(g))
    for writer in (write_cytoscape, write_nodelink):
        text = writer(g).decode()
        assert "None" not in text and "rdflib" not in text and '["' not in text


def test_cytoscape_json_shape(views):
    doc = json.loads(write_cytoscape(views["credits"]))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes]
    assert len(ids) == len(set(ids)) == len(views["credits"])
    assert all(isinstance(i, str) and i for i in ids)
    edge_ids = [e["data"]["id"] for e in edges]
    assert len(set(edge_ids)) == len(edges) == views["credits"].number_of_edges()
    assert not set(edge_ids) & set(ids)
    for e in edges:
        assert e["data"]["source"] in set(ids) and e["data"]["target"] in set(ids)
        assert isinstance(e["data"]["label"], str)


_CYTOSCAPE_LOAD = """
const cytoscape = require(process.argv[1]);
const doc = JSON.parse(require("fs").readFileSync(0, "utf8"));
const cy = cytoscape({headless: true, elements: doc.elements});
console.log(JSON.stringify({
  nodes: cy.nodes().map(n => n.id()).sort(),
  edges: cy.edges().map(e => [e.source().id(), e.target().id(), e.data("label")]),
  label: cy.getElementById(process.argv[2]).data("label"),
}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not installed")
@pytest.mark.parametrize("view", VIEW_NAMES)
def test_cytoscape_json_loads_in_cytoscape_js(views, view):
    """The vendored Cytoscape.js itself (headless, in Node.js) loads the document: every node
    and edge, between the right ends (it throws on an edge to a missing node)."""
    from importlib import resources

    library = resources.files("cuegraph.export") / "vendor" / "cytoscape" / "cytoscape.min.js"
    g = views[view]
    done = subprocess.run(
        ["node", "-e", _CYTOSCAPE_LOAD, str(library), KAJIURA],
        input=write_cytoscape(g),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    got = json.loads(done.stdout)
    assert got["nodes"] == sorted(g.nodes)
    assert sorted((u, v) for u, v, _ in got["edges"]) == sorted(g.edges)
    assert all(label == g.edges[u, v]["label"] for u, v, label in got["edges"])
    assert got["label"] == g.nodes[KAJIURA]["label"] == "Yuki Kajiura (梶浦由記)"


def test_nodelink_uses_links(views):
    doc = json.loads(write_nodelink(views["collaboration"]))
    assert "links" in doc and "edges" not in doc
    back = nx.node_link_graph(doc, edges="links")
    assert set(back.edges) == set(views["collaboration"].edges)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
@pytest.mark.parametrize("view", VIEW_NAMES)
def test_dot_accepted_by_graphviz(views, view):
    source = write_dot(views[view], title='a "quoted" title \\ with backslash')
    text = source.decode()
    assert "https://" not in "".join(line.split("[", 1)[0] for line in text.splitlines())
    done = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    ET.fromstring(done.stdout)


def test_format_registry_names_and_media_types_resolve_alike():
    for fmt in all_formats():
        assert get_format(fmt.name) is get_format(fmt.media_type) is fmt
        assert negotiate(fmt.media_type) is fmt
    assert negotiate(None).name == "cytoscape"
    assert negotiate("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8").name == "html"
    assert negotiate("image/png;q=0.5, image/svg+xml").name == "svg"
    # one Accept parser (cuegraph.accept): a refused type stays refused under a wildcard
    assert negotiate("image/*, image/svg+xml;q=0").name == "png"
    assert negotiate("*/*, application/vnd.cytoscape.js+json;q=0").name == "graphml"
    assert negotiate("text/*;q=0.2, application/json;q=0.4").name == "nodelink"
    assert format_for_path("kajiura.gexf").name == "gexf"
    with pytest.raises(BadInput, match="unknown format 'xlsx'"):
        get_format("xlsx")
    with pytest.raises(NotAcceptable):
        negotiate("application/pdf")


def test_find_seed_by_id_iri_name_native_alias(seed_store, minter):
    for text in ("yuki-kajiura", KAJIURA, "Yuki Kajiura", "梶浦由記", "kajiura yuki"):
        assert find_seed(seed_store, minter, "composer", text) == KAJIURA
    for text in ("madoka-magica", "Puella Magi Madoka Magica", "魔法少女まどか☆マギカ"):
        assert find_seed(seed_store, minter, "work", text) == MADOKA
    with pytest.raises(PersonNotFound, match="no person matches 'Nobody Here'"):
        find_seed(seed_store, minter, "composer", "Nobody Here")
    with pytest.raises(WorkNotFound):
        find_seed(seed_store, minter, "work", "yuki-kajiura")


def test_run_export_checks(seed_store, minter):
    for req, message in [
        (ExportRequest(format="pdf"), "unknown format"),
        (ExportRequest(view="circles"), "unknown view"),
        (ExportRequest(composer="yuki-kajiura", depth=-1), "depth must be between 0 and 5"),
        (ExportRequest(composer="yuki-kajiura", depth=6), "depth must be between 0 and 5"),
        (ExportRequest(depth=1), "depth needs a composer or a work"),
        (ExportRequest(sparql="SELECT * WHERE { ?s ?p ?o }"), "must be a CONSTRUCT query"),
        (ExportRequest(max_nodes=0), "max_nodes must be"),
    ]:
        with pytest.raises(BadRequest, match=message) as info:
            run_export(seed_store, minter, req)
        assert info.value.status == 400


def test_construct_slice(seed_store, minter):
    query = (
        "CONSTRUCT { ?c cg:agent ?p ; cg:role ?r ; cg:credits ?w . ?p a cg:Agent ; "
        "schema:name ?n } WHERE { ?c cg:agent ?p ; cg:role ?r ; cg:credits ?w . "
        "?w a cg:Work . ?p schema:name ?n }"
    )
    result = run_export(seed_store, minter, ExportRequest(format="cytoscape", sparql=query))
    doc = json.loads(result.body)
    labels = {e["data"]["label"] for e in doc["elements"]["edges"]}
    assert "score composer" in labels
    assert result.edges == len(doc["elements"]["edges"]) > 0


def test_construct_outside_the_model_warns_and_rdf_view_draws_it(seed_store, minter):
    query = "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a cg:Agent ; schema:name ?n }"
    n_agents = len(
        seed_store.select(
            sparql_prefixes() + "SELECT DISTINCT ?p WHERE { ?p a cg:Agent ; schema:name ?n }"
        )
    )
    plain = run_export(seed_store, minter, ExportRequest(format="graphml", sparql=query))
    assert plain.nodes == 0 and "try --view rdf" in plain.warnings[0]
    generic = run_export(
        seed_store, minter, ExportRequest(format="graphml", sparql=query, view="rdf")
    )
    assert generic.nodes == n_agents > 0 and generic.warnings == []
    g = read_graphml_by_iri(generic.body)
    assert g.nodes[KAJIURA]["label"] == "Yuki Kajiura"


def test_sparql_grown_neighbourhood_equals_the_cut_of_the_whole_graph(seed_store, views):
    """Two independent paths: levels of SPARQL (export_neighbours + export_slice) and BFS
    over the whole credits view. Same nodes, edges and attributes for every start and depth."""
    from cuegraph.export.fetch import fetch_neighbourhood
    from cuegraph.export.views import credits_view

    full = views["credits"]
    compared = 0
    for seed in sorted(full):
        for depth in range(4):
            expected = neighbourhood(full, [seed], depth)
            got = neighbourhood(
                credits_view(fetch_neighbourhood(seed_store, [seed], depth)), [seed], depth
            )
            assert set(got) == set(expected), (seed, depth)
            assert set(got.edges) == set(expected.edges), (seed, depth)
            assert dict(got.nodes(data=True)) == dict(expected.nodes(data=True))
            assert {e: got.edges[e] for e in got.edges} == {
                e: expected.edges[e] for e in expected.edges
            }
            compared += 1
    assert compared == 4 * len(full) > 0
