# title: Insert triples into a graph
# description: Adds N-Triples to one named graph (a chunk of a remote store's load, or a small graph replaced in one transaction).
# parameters: graph (IRI), body (N-Triples)
INSERT DATA { GRAPH $graph {
$body
} }
