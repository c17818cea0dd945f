"""The HTTP server stack alone: a trivial ASGI app on several servers against ``oxigraph serve``.

``python -m benchmarks.asgi_servers [seconds]`` starts each server on 127.0.0.1, answers a
tiny ``GET`` (a trivial ASGI app returning ``true``; on oxigraph serve ``/query?query=ASK{}``
on an empty in-memory store) and measures, interleaved request by request over keep-alive
connections so machine noise hits all alike:

* p50 latency of one client;
* the server process's CPU time per request (user + system, from ``/proc``: steadier than
  wall time on a shared machine);
* throughput with 16 keep-alive clients (threads of this process).

It answers "how much of cuegraph's per-request cost is the server stack" (issue #8): ratios
against oxigraph serve, printed and written to ``benchmarks/results/asgi-servers.json``.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.http import BIN, RESULTS, _free_port

# the trivial app (no framework): what any server must do for a request at the least
APP = """
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            m = await receive()
            if m["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif m["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4")]})
    await send({"type": "http.response.body", "body": b"true"})
"""


# `cuegraph serve`'s HTTP protocol (httptools with the header deadline)
_CUEGRAPH_PROTOCOL = """
import uvicorn, tinyapp
import cuegraph.api.security as security
uvicorn.run(tinyapp.app, host="127.0.0.1", port={port}, access_log=False, loop="uvloop",
            http=security.header_deadline_protocol(10.0, "httptools"), log_level="warning")
"""


def _cpu(pids: list[int]) -> float:
    """Seconds on a CPU of every thread of ``pids`` (``schedstat``: nanoseconds, not ticks)."""
    total = 0
    for pid in pids:
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                total += int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
        except FileNotFoundError:
            continue
    return total / 1e9


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (granian runs its worker as a child)."""
    out = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        out += _tree(int(child))
    return out


class _Server:
    def __init__(self, name: str, cmd: list[str], path: str, port: int):
        self.name, self.cmd, self.path, self.port = name, cmd, path, port
        self.proc: subprocess.Popen | None = None

    def start(self, appdir: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(appdir)}
        self.proc = subprocess.Popen(
            self.cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", self.path)
                if c.getresponse().status == 200:
                    c.close()
                    time.sleep(0.3)
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def pids(self) -> list[int]:
        return _tree(self.proc.pid) if self.proc else []


def _get(conn: http.client.HTTPConnection, path: str) -> None:
    conn.request("GET", path)
    r = conn.getresponse()
    r.read()
    if r.status != 200:
        raise RuntimeError(f"status {r.status}")


def servers(port: int) -> list[_Server]:
    def uvicorn(name: str, *extra: str) -> _Server:
        cmd = [str(BIN / "uvicorn"), "tinyapp:app", "--host", "127.0.0.1", "--port", str(port)]
        return _Server(name, cmd + ["--http", "httptools", *extra], "/", port)

    out = [
        uvicorn("uvicorn httptools asyncio, access log", "--loop", "asyncio"),
        uvicorn("uvicorn httptools asyncio", "--loop", "asyncio", "--no-access-log"),
        uvicorn("uvicorn httptools uvloop", "--loop", "uvloop", "--no-access-log"),
        _Server(
            "uvicorn uvloop, header deadline",
            [str(BIN / "python"), "-c", _CUEGRAPH_PROTOCOL.format(port=port)],
            "/",
            port,
        ),
        _Server(
            "granian asgi (1 worker)",
            [
                str(BIN / "granian"),
                "--interface",
                "asgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--no-ws",
                "tinyapp:app",
            ],
            "/",
            port,
        ),
        _Server(
            "oxigraph serve (ASK {})",
            [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}"],
            "/query?query=ASK%7B%7D",
            port,
        ),
    ]
    if not (BIN / "granian").exists():  # not a dependency: `pip install granian` to compare
        out = [s for s in out if not s.name.startswith("granian")]
    return out


def main(seconds: float = 4.0, requests: int = 3000, clients: int = 16) -> dict:
    import tempfile

    appdir = Path(tempfile.mkdtemp(prefix="cuegraph-asgi-"))
    (appdir / "tinyapp.py").write_text(APP)
    results: dict[str, dict] = {}
    load_start = os.getloadavg()[0]
    # each server in turn; latency in 3 rounds so noise spreads over all of them
    all_servers = servers(_free_port())
    lat: dict[str, list[float]] = {s.name: [] for s in all_servers}
    cpu: dict[str, list[float]] = {s.name: [] for s in all_servers}
    rate: dict[str, list[float]] = {s.name: [] for s in all_servers}
    for _round in range(3):
        for s in all_servers:
            s.start(appdir)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
                for _ in range(50):
                    _get(conn, s.path)
                c0 = _cpu(s.pids())
                for _ in range(requests // 3):
                    t0 = time.perf_counter()
                    _get(conn, s.path)
                    lat[s.name].append((time.perf_counter() - t0) * 1e6)
                cpu[s.name].append((_cpu(s.pids()) - c0) / (requests // 3) * 1e6)
                conn.close()
                counts = [0] * clients
                stop = time.monotonic() + seconds

                def client(
                    i: int, s: _Server = s, stop: float = stop, counts: list = counts
                ) -> None:
                    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
                    while time.monotonic() < stop:
                        _get(c, s.path)
                        counts[i] += 1
                    c.close()

                threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
                for th in threads:
                    th.start()
                for th in threads:
                    th.join()
                rate[s.name].append(sum(counts) / seconds)
            finally:
                s.stop()
    ox = all_servers[-1].name
    for s in all_servers:
        results[s.name] = {
            "p50_us": round(statistics.median(lat[s.name])),
            "cpu_us_per_request": round(statistics.median(cpu[s.name])),
            "throughput_rps": round(statistics.median(rate[s.name])),
        }
    base = results[ox]
    print(f"\nload average {load_start:.1f} at the start, {os.cpu_count()} CPUs")
    print(
        f"{'server':40} {'p50 µs':>8} {'ratio':>6} {'CPU µs':>7} {'ratio':>6} "
        f"{'req/s':>7} {'ratio':>6}"
    )
    for name, r in results.items():
        print(
            f"{name:40} {r['p50_us']:8} {r['p50_us'] / base['p50_us']:6.2f} "
            f"{r['cpu_us_per_request']:7} "
            f"{r['cpu_us_per_request'] / base['cpu_us_per_request']:6.2f} "
            f"{r['throughput_rps']:7} {r['throughput_rps'] / base['throughput_rps']:6.2f}"
        )
    out = {"loadavg_start": round(load_start, 2), "cpus": os.cpu_count(), "servers": results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "asgi-servers.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 4.0)
