"""`cuegraph load` through Oxigraph's own parsers: formats, strictness, atomic replace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cuegraph.errors import BadInput
from cuegraph.store import open_store
from support import cuegraph_cmd

G = "urn:x:g"

FILES = {
    "a.ttl": '@prefix ex: <urn:x:> . ex:a ex:p "one" , "二"@ja ; ex:n 3 .\n',
    "a.nt": '<urn:x:a> <urn:x:p> "one" .\n<urn:x:a> <urn:x:p> "二"@ja .\n'
    '<urn:x:a> <urn:x:n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    "a.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    'syntax-ns#" xmlns:ex="urn:x:"><rdf:Description rdf:about="urn:x:a"><ex:p>one'
    '</ex:p><ex:p xml:lang="ja">二</ex:p><ex:n rdf:datatype="http://www.w3.org/2001/'
    'XMLSchema#integer">3</ex:n></rdf:Description></rdf:RDF>\n',
    "a.jsonld": '{"@context": {"ex": "urn:x:"}, "@id": "urn:x:a", "ex:p": ["one", '
    '{"@value": "二", "@language": "ja"}], "ex:n": 3}\n',
}
EXPECTED = {
    '<urn:x:a> <urn:x:p> "one" <urn:x:g> .',
    '<urn:x:a> <urn:x:p> "二"@ja <urn:x:g> .',
    '<urn:x:a> <urn:x:n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:x:g> .',
}


def _quads(store) -> set[str]:
    return {line for line in store.dump("nquads").decode("utf-8").splitlines() if line}


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("where", ["memory", "disk"])
def test_every_format_loads_the_same_triples(tmp_path, name, where):
    f = tmp_path / name
    f.write_text(FILES[name], encoding="utf-8")
    store = open_store("memory:" if where == "memory" else f"oxigraph:{tmp_path / 's'}")
    assert store.load_file(f, G) == 3
    assert _quads(store) == EXPECTED
    store.close()


def test_dataset_formats_keep_their_graphs_and_replace_them(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    nq = tmp_path / "d.nq"
    nq.write_text(
        '<urn:x:a> <urn:x:p> "1" <urn:x:g1> .\n<urn:x:b> <urn:x:p> "2" <urn:x:g2> .\n'
        '<urn:x:c> <urn:x:p> "3" .\n'
    )
    assert store.load_file(nq, "urn:x:d") == 3
    assert store.graphs() == ["urn:x:d", "urn:x:g1", "urn:x:g2"]
    trig = tmp_path / "d.trig"
    trig.write_text('<urn:x:g1> { <urn:x:a> <urn:x:p> "new" }\n')
    store.load_file(trig, None)
    assert _quads(store) == {
        '<urn:x:a> <urn:x:p> "new" <urn:x:g1> .',
        '<urn:x:b> <urn:x:p> "2" <urn:x:g2> .',
        '<urn:x:c> <urn:x:p> "3" <urn:x:d> .',
    }
    store.close()


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_a_bad_file_is_refused_and_the_store_is_unchanged(tmp_path, where):
    store = open_store("memory:" if where == "memory" else f"oxigraph:{tmp_path / 's'}")
    good = tmp_path / "good.nt"
    good.write_text('<urn:x:a> <urn:x:p> "old" .\n')
    store.load_file(good, G)
    before = _quads(store)
    cases = {
        "cut.nt": '<urn:x:a> <urn:x:p> "new" .\n<urn:x:b> <urn:x:p> "cut',
        "badiri.nt": "<urn:x:a> <urn:x:p> <http://exa mple.org/x> .\n",  # strict: not lenient
        "badlit.ttl": '<urn:x:a> <urn:x:p> "x"^^<urn:x:t> ; <urn:x:q> "1"@-bad- .\n',
    }
    for name, text in cases.items():
        f = tmp_path / name
        f.write_text(text)
        with pytest.raises(BadInput, match=f"{name}: cannot parse as"):
            store.load_file(f, G)
        assert _quads(store) == before
    store.close()
    if where == "disk":
        assert not [p for p in tmp_path.iterdir() if ".shadow-" in p.name]


def test_cli_load_error_is_one_line(tmp_path):
    store = f"oxigraph:{tmp_path / 's'}"
    f = tmp_path / "cut.nt"
    f.write_text('<urn:x:a> <urn:x:p> "cut')
    res = cuegraph_cmd("--store", store, "load", str(f), "--graph", G)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stderr.strip().startswith("error: ")
    assert "cut.nt: cannot parse as ntriples" in res.stderr


def _big_file(path: Path, n: int, value: str) -> Path:
    with open(path, "w") as f:
        for i in range(n):
            f.write(f'<urn:x:s{i}> <urn:x:p> "{value} {i}" .\n')
    return path


def test_kill_9_mid_load_leaves_the_previous_graph(tmp_path):
    """SIGKILL while a big replacement is loading, then again while a load is swapping:
    the graph is all-old or all-new, never partial, and leftovers go at the next load."""
    url = f"oxigraph:{tmp_path / 's'}"
    old = _big_file(tmp_path / "old.nt", 1000, "old")
    assert cuegraph_cmd("--store", url, "load", str(old), "--graph", G).returncode == 0
    before = cuegraph_cmd("--store", url, "dump", "-f", "nquads").stdout
    big = _big_file(tmp_path / "big.nt", 400_000, "new")
    exe = Path(sys.executable).with_name("cuegraph")
    proc = subprocess.Popen(
        [str(exe), "--store", url, "load", str(big), "--graph", G],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # until loading has started
        if any(".shadow-" in p.name for p in tmp_path.iterdir()):
            time.sleep(0.5)
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the load ended before it could be killed; use a bigger file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert cuegraph_cmd("--store", url, "dump", "-f", "nquads").stdout == before
    # the next load removes the killed one's shadow store and replaces the graph whole
    small = _big_file(tmp_path / "small.nt", 10, "next")
    assert cuegraph_cmd("--store", url, "load", str(small), "--graph", G).returncode == 0
    after = cuegraph_cmd("--store", url, "dump", "-f", "nquads").stdout
    assert after.count("<urn:x:g>") == 10 and '"next 9"' in after and "old" not in after
    assert not [p for p in tmp_path.iterdir() if ".shadow-" in p.name]


def test_a_failure_late_in_a_big_file_writes_nothing(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    store.load_file(_big_file(tmp_path / "old.nt", 100, "old"), G)
    before = _quads(store)
    big = _big_file(tmp_path / "big.nt", 50_000, "new")
    with open(big, "a") as f:
        f.write("<urn:x:last> <urn:x:p> oops .\n")
    with pytest.raises(BadInput, match="big.nt: cannot parse as ntriples"):
        store.load_file(big, G)
    assert _quads(store) == before
    store.close()


def test_replace_graph_of_a_large_graph_is_atomic_through_the_shadow_store(tmp_path, monkeypatch):
    """The writer path (build, import, harvest) above the shadow threshold: a failing
    swap update (the provenance part) leaves everything as it was."""
    from rdflib import Graph, Literal, URIRef

    from cuegraph import rdfload
    from cuegraph.errors import BadQuery

    monkeypatch.setattr(rdfload, "SHADOW_BYTES", 10_000)
    used: list[str] = []
    real = rdfload.replace_ntriples_shadow
    monkeypatch.setattr(
        rdfload,
        "replace_ntriples_shadow",
        lambda store, g, *a: (used.append(g), real(store, g, *a)),
    )
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    data = Graph()
    for i in range(3000):
        data.add((URIRef(f"urn:x:s{i}"), URIRef("urn:x:p"), Literal(f"value {i}")))
    store.replace_graph(
        G, data, swap_extra="INSERT DATA { GRAPH <urn:x:prov> { <urn:x:g> <urn:x:p> 1 } }"
    )
    assert used == [G]
    assert len(store.dump("nquads", [G]).splitlines()) == 3000
    assert store.graphs() == [G, "urn:x:prov"]
    before = store.dump("nquads")
    with pytest.raises(BadQuery):
        store.replace_graph(
            G,
            Graph().parse(data='<urn:x:a> <urn:x:p> "1" .', format="nt") + data,
            swap_extra="THIS IS NOT SPARQL",
        )
    assert used == [G, G]
    assert store.dump("nquads") == before
    store.close()
