"""Credits on things (works, songs, recordings), grouped by role."""

from __future__ import annotations

from cuegraph.api.data.index import ROLE_ORDER, Ids, terms
from cuegraph.queries import render
from cuegraph.roles import role_name
from cuegraph.store import Store

__all__ = ["credits_of", "group_by_role"]


def credits_of(store: Store, ids: Ids, targets) -> dict[str, list[dict]]:
    """Every credit on each target: ``{target: [{role, person, sources, ...}]}``."""
    targets = list(dict.fromkeys(t for t in targets if t))
    out: dict[str, dict[str, dict]] = {t: {} for t in targets}
    if not targets:
        return {}
    for r in store.select(render("work_credits", targets=terms(targets))):
        entry = out[r["target"]].setdefault(r["credit"], {
            "role": role_name(r["role"]),
            "role_iri": r["role"],
            "role_text": r.get("roleText"),
            "person": {"id": ids.short(r["agent"], "person"), "iri": r["agent"],
                       "name": r.get("name") or ids.short(r["agent"], "person"),
                       "native_name": r.get("native")},
            "credit": r["credit"],
            "sources": [],
        })
        if r.get("source") and r["source"] not in entry["sources"]:
            entry["sources"].append(r["source"])
    return {t: sorted(c.values(), key=_order) for t, c in out.items()}


def _order(credit: dict) -> tuple:
    role = credit["role"]
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else 99, credit["person"]["name"])


def group_by_role(credits: list[dict]) -> dict[str, list[dict]]:
    """``{role: [person ...]}`` in role order; each person once per role, with sources."""
    out: dict[str, list[dict]] = {}
    for c in sorted(credits, key=_order):
        people = out.setdefault(c["role"], [])
        same = next((p for p in people if p["id"] == c["person"]["id"]), None)
        if same is None:
            people.append({**c["person"], "sources": list(c["sources"]),
                           "role_text": c.get("role_text")})
        else:
            same["sources"] = sorted(set(same["sources"]) | set(c["sources"]))
    return out
