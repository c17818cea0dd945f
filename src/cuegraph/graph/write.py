"""Write one import or harvest run into its own named graph, with PROV-O metadata.

A run's triples go into the named graph ``{base}graph/{source}/{key}``; re-running the same
source and key replaces that graph atomically (see :meth:`cuegraph.store.Store.replace_graph`).
What the run was — source, licence, start and end times, cuegraph version, the files or URLs
it used — is written to the provenance graph ``{base}graph/provenance``, on nodes derived from
the graph IRI (``<g>``, ``<g#run>``, ``<g#software>``), replaced in the same update. The data
graph itself therefore comes out identical when the same input is imported again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from cuegraph import __version__
from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.namespaces import CG, DCTERMS, PROV, RDF, RDFS, XSD
from cuegraph.queries import iri, literal, load_update, substitute
from cuegraph.records import Record
from cuegraph.store import Store

__all__ = [
    "RunSummary",
    "write_run",
    "write_graph",
    "write_ntriples_file",
    "provenance_update",
    "xsd_now",
    "LICENSES",
]

#: short licence names -> licence IRIs (for `dump --license`)
LICENSES = {
    "cc0": "http://creativecommons.org/publicdomain/zero/1.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc-sa": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "anilist-terms": "https://anilist.co/terms",
    "animethemes-terms": "https://animethemes.moe/terms-of-service",
    "vgmdb-unknown": "https://vgmdb.net/",
}


@dataclass
class RunSummary:
    """What a run did. ``added``/``removed`` compare the new graph with the one it replaced,
    triple by triple (computed on first use from the kept old and new N-Triples)."""

    graph: str
    source: str
    records: int
    triples: int
    previous_triples: int
    seconds: float
    used: list[str] = field(default_factory=list)
    old_ntriples: bytes = field(default=b"", repr=False)
    new_graph: Graph | None = field(default=None, repr=False)
    _diff: tuple[int, int] | None = field(default=None, repr=False)

    def _counts(self) -> tuple[int, int]:
        if self._diff is None:
            if self.new_graph is None:  # nothing kept: fall back to the net change
                net = self.triples - self.previous_triples
                self._diff = (max(net, 0), max(-net, 0))
            else:
                old = Graph()
                if self.old_ntriples.strip():
                    old.parse(data=self.old_ntriples.decode("utf-8"), format="nt")
                old_set, new_set = set(old), set(self.new_graph)
                self._diff = (len(new_set - old_set), len(old_set - new_set))
        return self._diff

    @property
    def added(self) -> int:
        """Triples in the new graph that the replaced one did not have."""
        return self._counts()[0]

    @property
    def removed(self) -> int:
        """Triples of the replaced graph that the new one no longer has."""
        return self._counts()[1]


def xsd_now() -> Literal:
    """Now, as the ``xsd:dateTime`` literal PROV-O's start and end times take."""
    return Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)


def provenance_update(
    minter: Minter,
    source: str,
    key: str,
    *,
    license: str,
    used: Iterable[str] = (),
    label: str | None = None,
    record_count: int = 0,
    started: Literal | None = None,
) -> str:
    """The SPARQL update that replaces the PROV-O description of ``source``/``key``'s graph
    in the provenance graph (run with the data graph's replace, in the same swap)."""
    started = started if started is not None else xsd_now()
    g = str(minter.graph(source, key))
    prov_graph = str(minter.provenance_graph())
    meta = Graph()
    gi, run, sw = URIRef(g), URIRef(g + "#run"), URIRef(g + "#software")
    meta.add((gi, RDF.type, CG.SourceGraph))
    meta.add((gi, RDF.type, PROV.Entity))
    meta.add((gi, RDF.type, PROV.Bundle))
    meta.add((gi, CG.sourceName, Literal(source)))
    meta.add((gi, CG.graphKey, Literal(key)))
    meta.add((gi, RDFS.label, Literal(label or f"{source}: {key}")))
    meta.add((gi, DCTERMS.license, URIRef(LICENSES.get(license, license))))
    meta.add((gi, CG.recordCount, Literal(record_count)))
    meta.add((gi, PROV.wasGeneratedBy, run))
    meta.add((run, RDF.type, PROV.Activity))
    meta.add((run, PROV.startedAtTime, started))
    meta.add((run, PROV.wasAssociatedWith, sw))
    meta.add((sw, RDF.type, PROV.SoftwareAgent))
    meta.add((sw, RDFS.label, Literal(f"cuegraph {__version__}")))
    for u in dict.fromkeys(used):
        meta.add((run, PROV.used, URIRef(u) if "://" in u else Literal(u)))
    ended = xsd_now()
    meta.add((run, PROV.endedAtTime, ended))
    meta.add((gi, PROV.generatedAtTime, ended))

    body = meta.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return substitute(
        load_update("provenance_replace"),
        prov_graph=iri(prov_graph),
        graph=iri(g),
        graph_prefix=literal(g + "#"),
        body=body,
    )


