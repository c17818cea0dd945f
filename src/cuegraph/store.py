"""The store: the only module that knows the backend.

``open_store(url)`` takes

* ``oxigraph:PATH`` — the embedded Oxigraph store on disk (the default, ``.cuegraph/store``);
* ``memory:`` — an in-memory Oxigraph store (tests);
* ``http(s)://...`` — a remote SPARQL 1.1 endpoint (query URL; the update URL is derived or
  configured, see :class:`cuegraph.config.Settings`).

All data lives in named graphs. Queries see the union of all graphs as their default graph
(unless the caller names graphs), so ``SELECT * { ?s ?p ?o }`` finds every triple.
Each import or harvest run goes through :meth:`Store.replace_graph`, so a failed run leaves
the previous graph as it was: the embedded store replaces a small graph in one SPARQL Update
transaction and a large one by loading a shadow store and swapping the directories
(:mod:`cuegraph.rdfload`); a remote store loads a staging graph and swaps it in with one
request (:class:`RemoteStore`).

Every backend honours one interface (:class:`Store`): the same arguments (row limits,
predeclared prefixes), errors raised as cuegraph's own exceptions (:mod:`cuegraph.errors`,
never pyoxigraph's or the HTTP client's), ``flush``/``publish``, and the executor that
bounds queries in time (:meth:`Store.query_executor`, :mod:`cuegraph.engine.executor`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import requests
from rdflib import Graph

from cuegraph.engine.formats import (
    GRAPH_FORMATS,
    OX_RDF,
    OX_RESULTS,
    RDF_FILE_FORMATS,
    RESULT_FORMATS,
)
from cuegraph.errors import (
    BadInput,
    BadQuery,
    CuegraphError,
    QueryTimeout,
    StoreError,
    StoreLocked,
    first_line,
)
from cuegraph.queries import iri, literal, load_query, render, render_update
from cuegraph.queries.form import query_form, tokens

if TYPE_CHECKING:
    from cuegraph.engine.snapshots import Lease

__all__ = [
    "Store",
    "OxigraphStore",
    "RemoteStore",
    "open_store",
    "StoreOrOpener",
    "writing",
    "QueryOutput",
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "RDF_FILE_FORMATS",
]

#: the number of distinct triples in the union of all graphs (a triple kept in several
#: graphs counts once; pyoxigraph 0.5.13 would count it once per graph, oxigraph#1919)
DISTINCT_TRIPLES = load_query("store_triples")
_NUMERIC = {"integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"}
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class QueryOutput:
    """A serialised query answer: the query form, its media type and the bytes."""

    form: str  # "select", "ask" or "graph"
    media_type: str
    body: bytes
    truncated: bool = False  # more than ``max_rows`` rows/triples: only the first were kept
    #: the limit that cut it when it was not ``max_rows``: a remote server's own (Virtuoso's
    #: ``ResultSetMaxRows``)
    row_limit: int | None = None


def _py_value(kind: str, value: str, datatype: str | None) -> Any:
    if kind == "bnode":
        return "_:" + value
    if kind in ("literal", "typed-literal") and datatype and datatype.startswith(_XSD):
        local = datatype[len(_XSD) :]
        try:
            if local in _NUMERIC:
                return int(value)
            if local in ("decimal", "double", "float"):
                return float(value)
            if local == "boolean":
                return value in ("true", "1")
        except ValueError:
            return value
    return value


def _ox_value(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return _py_value("literal", term.value, term.datatype.value)
    return str(term)


class Store:
    """Common interface; see :class:`OxigraphStore` and :class:`RemoteStore`.

    Capability flags (like rdflib's ``Store``): ``persistent``, ``read_only``, ``embedded``
    (the engine runs in this process: its updates can run where no socket opens).
    """

    url: str = ""
    persistent = False
    read_only = False
    embedded = False
    #: the newest published snapshot's generation (0: the store publishes none)
    generation = 0

    # --- reading ----------------------------------------------------------------------
    def select(self, query: str) -> list[dict[str, Any]]:
        """Run a SELECT; rows map variable names to Python values (IRIs as strings)."""
        raise NotImplementedError

    def ask(self, query: str) -> bool:
        raise NotImplementedError

    def construct(self, query: str) -> Graph:
        """Run a CONSTRUCT/DESCRIBE and return an rdflib Graph."""
        raise NotImplementedError

    def query_serialized(
        self,
        query: str,
        *,
        result_format: str = "json",
        graph_format: str = "turtle",
        default_graph_uris: list[str] | None = None,
        named_graph_uris: list[str] | None = None,
        max_rows: int | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryOutput:
        """Run any query and serialise the answer (the SPARQL endpoint's path).

        Args:
            max_rows: keep at most this many rows (triples); ``truncated`` tells if more.
            prefixes: declared for the query without changing its text's line numbers
                where the backend can (the embedded engine), else written before it.
            base_iri: relative IRIs resolve against it.

        Raises:
            BadQuery: the query does not parse or cannot be evaluated.
            QueryTimeout / StoreError: the backend timed out or failed.
        """
        raise NotImplementedError

    def triple_count(self) -> int:
        """Number of distinct triples in the store (one in several graphs counts once)."""
        raise NotImplementedError

    def quad_count(self) -> int:
        """Number of quads (a triple counts once per graph holding it): a dump's lines."""
        raise NotImplementedError

    def graphs(self) -> list[str]:
        """IRIs of the named graphs."""
        rows = self.select(load_query("store_graphs"))
        return [r["g"] for r in rows]

    def graph_size(self, graph_iri: str) -> int:
        """Number of triples in one named graph (0: none, or no such graph)."""
        rows = self.select(render("graph_size", graph=iri(graph_iri)))
        return int(rows[0]["n"]) if rows else 0

    def dump(self, fmt: str = "nquads", graphs: list[str] | None = None) -> bytes:
        """Serialise the store (or some graphs) as N-Quads/TriG, or merged as a triple format."""
        raise NotImplementedError

    # --- writing ----------------------------------------------------------------------
    def update(self, update: str) -> None:
        raise NotImplementedError

    def _load_ntriples(self, data: bytes, graph_iri: str) -> None:
        raise NotImplementedError

    def replace_graph(self, graph_iri: str, data: Graph, swap_extra: str = "") -> int:
        """Atomically replace named graph ``graph_iri`` with ``data``.

        The triples go to a staging graph first; one SPARQL Update then drops the old graph,
        moves the staging graph in and runs ``swap_extra`` (e.g. the provenance update). If
        anything fails before that update, the old graph is untouched.

        Returns:
            The number of triples written.
        """
        self._check_writable()
        self.replace_ntriples(graph_iri, data.serialize(format="nt", encoding="utf-8"), swap_extra)
        return len(data)

    def replace_ntriples(
        self, graph_iri: str, payload: bytes | Iterable[bytes], swap_extra: str = ""
    ) -> None:
        """:meth:`replace_graph` with the new triples already written as N-Triples: one
        payload, or an iterable of chunks of whole lines taken one at a time (a file read
        in chunks: the staging graph is loaded chunk by chunk, so memory stays bounded by a
        chunk whatever the file's size)."""
        self._check_writable()
        staging = graph_iri + "#staging"
        self.update(render_update("graph_drop", graph=iri(staging)))
        for chunk in [payload] if isinstance(payload, bytes) else payload:
            if chunk.strip():
                self._load_ntriples(chunk, staging)
        swap = render_update("graph_swap", graph=iri(graph_iri), staging=iri(staging))
        self.update(swap + (" ;\n" + swap_extra if swap_extra else ""))

    def drop_graph(self, graph_iri: str) -> None:
        self._check_writable()
        self.update(render_update("graph_drop", graph=iri(graph_iri)))

    @property
    def shadow_swap(self) -> bool:
        """Whether whole graphs can be replaced through a shadow store swapped in atomically
        (:func:`cuegraph.rdfload.shadow_replace`): the embedded store on disk, where the
        filesystem can exchange two directories. Others replace through ``replace_ntriples``."""
        return False

    def mark_changed(self) -> None:
        """Record a write made beside this object's own methods (the shadow swap), so the
        next :meth:`publish` gives readers the new state. A no-op for stores without
        snapshots."""

    def load_file(
        self,
        path: Path,
        graph_iri: str | None,
        fmt: str | None = None,
        *,
        allow_remote_context: bool = False,
    ) -> int:
        """Parse an RDF file with Oxigraph's parsers and replace ``graph_iri`` (or the graphs
        it names) with it; see :mod:`cuegraph.rdfload`."""
        return _load_file(self, path, graph_iri, fmt, allow_remote_context)

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.url} is open read-only")

    # --- durability, snapshots, the executor --------------------------------------------
    def flush(self) -> None:
        """Make written data durable (a no-op where every write already is)."""

    @property
    def snapshot_path(self) -> str | None:
        """The on-disk store whose published snapshots query workers read; ``None`` when
        queries run on the store itself (in memory, remote)."""
        return None

    def snapshot_stale(self) -> bool:
        """Whether a write happened since the newest snapshot was published."""
        return False

    def scratch_dir(self) -> Path | None:
        """Where large temporary files (an import's spool) belong: on the store's own disk,
        beside an embedded store on disk; ``None``: the system's temporary directory."""
        return None

    def publish(self) -> int:
        """Publish a snapshot of the committed state if a write happened since the last one;
        the generation readers should open (0 for stores without snapshots)."""
        return self.generation

    def backup(self, target: Path) -> None:
        """Write a consistent copy of the store to the new directory ``target``: only the
        embedded store on disk can (a remote store is backed up by its own server)."""
        raise BadInput(
            f"the store {self.url} is not the embedded store: back it up with its own "
            "server's tools, or `cuegraph dump -f nquads`"
        )

    def query_executor(
        self,
        timeout: float,
        *,
        workers: int | None = None,
        memory: int = 0,
        long_after: float = 0.25,
        max_long: int | None = None,
    ) -> Any:
        """The executor that runs this store's queries under an end-to-end time limit (a
        :class:`cuegraph.engine.executor.QueryExecutor`: worker processes on snapshots for
        the embedded store on disk, threads otherwise)."""
        from cuegraph.engine.executor import QueryExecutor

        return QueryExecutor(
            self, timeout, workers=workers, memory=memory, long_after=long_after, max_long=max_long
        )

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OxigraphStore(Store):
    """The embedded Oxigraph store (pyoxigraph), on disk or in memory."""

    embedded = True

    def __init__(self, path: str | None, read_only: bool = False):
        self.path = path
        self.url = f"oxigraph:{path}" if path else "memory:"
        self.persistent = path is not None
        self.read_only = read_only
        self._lease: Lease | None = None  # the snapshot a reader beside a writer opened
        self._version = 0  # bumped by every write through this object
        self._published = -1  # the version the newest snapshot holds
        self.generation = 0  # the newest snapshot's generation (0: none published)
        self._snap_lock = threading.Lock()
        try:
            if path is None:
                self._ox = ox.Store()
            elif read_only:
                if not Path(path, "CURRENT").exists():
                    raise StoreError(
                        f"no store at {path}: build it first (`cuegraph build` or `make run`)"
                    )
                self._ox = self._open_for_reading(path)
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(path)
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreLocked(
                    f"the store at {path} is in use by another process (is `cuegraph serve` "
                    "running?). Stop it first, or use a read-only command (query, stats, dump, "
                    "export), which can run beside it."
                ) from None
            raise StoreError(f"cannot open store at {path}: {e}") from None
        if path is not None and not read_only:
            # readers beside this writer read this state until the next one; the newest
            # snapshot often holds it already (a clean close publishes): then no checkpoint
            from cuegraph.engine.snapshots import Snapshots

            current = Snapshots(path).current(path)
            if current is None:
                self.publish()
            else:
                self.generation, self._published = current, self._version

    def _open_for_reading(self, path: str) -> ox.Store:
        """The store itself when no process holds it (holding its lock while reading, so
        no writer starts meanwhile); beside a writer, the writer's newest snapshot (a
        consistent checkpoint nobody writes to), never the files the writer changes."""
        from cuegraph.engine.snapshots import Snapshots

        try:
            return ox.Store(path)
        except OSError as e:
            if "lock" not in str(e).lower():
                try:
                    return ox.Store.read_only(path)  # e.g. no write permission: nobody writes
                except OSError:
                    raise e from None
        self._lease = Snapshots(path).open_newest()
        if self._lease is None:
            raise StoreLocked(
                f"the store at {path} is in use by a process that publishes no snapshot to "
                "read (an older cuegraph?); stop it or try again when it has finished"
            )
        self.generation = self._lease.generation
        return self._lease.store

    # --- snapshots (see cuegraph.engine.snapshots) -------------------------------------
    @property
    def snapshot_path(self) -> str | None:
        return self.path

    def scratch_dir(self) -> Path | None:
        return Path(self.path).resolve().parent if self.path else None

    def snapshot_stale(self) -> bool:
        """Whether a write happened since the newest snapshot was published."""
        if self.path is None or self.read_only:
            return False  # nothing to publish: memory stores and readers
        return self._published != self._version

    def publish(self) -> int:
        """Publish a snapshot of the committed state if a write happened since the last one;
        the generation readers should open. 0 for stores that have none (memory, readers)."""
        if self.path is None or self.read_only or getattr(self, "_ox", None) is None:
            return self.generation
        with self._snap_lock:
            if self._published != self._version:
                from cuegraph.engine.snapshots import Snapshots

                version = self._version
                try:
                    self.generation = Snapshots(self.path).publish(self._ox)
                except OSError as e:
                    raise StoreError(f"cannot publish a snapshot of {self.path}: {e}") from None
                self._published = version
            return self.generation

    def mark_changed(self) -> None:
        self._version += 1

    @property
    def shadow_swap(self) -> bool:
        from cuegraph import rdfload

        return self.persistent and rdfload.exchange_supported()

    def _run(
        self,
        query: str,
        default_graph_uris=None,
        named_graph_uris=None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ):
        from cuegraph.engine.oxquery import QueryFailed, execute

        try:
            return execute(
                self._ox, query, default_graph_uris, named_graph_uris, prefixes, base_iri
            )
        except QueryFailed as e:
            raise e.error() from None

    def select(self, query: str) -> list[dict[str, Any]]:
        result = self._run(query)
        if not isinstance(result, ox.QuerySolutions):
            raise BadQuery("expected a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        with _reading():
            for sol in result:
                row = {}
                for name in names:
                    term = sol[name]
                    if term is not None:
                        row[name] = _ox_value(term)
                rows.append(row)
        return rows

    def ask(self, query: str) -> bool:
        result = self._run(query)
        if not isinstance(result, ox.QueryBoolean):
            raise BadQuery("expected an ASK query")
        return bool(result)

    def construct(self, query: str) -> Graph:
        result = self._run(query)
        if not isinstance(result, ox.QueryTriples):
            raise BadQuery("expected a CONSTRUCT or DESCRIBE query")
        with _reading():
            data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        g = Graph()
        if data:
            g.parse(data=data.decode("utf-8"), format="nt")
        return g

    def query_serialized(
        self,
        query,
        *,
        result_format="json",
        graph_format="turtle",
        default_graph_uris=None,
        named_graph_uris=None,
        max_rows: int | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryOutput:
        from cuegraph.engine.oxquery import serialize

        result = self._run(query, default_graph_uris, named_graph_uris, prefixes, base_iri)
        with _reading():
            return QueryOutput(*serialize(result, result_format, graph_format, max_rows))

    def triple_count(self) -> int:
        """Distinct triples: one that sits in several graphs counts once."""
        rows = self.select(DISTINCT_TRIPLES)
        return int(rows[0]["n"]) if rows else 0

    def quad_count(self) -> int:
        return len(self._ox)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, fmt: str = "nquads", graphs: list[str] | None = None) -> bytes:
        data = self._dump(fmt, graphs)
        if fmt in ("nquads", "ntriples"):  # line formats: sorted, so equal graphs dump equal
            data = b"".join(sorted(set(data.splitlines(keepends=True))))
        return data

    def _dump(self, fmt: str, graphs: list[str] | None) -> bytes:
        if fmt not in OX_RDF:
            raise BadInput(f"unknown format {fmt!r}; choose from {', '.join(OX_RDF)}")
        targets = [_graph_node(g) for g in (graphs if graphs is not None else self.graphs())]
        if fmt in ("nquads", "trig"):
            ds = ox.Dataset()
            for g in targets:
                for q in self._ox.quads_for_pattern(None, None, None, g):
                    ds.add(q)
            return ox.serialize(ds, format=OX_RDF[fmt]) or b""
        triples = []
        for g in targets:
            for q in self._ox.quads_for_pattern(None, None, None, g):
                triples.append(q.triple)
        return ox.serialize(triples, format=OX_RDF[fmt]) or b""

    def update(self, update: str) -> None:
        self._check_writable()
        self.mark_changed()
        try:
            self._ox.update(update)
        except SyntaxError as e:
            raise BadQuery(f"SPARQL Update syntax error: {e}") from None
        except OSError as e:
            raise StoreError(f"store write failed: {e}") from None
        except ValueError as e:
            raise BadQuery(f"bad SPARQL Update: {e}") from None
        except RuntimeError as e:  # evaluation, e.g. CLEAR GRAPH of a graph that is absent
            raise BadQuery(f"the update failed: {e}") from None

    def _load_ntriples(self, data: bytes, graph_iri: str) -> None:
        self._ox.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri))

    def replace_ntriples(
        self, graph_iri: str, payload: bytes | Iterable[bytes], swap_extra: str = ""
    ) -> None:
        """Small graphs: one SPARQL Update — drop, ``INSERT DATA``, ``swap_extra`` — in one
        transaction. Large ones on disk: Oxigraph's N-Triples parser into a shadow store,
        swapped in atomically (:func:`cuegraph.rdfload.shadow_replace`); copying a staging
        graph with ``ADD`` costs far more than either. Chunks are joined first (large files
        reach the on-disk store through :mod:`cuegraph.rdfload`'s shadow store instead)."""
        from cuegraph import rdfload

        self._check_writable()
        if not isinstance(payload, bytes):
            payload = b"".join(payload)
        if self.shadow_swap and len(payload) > rdfload.SHADOW_BYTES:
            rdfload.replace_ntriples_shadow(self, graph_iri, payload, swap_extra)
            return
        text = payload.decode("utf-8")
        ops = [render_update("graph_drop", graph=iri(graph_iri))]
        if text.strip():
            ops.append(render_update("graph_insert", graph=iri(graph_iri), body=text))
        if swap_extra:
            ops.append(swap_extra)
        self.update(" ;\n".join(ops))

    def flush(self) -> None:
        if self.persistent and not self.read_only:
            self._ox.flush()

    def backup(self, target: Path) -> None:
        """Write a consistent copy of the on-disk store to the new directory ``target``
        (Oxigraph's own backup; a store opened beside a writer copies its newest snapshot).
        The copy opens like any store: ``oxigraph:<target>``."""
        if not self.persistent:
            raise BadInput("only an on-disk store can be backed up (this one is in memory)")
        if target.exists():
            target.rmdir()  # empty (the CLI checks): Oxigraph creates the directory itself
        try:
            self._ox.backup(str(target))
        except OSError as e:
            raise StoreError(f"backup to {target} failed: {e}") from None

    def close(self) -> None:
        if getattr(self, "_ox", None) is not None:
            self.flush()
            if self.snapshot_stale():
                try:
                    self.publish()  # what readers beside the next writer will see
                except StoreError:
                    pass
            del self._ox
            self._ox = None  # type: ignore[assignment]  # closed: any use fails loudly
        if self._lease is not None:
            self._lease.close()
            self._lease = None


