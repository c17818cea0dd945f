"""A 50 000-node export completes within a memory limit, and the HTML page samples it.

The graph is synthetic, generated here (2 000 people, 8 000 works, 40 000 songs, one
composer credit per song) and never shipped. The export runs in a subprocess whose address
space is capped, so exhausting memory fails the test instead of the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow  # exports generated graphs of tens of thousands of nodes

MEMORY_LIMIT = 3 * 1024**3  # bytes of address space for the export process

SCRIPT = textwrap.dedent("""
    import json, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (%(limit)d, %(limit)d))
    from cuegraph.export import ExportRequest, run_export
    from cuegraph.graph.iris import Minter
    from cuegraph.store import open_store

    B = "https://cuegraph.org/id/"
    CG = "https://cuegraph.org/ns#"
    S = "https://schema.org/"
    T = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    CMP = "http://id.loc.gov/vocabulary/relators/cmp"
    PEOPLE, WORKS, SONGS = 2000, 8000, 40000

    def triples():
        for i in range(PEOPLE):
            p = f"<{B}person/p{i}>"
            yield f'{p} <{T}> <{CG}Agent> . {p} <{S}name> "Person {i}" . '
            yield f'{p} <{CG}nativeName> "人物{i}"@ja . '
        for i in range(WORKS):
            w = f"<{B}work/w{i}>"
            yield f'{w} <{T}> <{CG}Work> . {w} <{S}name> "Work {i}" . '
        for i in range(SONGS):
            s, c = f"<{B}song/s{i}>", f"<{B}credit/c{i}>"
            yield (f'{s} <{T}> <{CG}Song> . {s} <{S}name> "Song {i}" . '
                   f'{s} <{CG}work> <{B}work/w{i %% WORKS}> . {c} <{T}> <{CG}Credit> . '
                   f'{c} <{CG}agent> <{B}person/p{i %% PEOPLE}> . {c} <{CG}role> <{CMP}> . '
                   f'{c} <{CG}credits> {s} . ')

    start = time.monotonic()
    store = open_store("memory:")
    store.update("INSERT DATA { GRAPH <" + B + "graph/synthetic> { " + "".join(triples()) + "} }")
    minter = Minter(B)
    graphml = run_export(store, minter, ExportRequest(format="graphml"))
    page = run_export(store, minter, ExportRequest(format="html"))
    t = time.monotonic()
    near = run_export(store, minter, ExportRequest(format="cytoscape", composer="Person 7",
                                                   depth=2))
    near_seconds = time.monotonic() - t
    songs = [i for i in range(SONGS) if i %% PEOPLE == 7]
    expected_near = 1 + len(songs) + len({i %% WORKS for i in songs})
    print(json.dumps({
        "graphml_nodes": graphml.body.count(b"<node "),
        "graphml_edges": graphml.body.count(b"<edge "),
        "result_nodes": graphml.nodes,
        "html_warnings": page.warnings,
        "html_bytes": len(page.body),
        "html_meta": page.body.count(b'"total_nodes": 50000, "shown_nodes": 2000'),
        "near_nodes": near.nodes,
        "expected_near": expected_near,
        "near_seconds": near_seconds,
        "seconds": time.monotonic() - start,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }))
""")


def test_fifty_thousand_nodes_within_memory(tmp_path):
    script = tmp_path / "large_export.py"
    script.write_text(SCRIPT % {"limit": MEMORY_LIMIT}, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["graphml_nodes"] == out["result_nodes"] == 50_000
    assert out["graphml_edges"] == 80_000  # 40 000 credits + 40 000 song -> work
    # the page shows a sample of the default 2 000 nodes and says so
    assert out["html_meta"] == 1
    assert out["html_warnings"] and "50000 nodes" in out["html_warnings"][0]
    assert out["html_bytes"] < 5_000_000
    assert out["max_rss_mb"] * 1024**2 < MEMORY_LIMIT
    # a neighbourhood is grown with a few SPARQL queries, not read from the whole graph
    assert out["near_nodes"] == out["expected_near"] == 25
    assert out["near_seconds"] < 10
