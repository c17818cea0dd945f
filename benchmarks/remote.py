"""``make bench SECTION=remote``: cuegraph on the embedded store vs cuegraph on Virtuoso.

The deployment measured is the README's "cuegraph serve in front of Virtuoso": the same
generated credit graph (:mod:`benchmarks.generate`, ``SCALE`` triples, cached in
``.cuegraph/bench/``) is

1. loaded with ``cuegraph load`` into a fresh embedded store and into a fresh Virtuoso (the
   server started here on 127.0.0.1 with its buffers sized for a bulk load, see
   :class:`BenchVirtuoso`): wall time and the cuegraph process's peak RSS;
2. joined by a generated MusicBrainz dump (:mod:`benchmarks.dumps`) imported with the
   importer behind ``cuegraph import musicbrainz-dump`` (read, spool, atomic replace; not
   the identity resolution the CLI runs afterwards): entities per second;
3. served by ``cuegraph serve`` on each store, and queried side by side, request by request
   (so machine noise hits both alike): ``/sparql`` ``ASK {}``, a point lookup (work ->
   score composer), the scene query, ``GET /scene`` and ``GET /health``: p50 and p99.

Ratios are Virtuoso / embedded (> 1: slower than embedded). Everything is printed and
written to ``benchmarks/results/remote-<scale>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from benchmarks.dumps import write_musicbrainz_dump
from benchmarks.http import (
    BIN,
    GRAPH,
    JSON_ACCEPT,
    RESULTS,
    ROOT,
    _free_port,
    _graph_file,
    _measured_run,
    _pct,
    _query,
    _Server,
)
from cuegraph.namespaces import sparql_prefixes

sys.path.insert(0, str(ROOT / "tests"))
from servers import VirtuosoServer  # type: ignore[import-not-found]  # noqa: E402

__all__ = ["run_remote", "BenchVirtuoso", "VIRTUOSO_SETTINGS"]

#: what the benchmark's Virtuoso changes in the test suite's virtuoso.ini (README "Remote
#: stores"): buffers for a multi-million-triple load (8 KiB pages: 340 000 ~ 2.7 GB, the
#: size Virtuoso's own ini comments give for a machine with 4 GB to spare), query time and
#: row limits that a full-graph count or dump at 10 M triples stays inside, and the size of
#: one transaction's log (50 MB by default: the swap of a 10 M-triple staging graph, one
#: request, was aborted with SR325 "log after image size went above the limit")
VIRTUOSO_SETTINGS = {
    "NumberOfBuffers": "340000",
    "MaxDirtyBuffers": "250000",
    "TransactionAfterImageLimit": "2000000000",
    "ResultSetMaxRows": "1000000",
    "MaxQueryExecutionTime": "600",
    "MaxQueryCostEstimationTime": "600",
}


class BenchVirtuoso(VirtuosoServer):
    """The test suite's private Virtuoso with :data:`VIRTUOSO_SETTINGS` applied."""

    def __init__(self, workdir: Path):
        super().__init__(workdir, VIRTUOSO_SETTINGS)


_IMPORT = """
import resource, sys, time
from pathlib import Path
from cuegraph import ingest
from cuegraph.config import from_environment
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store
store = open_store(sys.argv[1], remote_timeout=from_environment().remote_timeout)
t0 = time.perf_counter()
r = ingest.import_musicbrainz_dump(store, Minter("https://cuegraph.org/id/"),
                                   [Path(f) for f in sys.argv[2:]])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"BENCH {time.perf_counter() - t0:.3f} {peak} {r.read} {r.kept}", file=sys.stderr)
"""


