"""Real SPARQL servers on 127.0.0.1 for tests and benchmarks: ``oxigraph serve`` and Virtuoso.

Each server runs from a private directory on a free port and is stopped by the process id
it was started with. A missing binary is an error that says how to install it (``make test``
installs Virtuoso with apt-get; ``oxigraph`` comes with the test extra of pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

__all__ = [
    "SparqlServer",
    "OxigraphServer",
    "VirtuosoServer",
    "MissingServer",
    "free_port",
    "clear_store",
]


class MissingServer(RuntimeError):
    """A server binary is not installed."""


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _which(name: str, hint: str) -> str:
    local = Path(sys.executable).with_name(name)
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise MissingServer(f"`{name}` is not installed: run `make test`, which installs {hint}")
    return found


class SparqlServer:
    """A server process with a query URL; a context manager (start on enter, stop on exit)."""

    name = "server"
    query_path = "/query"

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"{self.name}.log"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint (what CUEGRAPH_STORE is set to)."""
        return f"http://127.0.0.1:{self.port}{self.query_path}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, timeout: float = 60.0) -> SparqlServer:
        """Start the process and wait until the endpoint answers a query."""
        cmd = self.command()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}: {self.log_tail()}"
                )
            try:
                r = requests.post(
                    self.url,
                    data={"query": "ASK {}"},
                    timeout=2,
                    headers={"Accept": "application/sparql-results+json"},
                )
                if r.status_code == 200:
                    self.ready()
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(
            f"{self.name} did not answer at {self.url} within {timeout}s: {self.log_tail()}"
        )

    def ready(self) -> None:
        """Called once the endpoint answers (grants, settings)."""

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the process this object started (SIGTERM, then SIGKILL)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def kill(self) -> None:
        """SIGKILL: the server dies mid-request, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def __enter__(self) -> SparqlServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class OxigraphServer(SparqlServer):
    """``oxigraph serve`` (from the PyPI package ``oxigraph``) on a RocksDB directory."""

    name = "oxigraph"
    query_path = "/query"

    def command(self) -> list[str]:
        exe = _which("oxigraph", "the PyPI package oxigraph (pip install -e '.[test]')")
        return [
            exe,
            "serve",
            "--location",
            str(self.workdir / "db"),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {d}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 100000000
MaxQueryMem = 512M
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers = 40000
MaxDirtyBuffers = 30000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
DeferInferenceRulesInit = 0
"""


class VirtuosoServer(SparqlServer):
    """A private Virtuoso 7 (Debian's virtuoso-opensource) with its database in ``workdir``.

    SPARQL Update over ``/sparql`` is granted to the anonymous ``SPARQL`` user once the
    server answers. ``ResultSetMaxRows`` is raised from the shipped 10,000 so dumps of
    large graphs are not cut.
    """

    name = "virtuoso"
    query_path = "/sparql"

    def __init__(self, workdir: Path, settings: dict[str, str] | None = None):
        """``settings``: virtuoso.ini values that replace the ones above, by key (e.g.
        ``{"ResultSetMaxRows": "20"}``); a key not above is added to ``[Parameters]``."""
        super().__init__(workdir)
        self.sql_port = free_port()
        self.settings = settings or {}

    def command(self) -> list[str]:
        exe = _which("virtuoso-t", "Debian's virtuoso-opensource with apt-get")
        (self.workdir / "vsp").mkdir(exist_ok=True)
        ini = self.workdir / "virtuoso.ini"
        text = _VIRTUOSO_INI.format(d=self.workdir, sql_port=self.sql_port, http_port=self.port)
        lines, seen = [], set()
        for line in text.splitlines():
            key = line.split("=", 1)[0].strip()
            seen.add(key)
            lines.append(f"{key} = {self.settings[key]}" if key in self.settings else line)
        at = lines.index("[Parameters]") + 1
        lines[at:at] = [f"{k} = {v}" for k, v in self.settings.items() if k not in seen]
        ini.write_text("\n".join(lines) + "\n")
        return [exe, "+foreground", "+configfile", str(ini)]

    def isql(self, sql: str) -> str:
        """Run SQL as dba through ``isql-vt``; raise on failure."""
        exe = _which("isql-vt", "Debian's virtuoso-opensource with apt-get")
        out = subprocess.run(
            [exe, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOME": str(self.workdir)},
        )
        if out.returncode != 0 or "*** Error" in out.stdout + out.stderr:
            raise RuntimeError(f"isql-vt failed on {sql!r}: {out.stdout}{out.stderr}")
        return out.stdout

    def ready(self) -> None:
        try:
            self.isql('grant SPARQL_UPDATE to "SPARQL";')
        except RuntimeError as e:
            if "already have role" not in str(e):  # a restarted server keeps its grants
                raise

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:  # a clean checkpoint-and-exit; SIGTERM below if it does not work
                self.isql("shutdown;")
                self.proc.wait(timeout)
            except (RuntimeError, subprocess.TimeoutExpired, MissingServer):
                pass
        super().stop(timeout)


def clear_store(url: str) -> None:
    """Drop every named graph cuegraph can see in the remote store at ``url``."""
    from cuegraph.store import open_store

    with open_store(url) as store:
        for g in store.graphs():
            store.drop_graph(g)
