"""Fixtures every test folder shares (a folder's own live in its conftest.py); the paths,
constants and plain helpers tests import are in ``support.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from cuegraph.config import Settings
from cuegraph.graph.iris import Minter
from cuegraph.store import Store
from support import BASE, Served, make_store, served, serving_app


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


@pytest.fixture(scope="module")
def client(seed_store):
    """The API over the read-only seed graph, in process (a module overrides ``client`` when
    it needs other settings or a store it writes to)."""
    from fastapi.testclient import TestClient

    from cuegraph.api import create_app

    return TestClient(create_app(seed_store, Settings()))


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, through Playwright) for the module; tests marked
    ``browser`` open pages in it (``tests/browser.py``: ``chromium``, ``watch``)."""
    from browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def app_server() -> Iterator[Callable[..., str]]:
    """``app_server(app)``: serve an ASGI app on a free port of 127.0.0.1 (uvicorn in a
    thread) until the end of the module; returns its base URL."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(serving_app(app))


@pytest.fixture(scope="module")
def cuegraph_server(tmp_path_factory) -> Iterator[Callable[..., Served]]:
    """``cuegraph_server(env={...})``: the seed built into a fresh on-disk store and served by
    the real ``cuegraph serve`` process until the end of the module."""
    with ExitStack() as stack:
        yield lambda env=None, name="serve": stack.enter_context(
            served(tmp_path_factory.mktemp(name), env)
        )
