"""The ingest layer: records -> graph -> store, for every kind of input.

Readers and sources only produce records (or an RDF graph); this layer resolves names
against the store, builds the graph and writes it, each run into its own named graph,
replaced atomically, with its licence and PROV-O description
(:mod:`cuegraph.graph.write`):

* :mod:`.files` — cue sheets, seed tables, the whole ``data/`` folder, the ontology, RDF
  files (``cuegraph build``, ``import cuesheet|table``, ``load``);
* :mod:`.harvests` — the public sources of :data:`cuegraph.harvest.sources.SOURCES`
  (fetch first, then open the store only to write);
* :mod:`.dumps` — the MusicBrainz and Wikidata dumps: :mod:`cuegraph.dumps` reads them
  into records, this layer spools them (:mod:`.spool`) and replaces each graph at the end;
* :mod:`.cues` — cues detected in audio and cues derived from subtitle files;
* :mod:`.resolve` — the names an import reads -> the people and works already known.
"""

from cuegraph.ingest.cues import import_detected, import_subtitles
from cuegraph.ingest.dumps import (
    DumpResult,
    import_dump,
    import_musicbrainz_dump,
    import_wikidata_dump,
)
from cuegraph.ingest.files import (
    TABLES,
    BuildResult,
    build_from_data,
    import_cuesheet,
    import_table,
    load_ontology,
    load_rdf_files,
)
from cuegraph.ingest.harvests import (
    HarvestOutcome,
    Hooks,
    harvest_all,
    run_harvest,
    write_harvest,
)
from cuegraph.ingest.resolve import name_resolver, resolvers

__all__ = [
    "TABLES",
    "BuildResult",
    "build_from_data",
    "import_cuesheet",
    "import_table",
    "load_ontology",
    "load_rdf_files",
    "HarvestOutcome",
    "Hooks",
    "harvest_all",
    "run_harvest",
    "write_harvest",
    "name_resolver",
    "resolvers",
    "DumpResult",
    "import_dump",
    "import_musicbrainz_dump",
    "import_wikidata_dump",
    "import_detected",
    "import_subtitles",
]
