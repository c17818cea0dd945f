# title: Drop a graph
# description: Drops one named graph, if it exists (staging graphs, a replaced graph's old copy).
# parameters: graph (IRI)
DROP SILENT GRAPH $graph
