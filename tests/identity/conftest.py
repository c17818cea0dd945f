"""The identity tests' fixtures."""

from __future__ import annotations

import pytest

from cuegraph.store import Store, open_store


@pytest.fixture
def store() -> Store:
    """An empty in-memory store: each test writes exactly the records it is about."""
    return open_store("memory:")
