"""Credit roles: cuegraph's role names, their IRIs, and every source's role strings.

This is the one table that maps what sources write ("Music", "Theme Song Composition (OP)",
MusicBrainz ``composer`` relationships, VGMdb "Arranger" rows, cue-sheet ``lyricist=``) onto
the ontology's roles. A string not in the table maps to ``contributor`` and its text is kept
(:func:`resolve_role`), never dropped.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from cuegraph.namespaces import CG, RELATORS

__all__ = ["ROLES", "ROLE_LABELS", "ROLE_ALIASES", "role_iri", "resolve_role", "role_name"]

#: cuegraph role name -> role IRI (MARC relators where they exist, cuegraph's own otherwise)
ROLES: dict[str, URIRef] = {
    "score_composer": CG.ScoreComposer,
    "composer": RELATORS.cmp,
    "lyricist": RELATORS.lyr,
    "arranger": RELATORS.arr,
    "performer": RELATORS.prf,
    "singer": RELATORS.sng,
    "conductor": RELATORS.cnd,
    "orchestrator": CG.Orchestrator,
    "musician": RELATORS.mus,
    "producer": RELATORS.pro,
    "contributor": CG.Contributor,
}

ROLE_LABELS: dict[str, str] = {
    "score_composer": "score composer",
    "composer": "composer",
    "lyricist": "lyricist",
    "arranger": "arranger",
    "performer": "performer",
    "singer": "singer",
    "conductor": "conductor",
    "orchestrator": "orchestrator",
    "musician": "musician",
    "producer": "producer",
    "contributor": "contributor",
}

#: (source, normalised role string) -> cuegraph role name. Source "*" applies to every source.
ROLE_ALIASES: dict[tuple[str, str], str] = {
    ("*", "score composer"): "score_composer",
    ("*", "score"): "score_composer",
    ("*", "music"): "score_composer",
    ("*", "composer"): "composer",
    ("*", "composition"): "composer",
    ("*", "lyricist"): "lyricist",
    ("*", "lyrics"): "lyricist",
    ("*", "arranger"): "arranger",
    ("*", "arrangement"): "arranger",
    ("*", "performer"): "performer",
    ("*", "vocals"): "singer",
    ("*", "vocal"): "singer",
    ("*", "singer"): "singer",
    ("*", "conductor"): "conductor",
    ("*", "orchestrator"): "orchestrator",
    ("*", "orchestration"): "orchestrator",
    ("*", "musician"): "musician",
    ("*", "producer"): "producer",
    # Wikidata: the credit property is the role (harvest/wikidata.py)
    ("wikidata", "p86"): "composer",
    ("wikidata", "p676"): "lyricist",
    ("wikidata", "p87"): "lyricist",
    ("wikidata", "p175"): "performer",
    # MusicBrainz relationship types (https://musicbrainz.org/relationships, the `type`
    # names) and release/recording artist credits
    ("musicbrainz", "librettist"): "lyricist",
    ("musicbrainz", "instrument arranger"): "arranger",
    ("musicbrainz", "vocal arranger"): "arranger",
    ("musicbrainz", "instrument"): "musician",
    ("musicbrainz", "performing orchestra"): "performer",
    ("musicbrainz", "artist credit"): "performer",
    # AniList staff roles (free text; anilist.py strips "(OP)", "(ED1)", ... before a 2nd lookup)
    ("anilist", "music"): "score_composer",
    ("anilist", "theme song composition"): "composer",
    ("anilist", "theme song composition (op)"): "composer",
    ("anilist", "theme song composition (ed)"): "composer",
    ("anilist", "theme song lyrics"): "lyricist",
    ("anilist", "theme song lyrics (op)"): "lyricist",
    ("anilist", "theme song lyrics (ed)"): "lyricist",
    ("anilist", "theme song arrangement"): "arranger",
    ("anilist", "theme song arrangement (op)"): "arranger",
    ("anilist", "theme song arrangement (ed)"): "arranger",
    ("anilist", "theme song performance"): "performer",
    ("anilist", "theme song performance (op)"): "performer",
    ("anilist", "theme song performance (ed)"): "performer",
    ("anilist", "insert song composition"): "composer",
    ("anilist", "insert song lyrics"): "lyricist",
    ("anilist", "insert song arrangement"): "arranger",
    ("anilist", "insert song performance"): "performer",
    ("anilist", "music production"): "producer",
    ("anilist", "background music singing"): "singer",
    ("anilist", "music vocal performance"): "singer",
    # AnimeThemes lists performers only
    ("animethemes", "performer"): "performer",
    # VGMdb credit rows (vgmdb.info album keys) and artist discography roles
    ("vgmdb", "composer"): "composer",
    ("vgmdb", "music"): "composer",
    ("vgmdb", "arranger"): "arranger",
    ("vgmdb", "lyricist"): "lyricist",
    ("vgmdb", "performer"): "performer",
    ("vgmdb", "vocals"): "singer",
    ("vgmdb", "orchestration"): "orchestrator",
    ("vgmdb", "conductor"): "conductor",
}


def _norm(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().lower())


def resolve_role(text: str, source: str = "*") -> str:
    """Map a source's role string to a cuegraph role name (``contributor`` when unknown).

    >>> resolve_role("Composer")
    'composer'
    >>> resolve_role("score_composer")
    'score_composer'
    >>> resolve_role("Theremin whisperer")
    'contributor'
    """
    key = _norm(text)
    for src in (source, "*"):
        if (src, key) in ROLE_ALIASES:
            return ROLE_ALIASES[(src, key)]
    if key.replace(" ", "_") in ROLES:
        return key.replace(" ", "_")
    return "contributor"


def role_iri(name: str) -> URIRef:
    """The IRI of a cuegraph role name; ``KeyError`` for an unknown name."""
    return ROLES[name]


_BY_IRI = {str(iri): name for name, iri in ROLES.items()}


def role_name(iri: str) -> str:
    """The cuegraph role name for a role IRI (``contributor`` when unknown)."""
    return _BY_IRI.get(str(iri), "contributor")
