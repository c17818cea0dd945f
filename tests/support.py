"""What tests import (paths, constants and plain functions); fixtures live in the conftest.py
files (``tests/conftest.py`` for every folder, ``tests/<folder>/conftest.py`` for one), and a
test asks for them by name — never ``from conftest import …``: with a conftest.py per folder
that name is ambiguous. ``tests/`` is on ``sys.path`` (``pythonpath`` in pyproject.toml).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cuegraph.graph.iris import Minter
from cuegraph.ingest import build_from_data
from cuegraph.store import Store, open_store

__all__ = [
    "ROOT",
    "DATA",
    "FIXTURES",
    "BASE",
    "make_store",
    "free_port",
    "wait_http",
    "cuegraph_cmd",
    "Served",
    "served",
    "serving_app",
]

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = "https://cuegraph.org/id/"


def make_store(url: str = "memory:", data_dir: Path | None = DATA) -> Store:
    """A store with ``data_dir`` built into it (the seed by default)."""
    store = open_store(url)
    if data_dir is not None:
        build_from_data(store, Minter(BASE), data_dir)
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until ``url`` answers HTTP (any status)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def cuegraph_cmd(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """Run the real ``cuegraph`` console script in a subprocess."""
    exe = Path(sys.executable).with_name("cuegraph")
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=kw.pop("timeout", 120),
        **kw,
    )


@dataclass
class Served:
    """A running ``cuegraph serve``: its base URL, its store URL, its process and its log."""

    base: str
    store: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        """What the server printed (stdout and stderr) so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def served(workdir: Path, env: dict | None = None) -> Iterator[Served]:
    """Build ``data/`` into ``workdir/store`` and run ``cuegraph serve`` on it until exit
    (the real console script in its own process; the ``cuegraph_server`` fixture wraps it).

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
        proc = subprocess.Popen(
            [str(exe), "--store", store, "serve", "--port", str(port)],
            env={**os.environ, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
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


@contextmanager
def serving_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a background thread of this process (for the browser
    tests, which need a real port); yields its base URL (the ``app_server`` fixture wraps it)."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/health")
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