class RemoteStore(Store):
    """A remote SPARQL 1.1 endpoint (e.g. ``oxigraph serve``, Virtuoso, Fuseki).

    Queries are POSTed form-encoded with an ``Accept`` header; updates are POSTed as
    ``application/sparql-update`` to :attr:`update_url`. The server is identified once, from
    the ``Server`` header of a first ``ASK {}``, to smooth over known differences:

    * ``oxigraph`` (``oxigraph serve``): queries get ``union-default-graph`` so that, as with
      the embedded store, the default graph is the union of the named graphs.
    * ``virtuoso``: its default graph already is the union of every graph, but that includes
      its own system graphs, which :meth:`graphs`, :meth:`triple_count` and :meth:`dump` leave
      out. Virtuoso 7.2 cannot store ``xsd:duration`` literals (openlink/virtuoso-opensource
      #224, #936), so they are written with the private datatype :data:`VIRTUOSO_DURATION` and
      turned back into ``xsd:duration`` by :meth:`select`, :meth:`construct`, :meth:`dump` and
      :meth:`query_serialized`; a query that filters on ``DATATYPE(?x) = xsd:duration`` does
      not see them.
    * ``generic`` (anything else, e.g. Fuseki): nothing special; the dataset must be
      configured with a union default graph (Fuseki: ``tdb2:unionDefaultGraph true``).

    Atomicity of :meth:`replace_graph`: the new triples go to a staging graph in chunks
    (``INSERT DATA``; on Virtuoso, N-Triples POSTed to its Graph Store endpoint
    ``…/sparql-graph-crud`` when that is open to us, which is much faster), then one swap
    request replaces the graph. A failure while loading leaves the old graph untouched on
    every server (the staging graph is dropped again). The swap request is one transaction
    on Oxigraph; on Virtuoso it is not (an operation failing inside a request keeps the
    effect of the ones before it), so only the short swap itself is exposed there.
    """

    persistent = True
    #: triples per INSERT DATA request while loading a staging graph
    insert_chunk = 5000

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        read_only: bool = False,
        timeout: float = 60.0,
        dialect: str | None = None,
    ):
        self.url = query_url
        self.query_url = query_url
        if update_url is None:
            update_url = (
                query_url[: -len("/query")] + "/update"
                if query_url.endswith("/query")
                else query_url
            )
        self.update_url = update_url
        self.read_only = read_only
        self.timeout = timeout
        self._dialect = dialect
        self._gsp_url: str | None = None  # Virtuoso's Graph Store endpoint, "" if unusable
        #: no snapshots here: counts this object's own writes, so figures cached per
        #: generation (``/health``, ``/stats``) are recomputed after each of them
        self.generation = 0
        self._http = requests.Session()
        self._http.headers["User-Agent"] = "cuegraph-store"

    # --- HTTP ---------------------------------------------------------------------------
    def _send(self, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self._http.post(url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise QueryTimeout(
                f"the remote store {url} did not answer within {self.timeout:g}s"
            ) from None
        except requests.ConnectionError:
            raise StoreError(
                f"cannot reach the remote store at {url} (connection failed): is the SPARQL "
                "server running, and is the URL right?"
            ) from None
        except requests.RequestException as e:
            raise StoreError(f"request to the remote store {url} failed: {e}") from None

    @property
    def dialect(self) -> str:
        """``oxigraph``, ``virtuoso`` or ``generic``, from the server's ``Server`` header."""
        if self._dialect is None:
            resp = self._send(
                self.query_url, data={"query": "ASK {}"}, headers={"Accept": RESULT_FORMATS["json"]}
            )
            _check(resp, self.query_url)
            server = resp.headers.get("Server", "").lower()
            self._dialect = next((d for d in ("oxigraph", "virtuoso") if d in server), "generic")
        return self._dialect

    def _post_query(
        self, query: str, accept: str, default_graph_uris=None, named_graph_uris=None
    ) -> requests.Response:
        data: list[tuple[str, str]] = [("query", query)]
        data += [("default-graph-uri", u) for u in default_graph_uris or []]
        data += [("named-graph-uri", u) for u in named_graph_uris or []]
        if self.dialect == "oxigraph" and not default_graph_uris and not named_graph_uris:
            data.append(("union-default-graph", "true"))
        resp = self._send(self.query_url, data=data, headers={"Accept": accept})
        _check(resp, self.query_url)
        return resp

    def _json(self, query: str) -> dict:
        resp = self._post_query(query, RESULT_FORMATS["json"])
        limit = _server_row_limit(resp)
        if limit is not None:  # cuegraph's own queries need whole answers
            raise StoreError(
                f"the remote store {self.query_url} cut an answer at its row limit of {limit} "
                "rows (X-SPARQL-MaxRows): raise it (Virtuoso: [SPARQL] ResultSetMaxRows in "
                "virtuoso.ini) above the largest answer cuegraph asks for",
                {"row_limit": limit},
            )
        try:
            return json.loads(self._decode(resp.content))
        except ValueError:
            raise StoreError(f"remote store {self.query_url} sent non-JSON results") from None

    # --- reading ------------------------------------------------------------------------
    def select(self, query: str) -> list[dict[str, Any]]:
        data = self._json(query)
        if "boolean" in data or "results" not in data:
            raise BadQuery("expected a SELECT query")
        rows = []
        for b in data["results"].get("bindings", []):
            rows.append(
                {
                    k: _py_value(v.get("type", "literal"), v.get("value", ""), v.get("datatype"))
                    for k, v in b.items()
                }
            )
        return rows

    def ask(self, query: str) -> bool:
        data = self._json(query)
        if "boolean" not in data:
            raise BadQuery("expected an ASK query")
        return bool(data["boolean"])

    def construct(self, query: str) -> Graph:
        if query_form(query) != "graph":
            raise BadQuery("expected a CONSTRUCT or DESCRIBE query")
        resp = self._post_query(query, GRAPH_FORMATS["ntriples"])
        g = Graph()
        text = self._decode(resp.content).decode("utf-8")
        try:
            g.parse(data=text, format="nt")
        except Exception as e:  # rdflib raises parser-specific types
            raise StoreError(
                f"remote store {self.query_url} sent unreadable N-Triples: {first_line(e)}"
            ) from None
        return g

    def query_serialized(
        self,
        query,
        *,
        result_format="json",
        graph_format="turtle",
        default_graph_uris=None,
        named_graph_uris=None,
        max_rows: int | None = None,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> QueryOutput:
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        if prefixes:  # declared in the text (a BASE moved first: Virtuoso needs that)
            query = _predeclare(query, prefixes)
        form = query_form(query)
        accept = GRAPH_FORMATS[graph_format] if form == "graph" else RESULT_FORMATS[result_format]
        resp = self._post_query(query, accept, default_graph_uris, named_graph_uris)
        body = self._decode(resp.content)
        if form == "select" and result_format == "json" and b'"boolean"' in body[:200]:
            form = "ask"
        if self.dialect == "virtuoso" and form == "select" and result_format == "json":
            body = _standard_json(body)
        truncated = False
        if max_rows is not None and form != "ask":
            body, truncated = self._limit(body, form, result_format, graph_format, max_rows)
        server_limit = _server_row_limit(resp) if form == "select" else None
        if server_limit is not None and not truncated:  # the server cut it, not max_rows
            return QueryOutput(form, accept, body, True, server_limit)
        return QueryOutput(form, accept, body, truncated)

    def _limit(
        self, body: bytes, form: str, result_format: str, graph_format: str, max_rows: int
    ) -> tuple[bytes, bool]:
        """The first ``max_rows`` rows (triples) of an answer, rewritten in its format."""
        from cuegraph.engine.oxquery import limited

        try:
            if form == "graph":
                triples = list(
                    itertools.islice(ox.parse(body, format=OX_RDF[graph_format]), max_rows + 1)
                )
                if len(triples) <= max_rows:
                    return body, False
                return ox.serialize(triples[:max_rows], format=OX_RDF[graph_format]) or b"", True
            if result_format in ("csv", "tsv"):  # rows of text: cut as rows of text
                return _cut_rows(body, result_format, max_rows)
            results = ox.parse_query_results(body, format=OX_RESULTS[result_format])
            if isinstance(results, ox.QueryBoolean):
                return body, False
            _, _, out, truncated = limited(results, result_format, graph_format, max_rows)
        except (SyntaxError, ValueError, OSError) as e:
            raise StoreError(
                f"remote store {self.query_url} sent an unreadable answer: {first_line(e)}"
            ) from None
        return (out, True) if truncated else (body, False)

    def _system_filter(self) -> str:
        """A FILTER on ``?g`` leaving out the server's own graphs (Virtuoso's), else empty."""
        if self.dialect != "virtuoso":
            return ""
        iris = ", ".join(iri(g) for g in VIRTUOSO_SYSTEM_GRAPHS)
        return f"FILTER(?g NOT IN ({iris}) && !STRSTARTS(STR(?g), {literal(VIRTUOSO_PREFIX)}))"

    def graphs(self) -> list[str]:
        rows = self.select(render("remote_graphs", filter=self._system_filter()))
        return sorted(r["g"] for r in rows)

    def triple_count(self) -> int:
        rows = self.select(render("remote_triples", filter=self._system_filter()))
        return int(rows[0]["n"]) if rows else 0

    def quad_count(self) -> int:
        rows = self.select(render("remote_quads", filter=self._system_filter()))
        return int(rows[0]["n"]) if rows else 0

    def dump(self, fmt: str = "nquads", graphs: list[str] | None = None) -> bytes:
        if fmt not in OX_RDF:
            raise BadInput(f"unknown format {fmt!r}; choose from {', '.join(OX_RDF)}")
        ds = ox.Dataset()
        for gi in graphs if graphs is not None else self.graphs():
            data = self.construct(render("graph_triples", graph=iri(gi)))
            expected = self.graph_size(gi)
            if len(data) < expected:  # e.g. Virtuoso's ResultSetMaxRows cuts results silently
                raise StoreError(
                    f"the remote store returned {len(data)} of the {expected} triples of {gi}: "
                    "raise its result row limit (Virtuoso: [SPARQL] ResultSetMaxRows)"
                )
            for s, p, o in data:
                subject, predicate, obj = _to_ox(s, p, o)
                ds.add(ox.Quad(subject, predicate, obj, ox.NamedNode(gi)))
        if fmt in ("nquads", "trig"):
            out = ox.serialize(ds, format=OX_RDF[fmt]) or b""
        else:
            out = ox.serialize([q.triple for q in ds], format=OX_RDF[fmt]) or b""
        if fmt in ("nquads", "ntriples"):
            out = b"".join(sorted(set(out.splitlines(keepends=True))))
        return out

    # --- writing ------------------------------------------------------------------------
    def update(self, update: str) -> None:
        self._check_writable()
        try:
            resp = self._send(
                self.update_url,
                data=update.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        finally:  # even a failed request may have changed the data (not on every server atomic)
            self.mark_changed()
        _check(resp, self.update_url, what="update")

    def mark_changed(self) -> None:
        """A write of ours happened: a new :attr:`generation` (writes by others are not
        seen here; ``/health`` recounts them after ``remote_count_ttl``)."""
        self.generation += 1

    def _load_ntriples(self, data: bytes, graph_iri: str) -> None:
        lines = data.decode("utf-8").splitlines()
        chunk_size = self.insert_chunk
        if self.dialect == "virtuoso":
            dur = (f"^^<{_XSD}duration>", f"^^<{VIRTUOSO_DURATION}>")
            lines = [line.replace(*dur) for line in lines]
            if self._load_virtuoso_gsp(lines, graph_iri):
                return
            chunk_size = min(chunk_size, VIRTUOSO_INSERT_CHUNK)
        for chunk in _chunks(lines, chunk_size):
            body = "\n".join(chunk)
            self.update(render_update("graph_insert", graph=iri(graph_iri), body=body))

    def _load_virtuoso_gsp(self, lines: list[str], graph_iri: str) -> bool:
        """POST N-Triples to Virtuoso's Graph Store endpoint (``/sparql-graph-crud``), which
        loads far faster than ``INSERT DATA``. False when the server offers us none."""
        self._check_writable()
        if self._gsp_url is None:
            self._gsp_url = (
                self.query_url + "-graph-crud" if self.query_url.endswith("/sparql") else ""
            )
        if not self._gsp_url:
            return False
        for n, chunk in enumerate(_chunks(lines, self.insert_chunk)):
            resp = self._send(
                self._gsp_url,
                params={"graph-uri": graph_iri},
                data=("\n".join(chunk) + "\n").encode("utf-8"),
                headers={"Content-Type": "application/n-triples"},
            )
            if n == 0 and resp.status_code in (401, 403, 404, 405):
                self._gsp_url = ""  # not offered to anonymous users: use INSERT DATA
                return False
            self.mark_changed()
            _check(resp, self._gsp_url, what="load")
        return True

    def _decode(self, body: bytes) -> bytes:
        if self.dialect == "virtuoso":
            return body.replace(VIRTUOSO_DURATION.encode(), f"{_XSD}duration".encode())
        return body

    def replace_ntriples(
        self, graph_iri: str, payload: bytes | Iterable[bytes], swap_extra: str = ""
    ) -> None:
        """See :meth:`Store.replace_graph`; chunks are streamed into the staging graph as
        they come; a failed load (the server's refusal, or the chunks' own error, e.g. a
        parse error half-way through a file) also drops the staging graph."""
        try:
            return super().replace_ntriples(graph_iri, payload, swap_extra)
        except Exception:
            try:
                self.update(render_update("graph_drop", graph=iri(graph_iri + "#staging")))
            except CuegraphError:
                pass  # the server is gone; the next run drops the staging graph first
            raise

    def close(self) -> None:
        self._http.close()


#: Virtuoso's own graphs, left out of graphs(), triple_count() and dump()
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
#: and every graph under this prefix (Virtuoso's own)
VIRTUOSO_PREFIX = "http://www.openlinksw.com/"
#: most triples per INSERT DATA on Virtuoso (it refuses more than 10,000 lines of
#: generated SQL, SP031)
VIRTUOSO_INSERT_CHUNK = 1000
#: stands in for xsd:duration on Virtuoso, which cannot store it (see RemoteStore)
VIRTUOSO_DURATION = "urn:cuegraph:datatype:xsd-duration"
#: Virtuoso's error codes for a query it cannot compile (sent with HTTP 400 or 500)
_VIRTUOSO_QUERY_ERRORS = re.compile(r"\b(SP0\d\d|SQ074|37000)\b")


@contextmanager
def _reading() -> Iterator[None]:
    """Map pyoxigraph's errors raised while a result is read or serialised as
    :func:`cuegraph.engine.oxquery.execute` maps those raised when it starts: evaluation is
    lazy, so a ``SERVICE`` call or a disk read can fail on the first row."""
    try:
        yield
    except (SyntaxError, ValueError, RuntimeError) as e:
        raise BadQuery(f"the query cannot be evaluated: {e}") from None
    except OSError as e:
        raise StoreError(f"store read failed: {e}") from None


def _graph_node(graph_iri: str) -> ox.NamedNode:
    """A graph name as a pyoxigraph node.

    Raises:
        BadInput: ``graph_iri`` is not an IRI.
    """
    try:
        return ox.NamedNode(graph_iri)
    except ValueError as e:
        raise BadInput(f"not a graph IRI: {graph_iri!r} ({e})") from None


def _standard_json(body: bytes) -> bytes:
    """SPARQL 1.1 JSON results from Virtuoso's, which types literals ``typed-literal``."""
    try:
        data = json.loads(body)
        for b in data.get("results", {}).get("bindings", []):
            for v in b.values():
                if v.get("type") == "typed-literal":
                    v["type"] = "literal"
    except (ValueError, AttributeError):
        return body
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _server_row_limit(resp: requests.Response) -> int | None:
    """The server's row limit when it cut this answer, else ``None``. Virtuoso answers a
    SELECT that reached ``[SPARQL] ResultSetMaxRows`` with HTTP 200, the first rows and an
    ``X-SPARQL-MaxRows`` header, in every results format (measured on 7.2: an answer of
    exactly that many rows gets it too; a CONSTRUCT/DESCRIBE cut short gets none)."""
    value = resp.headers.get("X-SPARQL-MaxRows")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return 0


def _check(resp: requests.Response, url: str, what: str = "query") -> None:
    """Turn an error answer into BadQuery (the request was refused) or StoreError."""
    if resp.status_code < 300:
        return
    text = " ".join(resp.text.split())[:500]
    if resp.status_code == 400 or (
        resp.status_code == 500 and "Virtuoso" in text and _VIRTUOSO_QUERY_ERRORS.search(text)
    ):
        raise BadQuery(f"the remote store refused the {what}: {text}")
    if resp.status_code in (503, 504) and "timeout" in text.lower():
        raise QueryTimeout(f"the remote store timed out: {text}")
    raise StoreError(f"remote store {url} answered {resp.status_code} to the {what}: {text}")


def _to_ox(*terms: Any) -> list[Any]:
    from rdflib import BNode, Literal, URIRef

    out: list[Any] = []
    for t in terms:
        if isinstance(t, URIRef):
            out.append(ox.NamedNode(str(t)))
        elif isinstance(t, BNode):
            out.append(ox.BlankNode(str(t)))
        elif isinstance(t, Literal):
            if t.language:
                out.append(ox.Literal(str(t), language=t.language))
            elif t.datatype:
                out.append(ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype))))
            else:
                out.append(ox.Literal(str(t)))
    return out


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _load_file(
    store: Store,
    path: Path,
    graph_iri: str | None,
    fmt: str | None,
    allow_remote_context: bool = False,
) -> int:
    """Load one RDF file. Triples formats go into ``graph_iri``; N-Quads/TriG keep their graphs."""
    from cuegraph.rdfload import load_file

    return load_file(store, path, graph_iri, fmt, allow_remote_context=allow_remote_context)


#: a store, or a function opening one (then opened only to write)
StoreOrOpener = Store | Callable[[], Store]


def writing(store: StoreOrOpener) -> contextlib.AbstractContextManager[Store]:
    """A context manager giving the store to write to: ``store`` itself when it is already
    open (left open), else a store opened now from the opener (closed afterwards)."""
    if isinstance(store, Store):
        return contextlib.nullcontext(store)
    return store()  # a Store is its own context manager


def open_store(
    url: str,
    *,
    read_only: bool = False,
    update_url: str | None = None,
    remote_timeout: float = 60.0,
) -> Store:
    """Open a store by URL (see the module docstring). The configured one is
    ``settings.store``, with ``settings.update_url`` and ``settings.remote_timeout``
    (seconds per request to a remote store), which the caller passes: the store never reads
    settings itself.

    Raises:
        BadInput: the URL has no known scheme.
        StoreLocked: the embedded store is held by another writer.
    """
    if url == "memory:" or url == "memory":
        return OxigraphStore(None)
    if url.startswith("oxigraph:"):
        path = url[len("oxigraph:") :] or ".cuegraph/store"
        return OxigraphStore(os.path.expanduser(path), read_only=read_only)
    if url.startswith(("http://", "https://")):
        return RemoteStore(url, update_url=update_url, read_only=read_only, timeout=remote_timeout)
    raise BadInput(
        f"unknown store URL {url!r}: use oxigraph:PATH, memory:, or an http(s):// SPARQL endpoint"
    )


def _cut_rows(body: bytes, fmt: str, max_rows: int) -> tuple[bytes, bool]:
    """The header and first ``max_rows`` rows of SPARQL CSV/TSV results (servers differ in
    quoting, e.g. Virtuoso quotes TSV headers, so they are cut as text, not re-parsed): a
    TSV row is one line (terms escape their line breaks); a CSV record may span lines
    inside quotes, so CSV is read and rewritten with :mod:`csv`."""
    import csv
    import io

    if fmt == "tsv":
        lines = body.splitlines(keepends=True)
        if len(lines) <= max_rows + 1:
            return body, False
        return b"".join(lines[: max_rows + 1]), True
    rows = list(
        itertools.islice(csv.reader(io.StringIO(body.decode("utf-8"), newline="")), max_rows + 2)
    )
    if len(rows) <= max_rows + 1:
        return body, False
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows[: max_rows + 1])
    return out.getvalue().encode("utf-8"), True


