# title: Replace a graph's provenance
# description: Deletes the PROV-O description of one source graph (the graph and its #run and #software nodes) from the provenance graph and inserts the new one; run in the same atomic step as the graph's replace.
# parameters: prov_graph (IRI), graph (IRI), graph_prefix (string: the graph's IRI and "#"), body (N-Triples)
DELETE { GRAPH $prov_graph { ?s ?p ?o } }
WHERE { GRAPH $prov_graph { ?s ?p ?o FILTER(?s = $graph || STRSTARTS(STR(?s), $graph_prefix)) } } ;
INSERT DATA { GRAPH $prov_graph {
$body
} }
