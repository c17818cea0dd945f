"""``cuegraph serve`` for real: the seed built into an on-disk store, served on a free port.

Shared by the tests that need the real server process (SPARQL clients, the time limit proven
by killing worker processes, what ``make run`` does).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import DATA, cuegraph_cmd, free_port, wait_http

__all__ = ["Served", "served"]


@dataclass
class Served:
    """A running server: its base URL, its store URL, its process and its log file."""

    base: str
    store: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """What the server printed (stdout and stderr) so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def served(workdir: Path, env: dict | None = None) -> Iterator[Served]:
    """Build ``data/`` into ``workdir/store`` and run ``cuegraph serve`` on it until exit.

    Args:
        workdir: a private directory (the store and the server's log go there).
        env: extra environment variables (``CUEGRAPH_QUERY_TIMEOUT`` ...).
    """
    store = f"oxigraph:{workdir / 'store'}"
    built = cuegraph_cmd("--store", store, "build", str(DATA))
    assert built.returncode == 0, built.stderr
    port = free_port()
    exe = Path(sys.executable).with_name("cuegraph")
    log_path = workdir / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([str(exe), "--store", store, "serve", "--port", str(port)],
                                env={**os.environ, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/health")
        yield Served(base, store, proc, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
