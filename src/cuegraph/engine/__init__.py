"""The query engine: consistent snapshots of the embedded store and the query worker pool.

* :mod:`cuegraph.engine.snapshots` — the process holding the store read-write publishes a
  RocksDB checkpoint (``pyoxigraph.Store.backup``: hard links, cheap) after each committed
  change; readers (query workers, the CLI's read-only commands beside ``cuegraph serve``)
  open the newest one read-only and never read files a writer is changing.
* :mod:`cuegraph.engine.pool` — long-lived query worker processes on those snapshots, with an
  end-to-end time limit, a memory cap per query, and scheduling that keeps workers free for
  cheap queries while long ones run.
* :mod:`cuegraph.engine.executor` — what the service runs queries through (the store hands
  it out, :meth:`cuegraph.store.Store.query_executor`): the pool for the embedded store on
  disk, threads otherwise; bounded queries (:mod:`cuegraph.engine.inline`) answered in the
  server process on its own snapshot lease.
* :mod:`cuegraph.engine.oxquery` and :mod:`cuegraph.engine.formats` — running one query on a
  pyoxigraph store and the one table of result and RDF formats.
"""
