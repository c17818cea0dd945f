"""``make bench SECTION=http``: ``cuegraph serve`` against ``oxigraph serve`` on one graph.

One run generates a synthetic credit graph (:mod:`benchmarks.generate`, default 1 M triples,
``SCALE=``), loads the same file with ``cuegraph load`` and ``oxigraph load`` (wall time and
the child's peak RSS, from ``wait4``), starts both servers on those stores (oxigraph with
``--union-default-graph``, as cuegraph queries the union), and measures side by side,
interleaving A and B request by request so machine noise hits both alike:

* ``/sparql`` ``ASK {}``, a point lookup (work → score composer), the scene query and a
  top-composers aggregate: p50 / p99 over keep-alive connections (``repeats`` requests each;
  a tenth of that for the scene and aggregate queries, which take seconds at 1 M triples on
  both servers: Oxigraph evaluates their ``OPTIONAL`` parts over every cue);
* ``GET /scene`` against the equivalent raw SPARQL (``benchmarks/queries/scene.rq``) on
  oxigraph serve;
* throughput of the point lookup with 16 concurrent keep-alive clients;
* on cuegraph only: a cheap query's p99 while four runaway queries run, and each runaway's
  time to its 503; ``/health`` and ``/stats`` p50.

Every figure is printed with its target and pass/fail, and written to
``benchmarks/results/http-<scale>.json``. Whatever query path the tree has is what is measured.

The generated graph is cached in one directory, ``$CUEGRAPH_BENCH_CACHE`` (default
``.cuegraph/bench/`` in the checkout) as ``graph-<scale>-seed1.nt``; a second run, and other
benchmarks on the same graph (``benchmarks/remote.py``), reuse it. The file is written under
a ``.part`` name and renamed when complete, so an interrupted generation is never reused.

Timed requests go over plain ``http.client`` keep-alive connections (about 0.3 ms of client
CPU per request, against 2–3 ms with ``requests``), so on a busy machine the figures are
less the client's. A run can be cut down where a full one takes too long (10 M triples on a
small machine), with environment variables:

* ``CUEGRAPH_BENCH_PARTS``: a comma-separated subset of ``loads,queries,slow,scene,
  throughput,health,runaways`` (default: all; ``slow`` is the scene and aggregate queries,
  which take seconds per request at 1 M triples);
* ``CUEGRAPH_BENCH_TAG``: written to ``http-<scale>-<tag>.json`` instead (a partial run
  beside a full one);
* ``CUEGRAPH_BENCH_REPEATS`` (requests per latency figure, default 200 or ``--http-repeats``),
  ``CUEGRAPH_BENCH_SLOW_REPEATS`` (default a tenth of that, at least 5) and
  ``CUEGRAPH_BENCH_LOAD_REPEATS`` (interleaved loads of each tool: default 2 up to 2 M
  triples, 1 above);
* ``CUEGRAPH_BENCH_QUERY_TIMEOUT``: cuegraph serve's query time limit in seconds (default
  10, the product's default; at 10 M triples the scene query takes ~50 s on oxigraph serve,
  so with 10 s cuegraph answers it with its 503).

Timing starts once cuegraph's first ``/health`` count is done (it runs in a query worker
right after start-up, seconds of CPU at 1 M triples, and would share the two cores with the
first figures). ``/health`` and ``/stats`` are timed before the runaway section, in the
steady state (after it, the killed runaways' replacement workers are still starting). Load
figures include the CPU time (user + system, from ``wait4``), steadier than wall time on a
shared machine.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from benchmarks.generate import BASE
from cuegraph.namespaces import sparql_prefixes

ROOT = Path(__file__).resolve().parents[1]
QUERIES = Path(__file__).resolve().parent / "queries"
RESULTS = Path(__file__).resolve().parent / "results"
CACHE = Path(os.environ.get("CUEGRAPH_BENCH_CACHE") or ROOT / ".cuegraph" / "bench")
PARTS = ("loads", "queries", "slow", "scene", "throughput", "health", "runaways")
BIN = Path(sys.executable).parent
GRAPH = BASE + "graph/bench/generated"
JSON_ACCEPT = {"Accept": "application/sparql-results+json"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

__all__ = ["run_http"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _measured_run(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """Run a command; (wall seconds, peak RSS in MB of that child, its CPU seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


class _Server:
    def __init__(self, name: str, cmd: list[str], url: str, probe: str, env: dict, log: Path):
        self.name, self.cmd, self.url, self.probe = name, cmd, url, probe
        self.env, self.log = env, log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.cmd,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.probe, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


class Report:
    def __init__(self, scale: int, triples: int):
        self.rows: list[dict[str, Any]] = []
        self.meta: dict[str, Any] = {
            "scale": scale,
            "triples": triples,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.platform(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }

    def add(
        self,
        figure: str,
        cuegraph: float | None,
        oxigraph: float | None,
        unit: str,
        target: str = "",
        ok: bool | None = None,
        **extra: Any,
    ) -> None:
        ratio = (cuegraph / oxigraph) if cuegraph is not None and oxigraph else None
        self.rows.append(
            {
                "figure": figure,
                "cuegraph": cuegraph,
                "oxigraph": oxigraph,
                "unit": unit,
                "ratio": ratio,
                "target": target,
                "pass": ok,
                **extra,
            }
        )
        print(f"  {self._line(self.rows[-1])}", flush=True)

    @staticmethod
    def _fmt(v: float | None, unit: str) -> str:
        if v is None:
            return "-"
        return f"{v:.1f} {unit}" if v >= 10 else f"{v:.2f} {unit}"

    def _line(self, r: dict) -> str:
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "-"
        verdict = {True: "PASS", False: "FAIL", None: ""}[r["pass"]]
        return (
            f"{r['figure']:<44} {self._fmt(r['cuegraph'], r['unit']):>12} "
            f"{self._fmt(r['oxigraph'], r['unit']):>12} {ratio:>8}  "
            f"{r['target']:<24} {verdict}"
        )

    def table(self) -> str:
        head = (
            f"{'figure':<44} {'cuegraph':>12} {'oxigraph':>12} {'ratio':>8}  {'target':<24} verdict"
        )
        return "\n".join([head, "-" * len(head), *(self._line(r) for r in self.rows)])

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"meta": self.meta, "figures": self.rows}, indent=2, ensure_ascii=False)
            + "\n",
            encoding="utf-8",
        )


