"""Records -> RDF: deterministic IRIs, triples, provenance-tracked named graphs."""
