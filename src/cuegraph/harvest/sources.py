"""The registry of harvest sources: name -> :class:`~cuegraph.harvest.base.Source` (its
module's ``SOURCE``: licence, base URL, politeness and its entries, each a CLI option, its
help and example, and the function it runs). The CLI builds one ``cuegraph harvest <name>``
command per source from here (:mod:`cuegraph.cli.harvest`) and :mod:`cuegraph.ingest` runs
them; nothing builds function names.

Adding a source: write ``harvest/<name>.py`` with entry functions returning a
:class:`~cuegraph.harvest.base.Harvest` and a module-level ``SOURCE``, list it below, add
the setting ``<name>_url`` to :class:`cuegraph.config.Settings` and a licence to
:data:`cuegraph.graph.write.LICENSES`. Nothing in ``cli/`` changes.
"""

from __future__ import annotations

from cuegraph.errors import BadInput
from cuegraph.harvest import anilist, animethemes, musicbrainz, vgmdb, wikidata
from cuegraph.harvest.base import Source

__all__ = ["SOURCES", "get_source"]

#: every harvest source, in the order `harvest all` runs them
SOURCES: dict[str, Source] = {
    m.SOURCE.name: m.SOURCE for m in (wikidata, musicbrainz, anilist, vgmdb, animethemes)
}


def get_source(name: str) -> Source:
    """The source called ``name``, or :class:`BadInput` listing the known ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise BadInput(f"no harvest source named {name!r} (one of {', '.join(SOURCES)})") from None
