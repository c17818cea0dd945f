"""Identity evidence and conflicts for the API: ``GET /composers/{ref}/identity``,
``GET /works/{ref}/identity`` and ``GET /conflicts`` (see :mod:`cuegraph.graph.identity`
and :mod:`cuegraph.graph.conflicts`)."""

from __future__ import annotations

from cuegraph.api.data.index import Ids, find_agent, find_work
from cuegraph.errors import BadInput
from cuegraph.graph.conflicts import STATUSES, find_conflicts
from cuegraph.graph.identity import explain
from cuegraph.graph.iris import Minter
from cuegraph.store import Store

__all__ = ["composer_identity", "work_identity", "conflicts_listing"]


def composer_identity(store: Store, base_iri: str, ref: str) -> dict:
    """The evidence joining a person or group with other records.

    Raises:
        PersonNotFound: with close matches.
    """
    agent = find_agent(store, Ids(base_iri), ref)
    return explain(store, Minter(base_iri), agent.iri, "agent")


def work_identity(store: Store, base_iri: str, ref: str) -> dict:
    """The evidence joining a work with other records.

    Raises:
        WorkNotFound: with close matches.
    """
    work = find_work(store, Ids(base_iri), ref)
    return explain(store, Minter(base_iri), work.iri, "work")


def conflicts_listing(store: Store, status: str | None = None) -> dict:
    """Every (thing, role) the sources disagree on, as ``{"data", "count", "status"}``.

    Raises:
        BadInput: an unknown status.
    """
    if status and status not in STATUSES:
        raise BadInput(
            f"unknown status {status!r}: {', '.join(STATUSES)}",
            {"status": status, "known": list(STATUSES)},
        )
    found = [c.as_dict() for c in find_conflicts(store, status or None)]
    return {"data": found, "count": len(found), "status": status or None}