def _dump_import(store_url: str, files: list[Path]) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, entities read) of one MusicBrainz dump import."""
    r = subprocess.run(
        [sys.executable, "-c", _IMPORT, store_url, *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    line = next((x for x in r.stderr.splitlines() if x.startswith("BENCH ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"dump import into {store_url} failed: {r.stderr.strip()[-1500:]}")
    _tag, secs, peak, read, _kept = line.split()
    return float(secs), int(peak) / 1024, int(read)


def _count(store_url: str) -> tuple[int, float]:
    """Quads in the store (one graph here: the triples), and the seconds that took."""
    from cuegraph.store import open_store

    with open_store(store_url, read_only=True) as s:
        t0 = time.perf_counter()
        n = s.quad_count()
        return n, time.perf_counter() - t0


class Report:
    def __init__(self, meta: dict[str, Any]):
        self.meta = meta
        self.rows: list[dict[str, Any]] = []

    def add(
        self, figure: str, embedded: float | None, virtuoso: float | None, unit: str, **extra: Any
    ) -> None:
        ratio = virtuoso / embedded if embedded and virtuoso is not None else None
        row = {
            "figure": figure,
            "embedded": embedded,
            "virtuoso": virtuoso,
            "unit": unit,
            "ratio": ratio,
            **extra,
        }
        self.rows.append(row)
        print(f"  {self._line(row)}", flush=True)

    @staticmethod
    def _fmt(v: float | None, unit: str) -> str:
        if v is None:
            return "-"
        return f"{v:,.1f} {unit}" if v >= 10 else f"{v:.2f} {unit}"

    def _line(self, r: dict) -> str:
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
        return (
            f"{r['figure']:<40} {self._fmt(r['embedded'], r['unit']):>16} "
            f"{self._fmt(r['virtuoso'], r['unit']):>16} {ratio:>9}"
        )

    def table(self) -> str:
        head = f"{'figure':<40} {'embedded':>16} {'virtuoso':>16} {'ratio':>9}"
        return "\n".join([head, "-" * len(head), *(self._line(r) for r in self.rows)])

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"meta": self.meta, "figures": self.rows}, indent=2, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )


def run_remote(
    scale: int = 1_000_000, repeats: int = 100, dump_works: int = 10_000, limit: float = 30.0
) -> int:
    started = time.monotonic()
    # single requests of a multi-million-triple load into Virtuoso take minutes (README)
    os.environ.setdefault("CUEGRAPH_REMOTE_TIMEOUT", "3600")
    nt = _graph_file(scale)
    triples = sum(1 for _ in open(nt, "rb"))
    report = Report(
        {
            "scale": scale,
            "triples": triples,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.platform(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "virtuoso_settings": VIRTUOSO_SETTINGS,
            "query_timeout_s": limit,
        }
    )
    print(
        f"\nremote section: {triples} triples ({nt.name}); cuegraph on the embedded "
        "store vs cuegraph on Virtuoso",
        flush=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix="cuegraph-bench-remote-"))
    virtuoso = BenchVirtuoso(tmp / "virtuoso")
    servers: list[_Server] = []
    try:
        t0 = time.perf_counter()
        virtuoso.start(timeout=180)
        print(
            f"  started Virtuoso at {virtuoso.url} in {time.perf_counter() - t0:.1f}s", flush=True
        )
        stores = {"embedded": f"oxigraph:{tmp / 'embedded'}", "virtuoso": virtuoso.url}

        # 1. cuegraph load of the generated graph
        loads = {}
        for name, url in stores.items():
            wall, rss, _ = _measured_run(
                [str(BIN / "cuegraph"), "--store", url, "load", str(nt), "--graph", GRAPH]
            )
            loads[name] = (wall, rss, *_count(url))
            print(
                f"  load {name}: {wall:.1f}s, peak RSS {rss:.0f} MB, {loads[name][2]} triples",
                flush=True,
            )
        e, v = loads["embedded"], loads["virtuoso"]
        report.add("cuegraph load: wall time", e[0], v[0], "s")
        report.add("cuegraph load: triples per second", triples / e[0], triples / v[0], "triples/s")
        report.add("cuegraph load: peak RSS (cuegraph)", e[1], v[1], "MB")
        report.add("triples in the store afterwards", e[2], v[2], "triples")
        report.add("COUNT(*) of every quad (Store.quad_count)", e[3], v[3], "s")

        # 2. a MusicBrainz dump imported on top
        files = write_musicbrainz_dump(tmp / "mbdump", dump_works)
        imports = {name: _dump_import(url, files) for name, url in stores.items()}
        ei, vi = imports["embedded"], imports["virtuoso"]
        report.add(f"musicbrainz-dump import ({ei[2]} entities): wall", ei[0], vi[0], "s")
        report.add(
            "musicbrainz-dump import: entities per second",
            ei[2] / ei[0],
            vi[2] / vi[0],
            "entities/s",
        )
        report.add("musicbrainz-dump import: peak RSS", ei[1], vi[1], "MB")

        # 3. cuegraph serve on each
        urls = {}
        for name, store in stores.items():
            port = _free_port()
            srv = _Server(
                f"cuegraph serve ({name})",
                [
                    str(BIN / "cuegraph"),
                    "--store",
                    store,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                f"http://127.0.0.1:{port}",
                # not /health: its first count of a remote store takes minutes at 10 M
                f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D",
                {"CUEGRAPH_QUERY_TIMEOUT": str(limit)},
                tmp / f"serve-{name}.log",
            )
            t0 = time.perf_counter()
            srv.start()
            servers.append(srv)
            urls[name] = srv.url
            print(f"  started {srv.name} in {time.perf_counter() - t0:.1f}s", flush=True)
        _measure(report, urls, repeats)
    finally:
        for s in servers:
            s.stop()
        virtuoso.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    report.meta["seconds"] = round(time.monotonic() - started)
    out = RESULTS / f"remote-{scale}.json"
    report.write(out)
    print(
        f"\ncuegraph on the embedded store vs on Virtuoso (behind cuegraph serve), "
        f"{triples} triples, {os.cpu_count()} CPUs; p50/p99 over {repeats} interleaved "
        f"requests ({max(repeats // 10, 5)} for the scene query and /scene, "
        f"{repeats} for /health, after its first count); "
        f"{report.meta['seconds']}s in all. Written to {out.relative_to(ROOT)}."
    )
    print(report.table())
    return 0


def _measure(report: Report, urls: dict[str, str], repeats: int) -> None:
    sessions = {name: requests.Session() for name in urls}

    def sparql(name: str, query: str) -> requests.Response:
        r = sessions[name].post(
            urls[name] + "/sparql", data={"query": query}, headers=JSON_ACCEPT, timeout=300
        )
        r.raise_for_status()
        return r

    # a work with episodes, one of its episodes and a moment inside a timed cue
    row = sparql(
        "embedded",
        sparql_prefixes()
        + """
        SELECT ?w ?e ?start WHERE { ?e cg:work ?w ; schema:episodeNumber 2 .
          ?c cg:episode ?e ; schema:startOffset ?start } LIMIT 1
        """,
    ).json()["results"]["bindings"][0]
    work, episode = row["w"]["value"], row["e"]["value"]
    t = float(row["start"]["value"]) + 1
    key = work.rsplit("/", 1)[1]
    point = sparql_prefixes() + f"SELECT ?c WHERE {{ <{work}> schema:musicBy ?c }}"
    scene = _query("scene", episode=f"<{episode}>", t=f"{t}")
    answers = {name: len(sparql(name, scene).json()["results"]["bindings"]) for name in urls}
    if len(set(answers.values())) != 1:  # a benchmark of wrong answers would mean nothing
        print(f"warning: the scene query's row counts differ: {answers}", file=sys.stderr)

    def get(name: str, path: str, **params: Any) -> None:
        sessions[name].get(
            urls[name] + path, params=params, headers={"Accept": "application/json"}, timeout=300
        ).raise_for_status()

    slow = max(repeats // 10, 5)
    health = repeats  # answered from memory once counted, on both stores
    for name in urls:  # the first count (started with the server) must be done first
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            body = sessions[name].get(urls[name] + "/health", timeout=300).json()
            if body.get("triples") is not None:
                break
            time.sleep(1)
    cases = [
        ("/sparql ASK {}", repeats, lambda n: sparql(n, "ASK {}")),
        ("/sparql point lookup (work -> composer)", repeats, lambda n: sparql(n, point)),
        ("/sparql scene query", slow, lambda n: sparql(n, scene)),
        ("GET /scene", slow, lambda n: get(n, "/scene", work=key, episode=2, t=f"{t}")),
        ("GET /health", health, lambda n: get(n, "/health")),
    ]
    for label, count, fn in cases:
        times: dict[str, list[float]] = {name: [] for name in urls}
        errors = dict.fromkeys(urls, 0)
        for _ in range(count):
            for name in urls:
                t0 = time.perf_counter()
                try:
                    fn(name)
                except requests.RequestException:
                    errors[name] += 1
                times[name].append((time.perf_counter() - t0) * 1000)
        for q in (0.5, 0.99):
            report.add(
                f"{label} p{round(q * 100)}",
                _pct(times["embedded"], q),
                _pct(times["virtuoso"], q),
                "ms",
                requests=count,
                errors_embedded=errors["embedded"],
                errors_virtuoso=errors["virtuoso"],
            )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_remote(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