def _predeclare(query: str, prefixes: dict[str, str]) -> str:
    """``query`` with ``PREFIX`` declarations for ``prefixes`` it does not declare itself,
    written at the end of its prologue, and its ``BASE`` declarations folded into one at the
    start: Virtuoso refuses a ``BASE`` after a ``PREFIX`` or a second ``BASE`` (SP030),
    though SPARQL allows both; a later ``PREFIX`` would override the query's own."""
    from urllib.parse import urljoin

    declared: set[str] = set()
    bases: list[tuple[int, int, str]] = []  # (start, end, IRI) of each BASE declaration
    end = len(query)
    toks = tokens(query)
    for tok in toks:
        if tok.keyword == "BASE":
            ref = next(toks, None)
            if ref is not None:
                bases.append((tok.start, ref.start + len(ref.text), ref.text[1:-1]))
        elif tok.keyword == "PREFIX":
            name = next(toks, None)
            if name is not None:
                declared.add(name.text.rstrip(":"))
            next(toks, None)
        else:
            end = tok.start
            break
    decl = "".join(f"PREFIX {p}: <{i}> " for p, i in prefixes.items() if p not in declared)
    text = query[:end] + decl + query[end:]
    if len(bases) > 1:
        base = ""
        for start, stop, _iri in reversed(bases):  # later ones resolve against earlier ones
            text = text[:start] + " " * (stop - start) + text[stop:]
        for _start, _stop, ref_iri in bases:
            base = urljoin(base, ref_iri) if base else ref_iri
        text = f"BASE <{base}> " + text
    return text
