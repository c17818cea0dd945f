"""The benchmark graph generator writes valid cuegraph data the real queries answer on."""

from __future__ import annotations

import io

from benchmarks.generate import BASE, generate, people_records, work_records
from rdflib import Graph

from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store


def _text(triples: int, seed: int = 1) -> str:
    out = io.StringIO()
    generate(out, triples, seed)
    return out.getvalue()


def test_same_size_and_seed_give_the_same_file_and_the_builders_triples():
    text = _text(5000)
    assert text == _text(5000) and text != _text(5000, seed=2)
    lines = text.splitlines()
    assert len(lines) >= 5000 and len(set(lines)) == len(lines)
    # exactly what cuegraph's own GraphBuilder makes of the same records
    people = people_records(50)
    index = 0
    expected = Graph()
    parsed = Graph().parse(data=text, format="nt")
    while len(expected) < len(parsed):
        records = people if index == 0 else []
        GraphBuilder(Minter(BASE), expected).add_all(records + work_records(index, people))
        index += 1
    assert set(parsed) == set(expected)


def test_generated_graph_validates_and_answers_scene_and_composer_queries(tmp_path):
    from cuegraph.api.data.scene import scene_lookup
    from cuegraph.validate import validate_store

    nt = tmp_path / "g.nt"
    nt.write_text(_text(4000), encoding="utf-8")
    store = open_store("memory:")
    store.load_file(nt, BASE + "graph/bench/generated")
    report = validate_store(store)
    assert report.conforms, report.violations[:5]
    names = {
        r["n"]
        for r in store.select(
            "PREFIX cg: <https://cuegraph.org/ns#> SELECT ?n { ?p a cg:Agent ; cg:nativeName ?n }"
        )
    }
    assert names and all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)
    row = store.select("""
        PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
        SELECT ?w ?n ?start { ?c cg:episode ?e ; cg:usage cg:Score ; schema:startOffset ?start .
          ?e cg:work ?w ; schema:episodeNumber ?n } ORDER BY ?c LIMIT 1""")[0]
    key = row["w"].rsplit("/", 1)[1]
    answer = scene_lookup(store, BASE, key, int(row["n"]), t=str(float(row["start"]) + 1))
    assert answer["status"] == "music" and answer["precision"] == "cue", answer
    top = store.select("""
        PREFIX schema: <https://schema.org/> PREFIX cg: <https://cuegraph.org/ns#>
        SELECT ?p (COUNT(DISTINCT ?w) AS ?n) { ?w schema:musicBy ?p } GROUP BY ?p
        ORDER BY DESC(?n) LIMIT 1""")
    assert top and top[0]["n"] >= 1
