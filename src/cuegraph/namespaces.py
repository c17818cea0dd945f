"""Every vocabulary term cuegraph uses, in one place.

Other modules take term names from here and never build IRIs from strings (IRIs for
*instances* are minted in :mod:`cuegraph.graph.iris`). The cuegraph vocabulary is a closed
namespace: a mistyped term raises ``AttributeError`` instead of minting a new IRI. The
reused vocabularies are closed too, listing only the terms cuegraph uses (see
``ontology/cuegraph.ttl`` for how they fit together).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "CG",
    "MO",
    "PO",
    "TL",
    "RELATORS",
    "SDO",
    "PROV",
    "RDF",
    "RDFS",
    "OWL",
    "XSD",
    "DCTERMS",
    "SKOS",
    "SH",
    "PREFIXES",
    "CG_NS",
    "bind_prefixes",
    "sparql_prefixes",
]

CG_NS = "https://cuegraph.org/ns#"


class CG(DefinedNamespace):
    """The cuegraph vocabulary (ontology/cuegraph.ttl)."""

    _NS = Namespace(CG_NS)
    _fail = True

    # classes
    Work: URIRef  # A series, film, OVA or game whose music is credited.
    Series: URIRef  # An animated (TV or web) series.
    Film: URIRef  # A feature film.
    OVA: URIRef  # An original video animation.
    Game: URIRef  # A video game.
    Episode: URIRef  # One episode of a work (a film is its own single episode).
    Song: URIRef  # A composition: a song or a score track.
    UntitledSong: URIRef  # A song a source credits without naming it (AniList themes).
    Recording: URIRef  # A recorded version (performance) of a song.
    Album: URIRef  # A released album (soundtrack, single).
    Agent: URIRef  # A person or group that can be credited.
    Credit: URIRef  # An n-ary credit: agent, role, what is credited, source.
    Role: URIRef  # A credit role (MARC relator or a cuegraph role).
    Cue: URIRef  # Music used (or deliberately absent) in an episode over a time range.
    MusicCue: URIRef  # A cue where music plays.
    SilenceCue: URIRef  # A deliberate stretch with no music.
    Scene: URIRef  # A named time range in an episode.
    UsageKind: URIRef  # How a cue's music is used (opening, ending, insert, score, silence).
    SourceGraph: URIRef  # A named graph written by one import or harvest run.
    # usage kinds
    Opening: URIRef  # Opening theme.
    Ending: URIRef  # Ending theme.
    Insert: URIRef  # Insert song.
    Score: URIRef  # Background score.
    Silence: URIRef  # Deliberate silence.
    # roles cuegraph defines (no MARC relator exists)
    ScoreComposer: URIRef  # Composer of a whole work's score.
    Orchestrator: URIRef  # Orchestrator of a composition.
    Contributor: URIRef  # A music credit whose role string cuegraph does not know.
    # properties
    nativeName: URIRef  # A name in its native script.
    nativeTitle: URIRef  # A title in its native script.
    kind: URIRef  # For agents: "person" or "group".
    agent: URIRef  # The agent of a credit.
    role: URIRef  # The role of a credit.
    roleText: URIRef  # The role string as the source wrote it.
    credits: URIRef  # What a credit is for (work, song, recording, album).
    note: URIRef  # A free-text note on a credit or cue.
    hasCredit: URIRef  # From a credited thing to its credit node.
    episode: URIRef  # A cue's or scene's episode.
    work: URIRef  # An episode's work.
    usage: URIRef  # A cue's usage kind.
    song: URIRef  # The song a cue or recording uses.
    slot: URIRef  # The opening/ending slot a song fills in its work (op, op1, ed2).
    recording: URIRef  # The recording a cue uses.
    scene: URIRef  # The scene a cue belongs to.
    mediaFragment: URIRef  # The W3C Media Fragment of a cue or scene ("#t=npt:a,b").
    wikidata: URIRef  # Wikidata Q-id.
    musicbrainz: URIRef  # MusicBrainz MBID.
    anilist: URIRef  # AniList id.
    anidb: URIRef  # AniDB id.
    mal: URIRef  # MyAnimeList id.
    vgmdb: URIRef  # VGMdb id.
    animethemes: URIRef  # AnimeThemes id or slug.
    sourceName: URIRef  # Short name of the source a graph came from ("cuesheet", "musicbrainz").
    graphKey: URIRef  # The stable key of a source graph (what a re-run replaces).
    recordCount: URIRef  # Number of records a run wrote.


class MO(DefinedNamespace):
    """Music Ontology terms used (motools/musicontology)."""

    _NS = Namespace("http://purl.org/ontology/mo/")
    _fail = True
    MusicalWork: URIRef
    MusicArtist: URIRef
    SoloMusicArtist: URIRef
    MusicGroup: URIRef
    Track: URIRef
    Record: URIRef
    Signal: URIRef


class PO(DefinedNamespace):
    """BBC Programmes ontology terms used."""

    _NS = Namespace("http://purl.org/ontology/po/")
    _fail = True
    Brand: URIRef
    Episode: URIRef
    Segment: URIRef
    MusicSegment: URIRef
    track: URIRef
    time: URIRef


class TL(DefinedNamespace):
    """Timeline ontology terms used."""

    _NS = Namespace("http://purl.org/NET/c4dm/timeline.owl#")
    _fail = True
    Interval: URIRef
    beginsAtDuration: URIRef
    endsAtDuration: URIRef


class RELATORS(DefinedNamespace):
    """MARC relator roles used (id.loc.gov)."""

    _NS = Namespace("http://id.loc.gov/vocabulary/relators/")
    _fail = True
    cmp: URIRef  # composer
    lyr: URIRef  # lyricist
    arr: URIRef  # arranger
    prf: URIRef  # performer
    sng: URIRef  # singer
    cnd: URIRef  # conductor
    mus: URIRef  # musician
    pro: URIRef  # producer


SH = Namespace("http://www.w3.org/ns/shacl#")

PREFIXES: dict[str, str] = {
    "cg": CG_NS,
    "schema": str(SDO),
    "mo": str(MO._NS),
    "po": str(PO._NS),
    "tl": str(TL._NS),
    "relators": str(RELATORS._NS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
}


def bind_prefixes(graph) -> None:
    """Bind cuegraph's prefixes on an rdflib graph (for readable serialisations)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, Namespace(iri), override=True, replace=True)


def sparql_prefixes() -> str:
    """The PREFIX block for SPARQL queries written against cuegraph data."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
