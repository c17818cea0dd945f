"""The graphs under one licence, with their provenance (``cuegraph dump --license``)."""

from __future__ import annotations

from cuegraph.errors import BadInput
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import LICENSES
from cuegraph.queries import iri, load_query, render, terms
from cuegraph.store import Store, open_store

__all__ = ["dump_by_license"]


def dump_by_license(store: Store, minter: Minter, license: str, fmt: str = "nquads") -> bytes:
    """The graphs under one licence (a short name of
    :data:`~cuegraph.graph.write.LICENSES` or an IRI), serialised as ``fmt``.

    The provenance graph comes along, cut down to the descriptions of the graphs kept (their
    licence, run, times and request URLs), so the dump still says where its facts came from
    and under which licence; nothing about the graphs left out is included.
    """
    if license not in LICENSES and "://" not in license:
        raise BadInput(
            f"unknown licence {license!r}; choose from {', '.join(LICENSES)} or give a licence IRI"
        )
    wanted = LICENSES.get(license, license)
    kept = [r["graph"] for r in store.select(load_query("sources")) if r["license"] == wanted]
    out = open_store("memory:")
    for g in kept:
        out.replace_graph(g, store.construct(render("license_graph", graph=iri(g))))
    if kept:
        prov = str(minter.provenance_graph())
        out.replace_graph(
            prov,
            store.construct(render("license_provenance", prov=iri(prov), graphs=terms(kept))),
        )
    return out.dump(fmt)