def write_ntriples_file(
    store: Store,
    minter: Minter,
    source: str,
    key: str,
    path: Path,
    *,
    license: str,
    used: Iterable[str] = (),
    label: str | None = None,
    record_count: int = 0,
    started: Literal | None = None,
    t0: float | None = None,
) -> RunSummary:
    """:func:`write_graph` for a run whose triples were streamed into an N-Triples file (the
    dump importers): the graph and its provenance are replaced in one atomic step through
    :func:`cuegraph.rdfload.replace_from_ntriples_file` (a shadow store on the embedded store,
    the file fed to the bulk loader in batches), so memory does not grow with the file.
    ``added``/``removed`` of the summary are the net change (the old graph is not kept)."""
    from cuegraph.rdfload import replace_from_ntriples_file

    started = started if started is not None else xsd_now()
    t0 = t0 if t0 is not None else time.monotonic()
    g = str(minter.graph(source, key))
    previous = store.graph_size(g)
    used = list(dict.fromkeys(used))
    swap = provenance_update(
        minter,
        source,
        key,
        license=license,
        used=used,
        label=label,
        record_count=record_count,
        started=started,
    )
    written = replace_from_ntriples_file(store, g, Path(path), swap_extra=swap)
    return RunSummary(
        graph=g,
        source=source,
        records=record_count,
        triples=written,
        previous_triples=previous,
        seconds=time.monotonic() - t0,
        used=used,
    )


def write_run(
    store: Store,
    minter: Minter,
    source: str,
    key: str,
    records: Iterable[Record],
    *,
    license: str,
    used: Iterable[str] = (),
    label: str | None = None,
) -> RunSummary:
    """Build the records into a graph and write it as the named graph of ``source``/``key``.

    Args:
        store: where to write.
        minter: the IRI minter (base IRI).
        source: short source name ("cuesheet", "table", "musicbrainz", ...).
        key: what this run covers within the source (a file name, an artist id); a later run
            with the same source and key replaces this one.
        records: the run's records (fully materialised before anything is written).
        license: a key of :data:`LICENSES` or a licence IRI.
        used: the files or request URLs the run read.
        label: a human label for the graph.

    Returns:
        A :class:`RunSummary`.
    """
    started = xsd_now()
    t0 = time.monotonic()
    records = list(records)
    data = GraphBuilder(minter).add_all(records)
    return write_graph(
        store,
        minter,
        source,
        key,
        data,
        license=license,
        used=used,
        label=label,
        record_count=len(records),
        started=started,
        t0=t0,
    )


def write_graph(
    store: Store,
    minter: Minter,
    source: str,
    key: str,
    data: Graph,
    *,
    license: str,
    used: Iterable[str] = (),
    label: str | None = None,
    record_count: int | None = None,
    started: Literal | None = None,
    t0: float | None = None,
) -> RunSummary:
    """Write an already built graph as the named graph of ``source``/``key``, replacing the
    previous one atomically together with its PROV-O description (see the module docstring).
    """
    started = started if started is not None else xsd_now()
    t0 = t0 if t0 is not None else time.monotonic()
    g = str(minter.graph(source, key))
    old_ntriples = store.dump("ntriples", [g])  # empty when the graph is new
    previous = len(old_ntriples.splitlines())
    count = record_count if record_count is not None else len(data)
    used = list(dict.fromkeys(used))
    swap = provenance_update(
        minter,
        source,
        key,
        license=license,
        used=used,
        label=label,
        record_count=count,
        started=started,
    )
    written = store.replace_graph(g, data, swap_extra=swap)
    return RunSummary(
        graph=g,
        source=source,
        records=count,
        triples=written,
        previous_triples=previous,
        seconds=time.monotonic() - t0,
        used=used,
        old_ntriples=old_ntriples,
        new_graph=data,
    )
