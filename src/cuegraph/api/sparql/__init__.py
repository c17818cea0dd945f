"""The SPARQL endpoint's parts (the routes are :mod:`cuegraph.api.routes.sparql`).

* :mod:`.protocol` — reading SPARQL 1.1 Protocol requests (operation, dataset, limits);
* :mod:`.check` — the real parse that refuses ``SERVICE``/``LOAD`` and what nests too deep;
* :mod:`.text` — the query's ``FROM`` graphs, ``USING`` clauses, ``BASE``, error positions;
* :mod:`.negotiation` — content negotiation (Accept, ``format=``);
* :mod:`.description` — the Service Description;
* :mod:`.fast` — ``GET``/``POST /sparql`` answered in plain ASGI.
"""