def _graph_file(scale: int, seed: int = 1) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"graph-{scale}-seed{seed}.nt"
    if not path.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.generate",
                "--triples",
                str(scale),
                "--seed",
                str(seed),
                "-o",
                str(path),
            ],
            cwd=ROOT,
            check=True,
        )
        print(f"generated {path} in {time.perf_counter() - t0:.0f}s", flush=True)
    return path


def _query(name: str, **params: str) -> str:
    text = sparql_prefixes() + (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    for k, v in params.items():
        text = text.replace(f"${k}", v)
    return text


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def run_http(
    scale: int = 1_000_000,
    repeats: int = 200,
    load_repeats: int | None = None,
    clients: int = 16,
    duration: float = 5.0,
    limit: float = 10.0,
    parts: set[str] | None = None,
    slow_repeats: int | None = None,
) -> int:
    started = time.monotonic()
    if parts is None:
        env = os.environ.get("CUEGRAPH_BENCH_PARTS", "").strip()
        parts = {p.strip() for p in env.split(",") if p.strip()} if env else set(PARTS)
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(
            f"CUEGRAPH_BENCH_PARTS: unknown part(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(PARTS)})"
        )
    repeats = _env_int("CUEGRAPH_BENCH_REPEATS", repeats)
    slow = _env_int(
        "CUEGRAPH_BENCH_SLOW_REPEATS",
        slow_repeats if slow_repeats is not None else max(repeats // 10, 5),
    )
    if load_repeats is None:
        load_repeats = _env_int("CUEGRAPH_BENCH_LOAD_REPEATS", 2 if scale <= 2_000_000 else 1)
    limit = float(os.environ.get("CUEGRAPH_BENCH_QUERY_TIMEOUT", "").strip() or limit)
    nt = _graph_file(scale)
    triples = sum(1 for _ in open(nt, "rb"))
    report = Report(scale, triples)
    report.meta.update(
        parts=[p for p in PARTS if p in parts],
        repeats=repeats,
        slow_repeats=slow,
        load_repeats=load_repeats,
        query_timeout=limit,
        loadavg_start=[round(x, 2) for x in os.getloadavg()],
    )
    print(
        f"\nHTTP section: {triples} triples ({nt}); cuegraph vs oxigraph, "
        f"interleaved; parts: {', '.join(report.meta['parts'])}",
        flush=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix="cuegraph-bench-http-"))
    servers: list[_Server] = []
    try:
        # --- loads (cuegraph, oxigraph, cuegraph, ...: noise hits both alike) -----------------
        loads: dict[str, list[tuple[float, float, float]]] = {"cuegraph": [], "oxigraph": []}
        n_loads = load_repeats if "loads" in parts else 1
        for i in range(n_loads):
            for name in ("cuegraph", "oxigraph"):
                if i > 0:
                    shutil.rmtree(tmp / f"{name}-{i - 1}", ignore_errors=True)
                    shutil.rmtree(tmp / f"{name}-{i - 1}.snapshots", ignore_errors=True)
                where = tmp / f"{name}-{i}"
                if name == "cuegraph":
                    cmd = [
                        str(BIN / "cuegraph"),
                        "--store",
                        f"oxigraph:{where}",
                        "load",
                        str(nt),
                        "--graph",
                        GRAPH,
                    ]
                else:
                    cmd = [
                        str(BIN / "oxigraph"),
                        "load",
                        "--location",
                        str(where),
                        "--file",
                        str(nt),
                        "--graph",
                        GRAPH,
                    ]
                wall, rss, cpu = _measured_run(cmd)
                loads[name].append((wall, rss, cpu))
                print(
                    f"  load {i + 1}/{n_loads} {name}: {wall:.1f}s wall, {cpu:.1f}s CPU, "
                    f"{rss:.0f} MB, {_du(where):.0f} MB on disk",
                    flush=True,
                )
        last = n_loads - 1
        if "loads" in parts:
            cw, ow = (
                statistics.median(w for w, _, _ in loads[n]) for n in ("cuegraph", "oxigraph")
            )
            cr, orss = (
                statistics.median(r for _, r, _ in loads[n]) for n in ("cuegraph", "oxigraph")
            )
            cc, oc = (
                statistics.median(c for _, _, c in loads[n]) for n in ("cuegraph", "oxigraph")
            )
            report.add(
                "load: wall time",
                cw,
                ow,
                "s",
                "<= 1.5x oxigraph load",
                cw <= 1.5 * ow,
                runs_cuegraph=[round(w, 1) for w, _, _ in loads["cuegraph"]],
                runs_oxigraph=[round(w, 1) for w, _, _ in loads["oxigraph"]],
            )
            report.add("load: CPU time (user + system)", cc, oc, "s")
            report.add("load: peak RSS", cr, orss, "MB", "<= 1.5x oxigraph load", cr <= 1.5 * orss)
            report.add(
                "load: size on disk",
                _du(tmp / f"cuegraph-{last}"),
                _du(tmp / f"oxigraph-{last}"),
                "MB",
            )

        # --- servers ------------------------------------------------------------------------
        if parts - {"loads"}:
            cport, oport = _free_port(), _free_port()
            cg = _Server(
                "cuegraph serve",
                [
                    str(BIN / "cuegraph"),
                    "--store",
                    f"oxigraph:{tmp / f'cuegraph-{last}'}",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(cport),
                ],
                f"http://127.0.0.1:{cport}",
                # ready when it answers a query (/health is itself a measured figure)
                f"http://127.0.0.1:{cport}/sparql?query=ASK%7B%7D",
                {"CUEGRAPH_QUERY_TIMEOUT": str(limit)},
                tmp / "cuegraph.log",
            )
            ox = _Server(
                "oxigraph serve",
                [
                    str(BIN / "oxigraph"),
                    "serve",
                    "--location",
                    str(tmp / f"oxigraph-{last}"),
                    "--bind",
                    f"127.0.0.1:{oport}",
                    "--union-default-graph",
                ],
                f"http://127.0.0.1:{oport}",
                f"http://127.0.0.1:{oport}/query?query=ASK%7B%7D",
                {},
                tmp / "oxigraph.log",
            )
            servers = [cg, ox]
            try:
                for s in servers:
                    t0 = time.perf_counter()
                    s.start(timeout=max(180.0, scale / 20_000))
                    print(f"  started {s.name} in {time.perf_counter() - t0:.1f}s", flush=True)
                t0 = time.perf_counter()
                _wait_counted(cg, timeout=max(600.0, scale / 2_000))
                waited = time.perf_counter() - t0
                print(f"  first /health count done {waited:.1f}s later", flush=True)
                _measure(report, cg, ox, parts, repeats, slow, clients, duration, limit)
            except (RuntimeError, TimeoutError, *_ERRORS) as e:  # keep what was measured
                report.meta["error"] = str(e)[-2000:]
                print(f"  stopped: {str(e)[-2000:]}", flush=True)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    report.meta["seconds"] = round(time.monotonic() - started)
    report.meta["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    tag = os.environ.get("CUEGRAPH_BENCH_TAG", "").strip()
    out = RESULTS / (f"http-{scale}-{tag}.json" if tag else f"http-{scale}.json")
    report.write(out)
    print(
        f"\ncuegraph serve vs oxigraph serve, {triples} triples, {os.cpu_count()} CPUs "
        f"(load average {report.meta['loadavg_start'][0]:.1f} at the start), Python "
        f"{platform.python_version()}; p50/p99 over {repeats} interleaved requests "
        f"({slow} for the scene and aggregate queries and /scene); "
        f"{report.meta['seconds']}s in all. Written to {out.relative_to(ROOT)}."
    )
    print(report.table())
    return 0


def _wait_counted(server: _Server, timeout: float) -> None:
    """Wait until the server's first ``/health`` count is done: it runs in a query worker
    right after start-up (seconds of CPU at 1 M triples), and timing requests meanwhile
    measures the two cores shared with it (the steady state is what the figures are for).
    A ``/health`` that keeps failing (e.g. 503 past the memory cap) stops the wait."""
    deadline = time.monotonic() + timeout
    client = _Client(server.url)
    try:
        while time.monotonic() < deadline:
            try:
                body = json.loads(client.request("GET", "/health"))
            except _ERRORS:
                return
            if not body.get("counting"):
                return
            time.sleep(0.5)
    finally:
        client.close()


class _Failed(Exception):
    """An answer with an HTTP error status."""


class _Client:
    """One keep-alive HTTP/1.1 connection (``http.client``), reopened after an error."""

    def __init__(self, url: str, timeout: float = 300.0):
        u = urlsplit(url)
        self.host, self.port, self.timeout = u.hostname or "127.0.0.1", u.port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()  # a kept-alive connection the server closed while idle
                if not reused or attempt:
                    raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
        if resp.will_close:
            self.close()
        if resp.status >= 400:
            raise _Failed(f"{method} {path}: {resp.status}")
        return data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


_ERRORS = (OSError, http.client.HTTPException, _Failed)
_FORM = {"Content-Type": "application/x-www-form-urlencoded", **JSON_ACCEPT}


def _measure(
    report: Report,
    cg: _Server,
    ox: _Server,
    parts: set[str],
    repeats: int,
    slow: int,
    clients: int,
    duration: float,
    limit: float,
) -> None:
    cs, os_ = _Client(cg.url), _Client(ox.url)

    def sparql(client: _Client, server: _Server, query: str) -> bytes:
        path = "/sparql" if server is cg else "/query"
        return client.request("POST", path, urlencode({"query": query}).encode(), _FORM)

    # a work with episodes, one of its episodes and a moment inside a timed cue
    row = json.loads(
        sparql(
            os_,
            ox,
            sparql_prefixes()
            + """
        SELECT ?w ?e ?n ?start WHERE { ?e cg:work ?w ; schema:episodeNumber ?n .
          ?c cg:episode ?e ; schema:startOffset ?start . FILTER(?n = 2) } LIMIT 1
        """,
        )
    )["results"]["bindings"][0]
    work, episode = row["w"]["value"], row["e"]["value"]
    t = float(row["start"]["value"]) + 1
    key = work.rsplit("/", 1)[1]
    point = sparql_prefixes() + f"SELECT ?c WHERE {{ <{work}> schema:musicBy ?c }}"
    scene = _query("scene", episode=f"<{episode}>", t=f"{t}")
    queries = {
        "ASK {}": "ASK {}",
        "point lookup (work -> composer)": point,
        "scene query": scene,
        "top composers (aggregate)": _query("top_composers"),
    }
    targets = {"ASK {}": 1.5, "point lookup (work -> composer)": 1.5}

    def timed(fn: Any, errors: dict[str, int], who: str) -> float:
        """Milliseconds of one request; a failed one (e.g. a 503) counts, and is counted."""
        t0 = time.perf_counter()
        try:
            fn()
        except _ERRORS:
            errors[who] += 1
        return (time.perf_counter() - t0) * 1000

    for label, q in queries.items():
        if ("queries" if label in targets else "slow") not in parts:
            continue
        n = repeats if label in targets else slow
        times: dict[str, list[float]] = {"c": [], "o": []}
        errors = {"c": 0, "o": 0}
        for _ in range(n):
            for who, client, srv in (("c", cs, cg), ("o", os_, ox)):
                times[who].append(timed(lambda c=client, v=srv, q=q: sparql(c, v, q), errors, who))
        c50, o50 = _pct(times["c"], 0.5), _pct(times["o"], 0.5)
        lim = targets.get(label)
        report.add(
            f"/sparql {label} p50",
            c50,
            o50,
            "ms",
            f"<= {lim}x oxigraph" if lim else "",
            (c50 <= lim * o50) if lim else None,
            errors_cuegraph=errors["c"],
            errors_oxigraph=errors["o"],
        )
        report.add(f"/sparql {label} p99", _pct(times["c"], 0.99), _pct(times["o"], 0.99), "ms")

    # GET /scene against the raw SPARQL on oxigraph serve
    if "scene" in parts:
        times = {"c": [], "o": []}
        errors = {"c": 0, "o": 0}
        scene_path = "/scene?" + urlencode({"work": key, "episode": 2, "t": f"{t}"})

        def get_scene() -> None:
            cs.request("GET", scene_path, headers={"Accept": "application/json"})

        for _ in range(slow):
            times["c"].append(timed(get_scene, errors, "c"))
            times["o"].append(timed(lambda: sparql(os_, ox, scene), errors, "o"))
        c50, o50 = _pct(times["c"], 0.5), _pct(times["o"], 0.5)
        report.add(
            "GET /scene p50 (vs raw scene SPARQL)",
            c50,
            o50,
            "ms",
            "<= 2x raw SPARQL",
            c50 <= 2 * o50,
            errors_cuegraph=errors["c"],
            errors_oxigraph=errors["o"],
        )
        report.add(
            "GET /scene p99 (vs raw scene SPARQL)",
            _pct(times["c"], 0.99),
            _pct(times["o"], 0.99),
            "ms",
        )

    # throughput: 16 keep-alive clients, the point lookup
    def throughput(server: _Server) -> float:
        stop = time.monotonic() + duration
        counts = [0] * clients

        def client(i: int) -> None:
            c = _Client(server.url)
            while time.monotonic() < stop:
                try:
                    sparql(c, server, point)
                    counts[i] += 1  # answered requests only
                except _ERRORS:
                    pass
            c.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        return sum(counts) / duration

    if "throughput" in parts:
        rates: dict[str, list[float]] = {"c": [], "o": []}
        for _ in range(2):
            rates["c"].append(throughput(cg))
            rates["o"].append(throughput(ox))
        c, o = statistics.median(rates["c"]), statistics.median(rates["o"])
        report.add(
            f"throughput, {clients} clients, point lookup",
            c,
            o,
            "req/s",
            ">= 0.5x oxigraph",
            c >= 0.5 * o,
        )

    # /health and /stats (steady state: before the runaways), interleaved
    if "health" in parts:
        checks = (("/health", 5.0), ("/stats", 50.0))
        times_h: dict[str, list[float]] = {path: [] for path, _ in checks}
        errs = {path: 0 for path, _ in checks}
        for path, _ in checks:  # computed once (an error is counted below)
            try:
                cs.request("GET", path, headers={"Accept": "application/json"})
            except _ERRORS:
                pass
        for _ in range(max(repeats // 2, 20)):
            for path, _ in checks:
                times_h[path].append(
                    timed(
                        lambda p=path: cs.request("GET", p, headers={"Accept": "application/json"}),
                        errs,
                        path,
                    )
                )
        for path, target in checks:
            c50 = _pct(times_h[path], 0.5)
            report.add(
                f"GET {path} p50",
                c50,
                None,
                "ms",
                f"<= {target:g} ms",
                c50 <= target and not errs[path],  # a fast 503 is no pass
                errors=errs[path],
                p99=round(_pct(times_h[path], 0.99), 2),
            )

    # runaways (cuegraph only: oxigraph serve has no working limit for them)
    if "runaways" not in parts:
        return
    results: list[tuple[int, float]] = []

    def runaway() -> None:
        t0 = time.perf_counter()
        try:
            r = requests.post(
                cg.url + "/sparql", data={"query": RUNAWAY}, headers=JSON_ACCEPT, timeout=limit * 6
            )
            results.append((r.status_code, time.perf_counter() - t0))
        except requests.RequestException:
            results.append((0, time.perf_counter() - t0))

    threads = [threading.Thread(target=runaway) for _ in range(4)]
    for th in threads:
        th.start()
    time.sleep(0.2)
    cheap: list[float] = []
    while any(th.is_alive() for th in threads):
        t0 = time.perf_counter()
        try:
            sparql(cs, cg, point)
            cheap.append((time.perf_counter() - t0) * 1000)
        except _ERRORS:
            cheap.append(float("inf"))
        time.sleep(0.02)
    for th in threads:
        th.join()
    p99 = _pct(cheap, 0.99)
    report.add(
        "cheap query p99 while 4 runaways run",
        p99,
        None,
        "ms",
        "<= 100 ms",
        p99 <= 100,
        samples=len(cheap),
        failed=sum(1 for v in cheap if v == float("inf")),
    )
    worst = max(s for _, s in results)
    all_503 = all(code == 503 for code, _ in results)
    report.add(
        "runaway: slowest time to its 503",
        worst,
        None,
        "s",
        f"503 within limit ({limit:g}s) + 1s",
        all_503 and worst <= limit + 1,
        statuses=[c for c, _ in results],
        seconds=[round(s, 2) for _, s in results],
    )
