"""Shared fixtures: one builder for stores loaded with the seed data, plus helpers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cuegraph.config import Settings
from cuegraph.graph.iris import Minter
from cuegraph.ingest import build_from_data
from cuegraph.store import Store, open_store

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


@pytest.fixture(scope="session")
def seed_store() -> Store:
    """The seed graph in memory, shared read-only by many tests (do not write to it)."""
    return make_store()


@pytest.fixture
def fresh_store() -> Store:
    """A private in-memory store with the seed loaded (tests may write to it)."""
    return make_store()


@pytest.fixture
def minter() -> Minter:
    return Minter(BASE)


@pytest.fixture
def settings() -> Settings:
    return Settings(store="memory:")


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
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=full_env,
                          timeout=kw.pop("timeout", 120), **kw)
