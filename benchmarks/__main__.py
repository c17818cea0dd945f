"""``make bench``: the embedded store vs ``oxigraph serve`` vs Virtuoso, side by side.

One run starts both servers on 127.0.0.1 (private directories, free ports), then for every
operation measures each store in turn, repeat after repeat (so machine noise hits them
alike), and prints medians with ratios to the embedded store:

* building the seed graph from ``data/`` (the whole ``cuegraph build`` pipeline);
* writing a synthetic cue-sheet workload (generated in memory, never written to ``data/``)
  into an empty store, and replacing it again (re-import);
* a few representative queries: scene lookup, composer profile, counts, top composers;
* identity resolution over 100 000 synthetic person records (``benchmarks/identity.py``).

Usage: ``python -m benchmarks [--repeats N] [--write-repeats N] [--query-repeats N]
[--works N]``. The embedded store is the default one, Oxigraph on disk.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.workload import synthetic_batches
from cuegraph.config import from_environment
from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.ingest import build_from_data
from cuegraph.namespaces import sparql_prefixes
from cuegraph.queries import iri, load_query
from cuegraph.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from servers import MissingServer, OxigraphServer, VirtuosoServer  # noqa: E402

__all__ = ["main"]

BASE = "https://cuegraph.org/id/"
QUERIES = Path(__file__).resolve().parent / "queries"


def _query(name: str, **params: str) -> str:
    text = sparql_prefixes() + (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    for key, value in params.items():
        text = text.replace(f"${key}", value)
    return text


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _clear(store: Store) -> None:
    for g in store.graphs():
        store.drop_graph(g)


class Results:
    """Seconds per (operation, store), in insertion order."""

    def __init__(self, stores: list[str]):
        self.stores = stores
        self.times: dict[str, dict[str, list[float]]] = {}

    def add(self, op: str, store: str, seconds: float) -> None:
        self.times.setdefault(op, {s: [] for s in self.stores})[store].append(seconds)

    def table(self) -> str:
        first = self.stores[0]
        head = [
            "operation",
            *(f"{s} (ms)" for s in self.stores),
            *(f"{s}/{first}" for s in self.stores[1:]),
        ]
        rows = [head]
        for op, per in self.times.items():
            med = {s: statistics.median(v) for s, v in per.items() if v}
            cells = [op] + [f"{med[s] * 1000:.1f}" if s in med else "-" for s in self.stores]
            for s in self.stores[1:]:
                cells.append(f"{med[s] / med[first]:.2f}x" if s in med and med.get(first) else "-")
            rows.append(cells)
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = []
        for n, r in enumerate(rows):
            lines.append(
                "  ".join(
                    c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)
                )
            )
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5, help="repeats of the seed build")
    p.add_argument("--write-repeats", type=int, default=3, help="repeats of the synthetic writes")
    p.add_argument("--query-repeats", type=int, default=15, help="repeats of each query")
    p.add_argument("--works", type=int, default=16, help="synthetic works (12 episodes each)")
    p.add_argument(
        "--identity-records",
        type=int,
        default=100_000,
        help="person records for the identity resolution benchmark (0: skip)",
    )
    p.add_argument(
        "--section",
        choices=("all", "stores", "http", "audio", "dumps", "remote", "identity"),
        default="all",
        help="stores: the embedded store vs oxigraph serve vs Virtuoso (this "
        "module); http: cuegraph serve vs oxigraph serve on a generated graph "
        "(benchmarks/http.py); audio: cue detection and clip identification "
        "on generated episodes (benchmarks/audio.py); dumps: the dump "
        "importers on generated dump files (benchmarks/dumps.py; size: "
        "CUEGRAPH_BENCH_DUMP_ENTITIES, CUEGRAPH_BENCH_DUMP_SCALE; then a "
        "CUEGRAPH_BENCH_DUMP_GB file for memory); remote: cuegraph serve on "
        "the embedded store vs on Virtuoso, --scale triples "
        "(benchmarks/remote.py); identity: `cuegraph resolve` over "
        "--identity-records synthetic person records beside just reading "
        "their rows (benchmarks/identity.py; also part of stores); all: "
        "every one",
    )
    p.add_argument(
        "--audio-minutes",
        type=float,
        default=24,
        help="length of each generated episode of the audio section",
    )
    p.add_argument(
        "--scale",
        type=int,
        default=1_000_000,
        help="triples in the generated graph of the http section",
    )
    p.add_argument(
        "--http-repeats", type=int, default=200, help="requests per figure in the http section"
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    rc = 0
    if args.section in ("all", "stores"):
        rc = _stores(args)
    if args.section in ("all", "http"):
        from benchmarks.http import run_http

        rc = run_http(scale=args.scale, repeats=args.http_repeats) or rc
    if args.section in ("all", "audio"):
        from benchmarks.audio import report as audio_report

        print()
        print(audio_report(args.audio_minutes), flush=True)
    if args.section in ("all", "dumps"):
        from benchmarks.dumps import memory_report
        from benchmarks.dumps import report as dumps_report

        print()
        print(dumps_report(), flush=True)
        print()
        print(memory_report(), flush=True)
    if args.section == "identity" and args.identity_records:  # in "stores" for "all"
        from benchmarks.identity import report as identity_report

        print(identity_report(args.identity_records), flush=True)
    if args.section in ("all", "remote"):
        from benchmarks.remote import run_remote

        rc = run_remote(scale=args.scale) or rc
    return rc


def _stores(args: argparse.Namespace) -> int:
    started = time.monotonic()
    minter = Minter(BASE)
    with tempfile.TemporaryDirectory(prefix="cuegraph-bench-") as tmp:
        servers = [OxigraphServer(Path(tmp) / "oxigraph"), VirtuosoServer(Path(tmp) / "virtuoso")]
        try:
            for server in servers:
                t = _timed(server.start)
                print(f"started {server.name} at {server.url} in {t:.1f}s", flush=True)
            timeout = from_environment().remote_timeout  # CUEGRAPH_REMOTE_TIMEOUT
            stores = {
                "embedded": open_store(f"oxigraph:{tmp}/embedded"),
                "oxigraph-serve": open_store(servers[0].url, remote_timeout=timeout),
                "virtuoso": open_store(servers[1].url, remote_timeout=timeout),
            }
            results = Results(list(stores))
            _run(args, minter, stores, results)
        except MissingServer as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        finally:
            for server in servers:
                server.stop()
    print()
    print(
        f"cuegraph benchmarks — medians; ratios are store time / embedded time "
        f"(>1 = slower than embedded). {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; repeats: seed build {args.repeats}, synthetic "
        f"writes {args.write_repeats}, queries {args.query_repeats}; "
        f"{time.monotonic() - started:.0f}s in all."
    )
    print(results.table())
    if args.identity_records:  # benchmarks/identity.py: `cuegraph resolve` at scale
        from benchmarks.identity import report

        print()
        print(report(args.identity_records))
    return 0


def _run(
    args: argparse.Namespace, minter: Minter, stores: dict[str, Store], results: Results
) -> None:
    data_dir = ROOT / "data"
    # 1. the seed graph, through the whole build pipeline
    for _ in range(args.repeats):
        for name, store in stores.items():
            _clear(store)
            results.add(
                "build seed graph (data/)",
                name,
                _timed(lambda s=store: build_from_data(s, minter, data_dir)),
            )
    print("seed build measured", flush=True)

    # 2. the synthetic workload: RDF built once (the same for every store), then written
    batches = synthetic_batches(works=args.works)
    t0 = time.perf_counter()
    graphs = [
        (str(minter.graph("bench", key)), GraphBuilder(minter).add_all(records))
        for key, records in batches
    ]
    triples = sum(len(g) for _, g in graphs)
    print(
        f"synthetic workload: {sum(len(r) for _, r in batches)} records, {triples} triples "
        f"in {len(graphs)} graphs (records -> RDF: {time.perf_counter() - t0:.1f}s, "
        "not counted below)",
        flush=True,
    )

    def write_all(store: Store) -> None:
        for g, data in graphs:
            store.replace_graph(g, data)

    label = f"write synthetic ({triples // 1000}k triples), empty store"
    for _ in range(args.write_repeats):
        for name, store in stores.items():
            _clear(store)
            build_from_data(store, minter, data_dir)
            results.add(label, name, _timed(lambda s=store: write_all(s)))
            results.add(
                "re-import synthetic (replace graphs)", name, _timed(lambda s=store: write_all(s))
            )
    print("synthetic writes measured", flush=True)

    # 3. queries on seed + synthetic
    queries = {
        "query: scene lookup (seed)": _query(
            "scene", episode=iri(f"{BASE}work/anohana/episode/5"), t="1300.0"
        ),
        "query: scene lookup (synthetic)": _query(
            "scene", episode=iri(f"{BASE}work/bench-work-3/episode/4"), t="250.0"
        ),
        "query: composer profile": _query("composer", person=iri(f"{BASE}person/yuki-kajiura")),
        "query: counts": load_query("counts"),
        "query: top composers": _query("top_composers"),
        "triple count": None,
    }
    answers: dict[str, dict[str, int]] = {}
    for _ in range(args.query_repeats):
        for name, store in stores.items():
            for label, q in queries.items():
                if q is None:
                    results.add(label, name, _timed(store.triple_count))
                    continue
                rows: list = []
                results.add(label, name, _timed(lambda s=store, q=q, r=rows: r.extend(s.select(q))))
                answers.setdefault(label, {})[name] = len(rows)
    for label, per in answers.items():  # a benchmark of wrong answers would mean nothing
        if len(set(per.values())) != 1:
            print(f"warning: {label}: stores disagree on the row count: {per}", file=sys.stderr)
    print("queries measured", flush=True)
    for store in stores.values():
        store.close()


if __name__ == "__main__":
    sys.exit(main())
