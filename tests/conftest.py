"""Fixtures every test folder shares (a folder's own live in its conftest.py); the paths,
constants and plain helpers tests import are in ``support.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

from cuegraph.config import Settings
from cuegraph.graph.iris import Minter
from cuegraph.store import Store
from support import BASE, Served, make_store, served, serving_app

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "client(store=, settings=, **testclient): how the module's `client` fixture is built "
        "(store: the name of a fixture giving the store; settings: a Settings; the rest goes "
        "to TestClient, e.g. raise_server_exceptions=False)",
    )
    config.addinivalue_line(
        "markers",
        "serve(env): the environment the module's `server` fixture (`cuegraph serve`) runs with",
    )
    config.addinivalue_line(
        "markers",
        "source(name): the source whose stand-in URL the harvest tests' `api` fixture gives",
    )


@pytest.fixture(scope="module")
def api_client(seed_store) -> Iterator[Callable[..., TestClient]]:
    """``api_client(store=None, settings=None, lifespan=False, **testclient)``: the API over
    ``store`` (default: the read-only seed graph) with ``settings`` (default: ``Settings()``),
    in process. ``lifespan=True`` starts the app (query workers) until the end of the module;
    ``testclient`` goes to ``TestClient`` (``raise_server_exceptions=False``)."""
    from fastapi.testclient import TestClient

    from cuegraph.api import create_app

    with ExitStack() as stack:

        def make(
            store: Store | None = None,
            settings: Settings | None = None,
            lifespan: bool = False,
            close_store: bool = False,
            **testclient,
        ) -> TestClient:
            app = create_app(
                seed_store if store is None else store,
                Settings() if settings is None else settings,
                close_store=close_store,
            )
            c = TestClient(app, **testclient)
            return stack.enter_context(c) if lifespan else c

        yield make


@pytest.fixture(scope="module")
def client(request, api_client) -> TestClient:
    """The API over the read-only seed graph, in process. A module that needs other settings,
    its own store or ``TestClient`` options says so with ``pytestmark = pytest.mark.client(
    store="<fixture name>", settings=Settings(...), raise_server_exceptions=False)``."""
    mark = request.node.get_closest_marker("client")
    kw = dict(mark.kwargs) if mark else {}
    if "store" in kw:
        kw["store"] = request.getfixturevalue(kw["store"])
    return api_client(**kw)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, through Playwright) for the module; tests marked
    ``browser`` open pages in it (``tests/browser.py``: ``chromium``, ``watch``)."""
    from browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh Chromium page (its own context) recording what it did: ``page.console_errors``,
    ``page.requests`` (every URL it asked for, ``browser.watch``) and ``page.dialogs`` (the
    message of each alert/confirm, dismissed)."""
    from browser import watch

    context = browser.new_context()
    pg = context.new_page()
    pg.console_errors, pg.requests = watch(pg)
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


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


@pytest.fixture(scope="module")
def server(request, cuegraph_server) -> Served:
    """``cuegraph serve`` over the seed on disk for the module (``.base``, ``.proc``), with the
    environment the module gives by ``pytestmark = pytest.mark.serve({"CUEGRAPH_...": ...})``.
    A folder or module whose ``server`` is something else (a stand-in source) overrides it."""
    mark = request.node.get_closest_marker("serve")
    return cuegraph_server(*mark.args, **mark.kwargs) if mark else cuegraph_server()
