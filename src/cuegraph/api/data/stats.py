"""Counts by type and role, and what each source contributed (from the provenance graph)."""

from __future__ import annotations

from typing import Any, Protocol

from cuegraph.namespaces import CG_NS
from cuegraph.queries import load_query
from cuegraph.roles import role_name

__all__ = ["Counted", "graph_stats"]


class Counted(Protocol):
    """What the stats read: a :class:`~cuegraph.store.Store`, or answers fetched already."""

    def select(self, query: str) -> list[dict[str, Any]]: ...

    def triple_count(self) -> int: ...


def graph_stats(store: Counted) -> dict:
    """Counts by type and by role, every source graph, and per source its last harvest."""
    types = {r["type"][len(CG_NS) :]: int(r["n"]) for r in store.select(load_query("stats_types"))}
    roles = [
        {
            "role": role_name(r["role"]),
            "role_iri": r["role"],
            "credits": int(r["credits"]),
            "agents": int(r["agents"]),
        }
        for r in store.select(load_query("stats_roles"))
    ]
    graphs = []
    for r in store.select(load_query("stats_graphs")):
        graphs.append(
            {
                "graph": r["graph"],
                "source": r["source"],
                "key": r.get("key"),
                "label": r.get("label"),
                "license": r.get("license"),
                "generated": r.get("generated"),
                "records": None if r.get("records") is None else int(r["records"]),
                "triples": int(r.get("triples") or 0),
            }
        )
    sources: dict[str, dict] = {}
    for g in graphs:
        s = sources.setdefault(
            g["source"],
            {
                "source": g["source"],
                "graphs": 0,
                "triples": 0,
                "records": 0,
                "licenses": [],
                "last_harvest": None,
            },
        )
        s["graphs"] += 1
        s["triples"] += g["triples"]
        s["records"] += g["records"] or 0
        if g["license"] and g["license"] not in s["licenses"]:
            s["licenses"].append(g["license"])
        if g["generated"] and (s["last_harvest"] is None or g["generated"] > s["last_harvest"]):
            s["last_harvest"] = g["generated"]
    return {
        "triples": store.triple_count(),
        "types": types,
        "roles": roles,
        "sources": sorted(sources.values(), key=lambda s: s["source"]),
        "graphs": graphs,
    }
