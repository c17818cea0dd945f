# title: Swap a staging graph in
# description: Replaces a named graph with its staging graph (loaded beforehand) and drops the staging graph, in one update; Store.replace_ntriples may append more operations (the provenance swap) to the same request.
# parameters: graph (IRI), staging (IRI)
DROP SILENT GRAPH $graph ;
ADD SILENT GRAPH $staging TO GRAPH $graph ;
DROP SILENT GRAPH $staging
