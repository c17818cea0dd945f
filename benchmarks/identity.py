"""Identity resolution at scale: ``cuegraph resolve`` over 100 000 synthetic person records.

Nothing here is real data: every name is made up from kana syllables and the store is a
scratch directory. The records imitate what the harvesters write for one person seen by four
sources (so about a quarter as many people as records):

* ``wikidata``: "Given Family" with a Wikidata and a MusicBrainz id, the score composer of a
  work carrying a Wikidata and an AniList id;
* ``musicbrainz``: "Given Family" with the same MusicBrainz id (joined by the shared id);
* ``anilist``: "Family Given" with long vowels written out ("ou") and the native name in
  katakana, an AniList staff id, credited on AniList's node of the work (the work joins by
  its AniList id; the person by name, in that context);
* ``cuesheet``: "FAMILY, Given" with no id at all, credited on the same AniList node;

and 1 % homonyms: a second person with the same name and another Wikidata id on the same
work (kept apart, a refusal). The records are written as N-Quads and bulk-loaded (not
timed); then, side by side in one run: just reading the rows of the three SELECTs that
read names, ids and context (the floor the store puts under any resolution), reading them
into nodes, the clustering, and the whole :func:`cuegraph.graph.identity.resolve` (read,
cluster, write the owl:sameAs graph), twice (the second on the same data). Wall and CPU
seconds are printed with the load average: on a shared machine the wall time moves with it,
the CPU time and the ratios to "just read the rows" much less (resolving is one thread, so on
a quiet machine its wall time is about its CPU time).

Usage: ``python -m benchmarks.identity [--records 100000]`` (also run by ``make bench``).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from cuegraph.graph.identity import _rows, cluster, read_nodes, resolve
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store

__all__ = ["write_records", "measure", "main"]

BASE = "https://cuegraph.org/id/"
CG, SDO = "https://cuegraph.org/ns#", "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TARGET_SECONDS = 30.0

_SYLLABLES = [
    ("ka", "カ"),
    ("ki", "キ"),
    ("ku", "ク"),
    ("ke", "ケ"),
    ("ko", "コ"),
    ("sa", "サ"),
    ("shi", "シ"),
    ("su", "ス"),
    ("se", "セ"),
    ("so", "ソ"),
    ("ta", "タ"),
    ("chi", "チ"),
    ("tsu", "ツ"),
    ("te", "テ"),
    ("to", "ト"),
    ("na", "ナ"),
    ("ni", "ニ"),
    ("no", "ノ"),
    ("ha", "ハ"),
    ("hi", "ヒ"),
    ("mi", "ミ"),
    ("mu", "ム"),
    ("ya", "ヤ"),
    ("yu", "ユ"),
    ("yo", "ヨ"),
    ("ra", "ラ"),
    ("ri", "リ"),
    ("ro", "ロ"),
    ("wa", "ワ"),
    ("ga", "ガ"),
]


def _word(rng: random.Random, n: int) -> tuple[str, str]:
    parts = [rng.choice(_SYLLABLES) for _ in range(n)]
    return "".join(p[0] for p in parts).capitalize(), "".join(p[1] for p in parts)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_records(path: Path, records: int, seed: int = 11) -> dict[str, int]:
    """Write about ``records`` person records (four per person, plus 1 % homonyms) with
    their works and credits as N-Quads; returns the counts written."""
    rng = random.Random(seed)
    people = records // 4
    counts = {"person records": 0, "works": 0, "credits": 0}
    with open(path, "w", encoding="utf-8") as out:

        def quad(graph: str, s: str, p: str, o: str) -> None:
            out.write(f"<{s}> <{p}> {o} <{BASE}graph/{graph}> .\n")

        def person(graph: str, key: str, names: list[str], ids: dict[str, str]) -> str:
            iri = f"{BASE}person/{key}"
            quad(graph, iri, RDF_TYPE, f"<{CG}Agent>")
            quad(graph, iri, CG + "kind", _lit("person"))
            quad(graph, iri, SDO + "name", _lit(names[0]))
            for alias in names[1:]:
                quad(graph, iri, CG + "nativeName", _lit(alias))
            for scheme, value in ids.items():
                quad(graph, iri, CG + scheme, _lit(value))
            counts["person records"] += 1
            return iri

        def work(graph: str, key: str, title: str, ids: dict[str, str]) -> str:
            iri = f"{BASE}work/{key}"
            quad(graph, iri, RDF_TYPE, f"<{CG}Work>")
            quad(graph, iri, SDO + "name", _lit(title))
            for scheme, value in ids.items():
                quad(graph, iri, CG + scheme, _lit(value))
            counts["works"] += 1
            return iri

        def credit(graph: str, agent: str, target: str) -> None:
            c = f"{agent}/credit/{counts['credits']}"
            quad(graph, c, RDF_TYPE, f"<{CG}Credit>")
            quad(graph, c, CG + "agent", f"<{agent}>")
            quad(graph, c, CG + "credits", f"<{target}>")
            quad(graph, c, CG + "role", f"<{CG}ScoreComposer>")
            counts["credits"] += 1

        for i in range(people):
            given, given_kana = _word(rng, 2)
            family, family_kana = _word(rng, 3)
            long_given = given.replace("o", "ou", 1)
            title = f"{_word(rng, 3)[0]} {_word(rng, 2)[0]} {i}"
            wd_work = work(
                "wikidata/w", f"wikidata/W{i}", title, {"wikidata": f"W{i}", "anilist": str(i)}
            )
            al_work = work("anilist/w", f"anilist/{i}", title.upper(), {"anilist": str(i)})
            mbid = f"mb-{i}"
            wd = person(
                "wikidata/p",
                f"wikidata/Q{i}",
                [f"{given} {family}"],
                {"wikidata": f"Q{i}", "musicbrainz": mbid},
            )
            credit("wikidata/p", wd, wd_work)
            person(
                "musicbrainz/p", f"musicbrainz/{mbid}", [f"{given} {family}"], {"musicbrainz": mbid}
            )
            al = person(
                "anilist/p",
                f"anilist/{i}",
                [f"{family} {long_given}", f"{family_kana}・{given_kana}"],
                {"anilist": str(i)},
            )
            credit("anilist/p", al, al_work)
            cs = person("cuesheet/p", f"cue-{i}", [f"{family.upper()}, {given}"], {})
            credit("cuesheet/p", cs, al_work)
            if i % 100 == 0:  # a homonym: same name, another Wikidata id, same work
                other = person(
                    "wikidata/p", f"wikidata/Q{i}h", [f"{given} {family}"], {"wikidata": f"Q{i}h"}
                )
                credit("wikidata/p", other, wd_work)
    return counts


def _rows_only(store) -> int:
    """Just read the rows identity resolution reads (the same three queries, the same way),
    building nothing: the floor that reading the store puts under ``resolve``."""
    n = 0
    for name, variables in (
        ("identity_types", ("node", "kind", "graph")),
        ("identity_facts", ("node", "what", "value")),
        ("identity_context", ("s", "p", "o")),
    ):
        for _row in _rows(store, name, variables):
            n += 1
    return n


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def measure(records: int = 100_000) -> dict[str, float | int]:
    """Build the synthetic store (untimed) and time, side by side: just reading the rows,
    reading them into nodes, clustering, the whole ``resolve`` (read + cluster + write) and
    ``resolve`` again on the same data (wall and CPU seconds of this process)."""
    minter = Minter(BASE)
    with tempfile.TemporaryDirectory(prefix="cuegraph-bench-identity-") as tmp:
        quads = Path(tmp) / "people.nq"
        counts = write_records(quads, records)
        store = open_store(f"oxigraph:{tmp}/store")
        _, load, _ = _timed(lambda: store.load_file(quads, None, "nquads"))
        rows, rows_s, rows_cpu = _timed(lambda: _rows_only(store))
        nodes, read, read_cpu = _timed(lambda: read_nodes(store))
        ident, clustering, cluster_cpu = _timed(lambda: cluster(nodes))
        res, whole, whole_cpu = _timed(lambda: resolve(store, minter))
        again, rerun, rerun_cpu = _timed(lambda: resolve(store, minter))
        store.close()
    assert again.clusters == res.clusters  # idempotent: a benchmark of a wrong answer is void
    return {
        **counts,
        "load (untimed setup) s": load,
        "rows": rows,
        "rows s": rows_s,
        "rows cpu": rows_cpu,
        "read s": read,
        "read cpu": read_cpu,
        "cluster s": clustering,
        "cluster cpu": cluster_cpu,
        "resolve s": whole,
        "resolve cpu": whole_cpu,
        "re-resolve s": rerun,
        "re-resolve cpu": rerun_cpu,
        "clusters": len(ident.clusters),
        "links": len(ident.links),
        "refusals": len(ident.refusals),
        "triples": res.triples,
    }


def report(records: int = 100_000) -> str:
    """The measurement as printable lines."""
    load_before = os.getloadavg()[0]
    m = measure(records)
    verdict = "under" if m["resolve s"] < TARGET_SECONDS else "OVER"
    cpu_verdict = "under" if m["resolve cpu"] < TARGET_SECONDS else "OVER"
    return "\n".join(
        [
            f"identity resolution: {m['person records']} person records, {m['works']} works, "
            f"{m['credits']} credits (bulk load {m['load (untimed setup) s']:.1f}s, not counted); "
            f"{os.cpu_count()} CPUs, load average {load_before:.1f} before / "
            f"{os.getloadavg()[0]:.1f} after",
            f"  {'':34s}{'wall s':>8s}{'CPU s':>8s}{'x rows':>8s}",
            *(
                f"  {label:34s}{m[k + ' s']:8.1f}{m[k + ' cpu']:8.1f}"
                f"{m[k + ' s'] / m['rows s']:7.1f}x"
                for label, k in (
                    (f"just read the {m['rows']} rows", "rows"),
                    ("read into nodes", "read"),
                    ("cluster (rules)", "cluster"),
                    ("resolve (read+cluster+write)", "resolve"),
                    ("resolve again (same data)", "re-resolve"),
                )
            ),
            f"  resolve: {m['resolve s']:.1f}s wall, {verdict} the {TARGET_SECONDS:.0f}s target "
            f"({m['resolve cpu']:.1f}s CPU, {cpu_verdict} it: the wall time of a quiet machine); "
            f"{m['clusters']} clusters, {m['links']} links, {m['triples']} owl:sameAs triples, "
            f"{m['refusals']} refusals (homonyms with different Wikidata ids kept apart)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.identity", description=__doc__.split("\n")[0]
    )
    p.add_argument("--records", type=int, default=100_000, help="person records to resolve")
    args = p.parse_args(argv)
    print(report(args.records))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
