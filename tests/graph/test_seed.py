"""The seed graph: valid, idempotent, persistent, and it says what the essay checked out to."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from cuegraph.graph.iris import Minter
from cuegraph.ingest import build_from_data, import_cuesheet, import_table
from cuegraph.namespaces import CG, SDO
from cuegraph.validate import validate_graph, validate_store
from support import DATA, cuegraph_cmd, make_store

KAJIURA = "https://cuegraph.org/id/person/yuki-kajiura"


def test_seed_passes_shacl(seed_store):
    report = validate_store(seed_store)
    assert report.conforms, report.violations


def test_broken_graph_fails_shacl_with_readable_report(seed_store):
    data = Graph()
    data.parse(data=seed_store.dump("ntriples").decode(), format="nt")
    credit = next(data.subjects(CG.agent, URIRef(KAJIURA)))
    data.remove((credit, CG.agent, None))  # a credit with no agent
    cue = next(data.subjects(CG.usage, CG.Ending))
    data.remove((cue, SDO.startOffset, None))
    data.add((cue, SDO.startOffset, Literal(99999.0)))  # start after end (and not decimal)
    report = validate_graph(data)
    assert not report.conforms
    text = "\n".join(report.violations)
    assert f"{credit}: a credit names exactly one known agent" in text
    assert f"{cue}: a cue's start is a non-negative number of seconds before its end" in text


def test_kajiura_is_score_composer_of_madoka(seed_store):
    assert seed_store.ask(f"""
        PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
        ASK {{ ?c cg:agent <{KAJIURA}> ; cg:role cg:ScoreComposer ;
                 cg:credits/schema:name "Puella Magi Madoka Magica" }}""")


def test_every_credit_and_cue_cites_a_source(seed_store):
    missing = seed_store.select("""
        PREFIX cg: <https://cuegraph.org/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?x WHERE { { ?x a cg:Credit } UNION { ?x a cg:Cue } UNION { ?x a cg:Agent }
                          FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?src } }""")
    assert missing == []


def test_native_names_are_kept(seed_store):
    rows = seed_store.select(f"""
        SELECT ?n WHERE {{ <{KAJIURA}> <https://cuegraph.org/ns#nativeName> ?n }}""")
    assert [r["n"] for r in rows] == ["梶浦由記"]


def test_building_twice_gives_the_same_triples():
    store = make_store()
    first = store.triple_count()
    data = store.dump("ntriples")
    build_from_data(store, Minter("https://cuegraph.org/id/"), DATA)
    assert store.triple_count() == first
    # the data graphs are identical; only the provenance graph's timestamps may differ
    graphs = [g for g in store.graphs() if not g.endswith("/provenance")]
    assert set(store.dump("ntriples", graphs).splitlines()) <= set(data.splitlines())


def test_store_persists_across_processes(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    built = cuegraph_cmd("--store", url, "build", str(DATA))
    assert built.returncode == 0, built.stderr
    # a new process sees the data
    out = cuegraph_cmd(
        "--store",
        url,
        "query",
        "--format",
        "csv",
        f"SELECT ?n WHERE {{ <{KAJIURA}> schema:name ?n }}",
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1:] == ["Yuki Kajiura"]


def _labels(store) -> dict[str, str]:
    """Graph IRI -> its rdfs:label in the provenance graph."""
    rows = store.select(
        "SELECT ?g ?l WHERE { GRAPH <https://cuegraph.org/id/graph/provenance> { "
        "?g a <https://cuegraph.org/ns#SourceGraph> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }"
    )
    return {r["g"]: r["l"] for r in rows}


def test_build_and_import_describe_a_graph_alike():
    """`cuegraph build` and `cuegraph import table|cuesheet` read a file through the same
    code and label its graph the same way (they said "table"/"seed table" before)."""
    store = make_store()
    built = _labels(store)
    sheet = sorted((DATA / "cuesheets").glob("*.csv"))[0]
    minter = Minter("https://cuegraph.org/id/")
    import_table(store, minter, "people", DATA / "people.csv")
    import_cuesheet(store, minter, sheet)
    imported = _labels(store)
    people = str(minter.graph("table", "people"))
    cues = str(minter.graph("cuesheet", sheet.stem))
    assert built[people] == imported[people] == "seed table people.csv"
    assert built[cues] == imported[cues] == f"cue sheet {sheet.name}"


def test_build_asks_the_store_for_names_once_per_cue_sheet(names_lookups):
    store = make_store(data_dir=None)
    names = names_lookups(store)
    build_from_data(store, Minter("https://cuegraph.org/id/"), DATA)
    sheets = list((DATA / "cuesheets").glob("*.csv"))
    assert sheets and len(names) == len(sheets)
