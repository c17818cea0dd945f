"""The harvest tests' fixtures: a local stand-in for every source (recorded answers served
from 127.0.0.1; the tests never reach the internet)."""

from __future__ import annotations

import pytest
from harvest_support import point_sources_at, source_url, stand_in


@pytest.fixture
def server():
    """A pytest-httpserver on 127.0.0.1 (stopped after the test); tests route the sources'
    paths to handlers with ``harvest_support.serve``."""
    yield from stand_in()


@pytest.fixture
def point_sources(server, monkeypatch):
    """Every ``CUEGRAPH_<SOURCE>_URL`` set to the stand-in's route for that source, for code
    that reads the settings (the ingest layer, the CLI)."""
    point_sources_at(server, monkeypatch)
    return server


@pytest.fixture
def api(server, request):
    """The stand-in's base URL for the module's source, named by its marker:
    ``pytestmark = pytest.mark.source("anilist")``."""
    marker = request.node.get_closest_marker("source")
    if marker is None:
        raise pytest.UsageError("the `api` fixture needs pytest.mark.source(<name>)")
    return source_url(server, marker.args[0])
