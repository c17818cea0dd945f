"""The ingest layer: records -> graph -> store, for every kind of input.

Readers and sources only produce records (or an RDF graph); this layer resolves names
against the store, builds the graph and writes it, each run into its own named graph,
replaced atomically, with its licence and PROV-O description
(:mod:`cuegraph.graph.write`):

* :mod:`.harvests` — the public sources of :data:`cuegraph.harvest.sources.SOURCES`
  (fetch first, then open the store only to write);
"""
