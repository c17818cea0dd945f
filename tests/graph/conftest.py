"""Fixtures of the graph and ingest tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cuegraph.store import Store


@pytest.fixture
def names_lookups(monkeypatch) -> Callable[[Store], list[str]]:
    """``names_lookups(store)``: from then on, every ``ingest_names`` query (the names of
    known people and works an import resolves against) ``store.select`` runs is appended to
    the list it returns; the real store still answers every query."""

    def start(store: Store) -> list[str]:
        asked: list[str] = []
        select = store.select

        def spy(query, *args, **kwargs):
            if "schema:alternateName ?n" in query:
                asked.append(query)
            return select(query, *args, **kwargs)

        monkeypatch.setattr(store, "select", spy)
        return asked

    return start
