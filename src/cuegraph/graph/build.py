"""Records -> RDF triples (an rdflib Graph) with deterministic IRIs.

The mapping follows ``ontology/cuegraph.ttl``: schema.org and Music Ontology types for
people, works and songs; n-ary :class:`cg:Credit` nodes with MARC relator roles; cues as
BBC Programmes segments with schema.org offsets and a Timeline interval; and
``prov:wasDerivedFrom`` on every node a source row or API response produced. Besides credit
nodes, a few direct shortcuts are written for convenient querying: ``schema:musicBy`` (score
composer of a work), ``schema:composer``, ``schema:lyricist`` and ``schema:byArtist``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef

from cuegraph.graph.iris import Minter
from cuegraph.namespaces import CG, MO, PO, PROV, RDF, RDFS, SDO, TL, XSD, bind_prefixes
from cuegraph.records import Album, Credit, Cue, Episode, Person, Record, Recording, Song, Work
from cuegraph.roles import role_iri
from cuegraph.timecode import media_fragment

__all__ = ["GraphBuilder"]

_WORK_TYPES = {
    "series": (CG.Series, SDO.TVSeries, PO.Brand),
    "film": (CG.Film, SDO.Movie),
    "ova": (CG.OVA, SDO.TVSeries),
    "game": (CG.Game, SDO.VideoGame),
}
_USAGE = {
    "opening": CG.Opening,
    "ending": CG.Ending,
    "insert": CG.Insert,
    "score": CG.Score,
    "silence": CG.Silence,
}
_ID_PROPS = {
    "wikidata": CG.wikidata,
    "musicbrainz": CG.musicbrainz,
    "anilist": CG.anilist,
    "anidb": CG.anidb,
    "mal": CG.mal,
    "vgmdb": CG.vgmdb,
    "animethemes": CG.animethemes,
}
_ID_URLS = {
    ("person", "wikidata"): "http://www.wikidata.org/entity/{}",
    ("work", "wikidata"): "http://www.wikidata.org/entity/{}",
    ("person", "musicbrainz"): "https://musicbrainz.org/artist/{}",
    ("song", "musicbrainz"): "https://musicbrainz.org/work/{}",
    ("recording", "musicbrainz"): "https://musicbrainz.org/recording/{}",
    ("album", "musicbrainz"): "https://musicbrainz.org/release-group/{}",
    ("person", "anilist"): "https://anilist.co/staff/{}",
    ("work", "anilist"): "https://anilist.co/anime/{}",
    ("person", "vgmdb"): "https://vgmdb.net/artist/{}",
    ("album", "vgmdb"): "https://vgmdb.net/album/{}",
}
_SHORTCUTS = {
    "score_composer": SDO.musicBy,
    "composer": SDO.composer,
    "lyricist": SDO.lyricist,
    "performer": SDO.byArtist,
    "singer": SDO.byArtist,
}


def _duration(seconds: Decimal) -> Literal:
    return Literal(f"PT{format(Decimal(seconds).normalize(), 'f')}S", datatype=XSD.duration)


class GraphBuilder:
    """Accumulates the triples of many records into one rdflib Graph."""

    def __init__(self, minter: Minter, graph: Graph | None = None):
        self.m = minter
        self.g = graph if graph is not None else Graph()
        bind_prefixes(self.g)
        self._scenes: dict[URIRef, list] = {}

    # -- helpers -------------------------------------------------------------------------
    def _source(self, node: URIRef, source: str | None) -> None:
        for url in (source or "").split():
            self.g.add((node, PROV.wasDerivedFrom, URIRef(url)))

    def _ids(self, node: URIRef, kind: str, ids) -> None:
        for scheme, value in ids:
            prop = _ID_PROPS.get(scheme)
            if prop is None:
                continue
            self.g.add((node, prop, Literal(str(value))))
            url = _ID_URLS.get((kind, scheme))
            if url:
                self.g.add((node, SDO.sameAs, URIRef(url.format(value))))

    def _name(self, node: URIRef, name: str, native: str | None, native_prop) -> None:
        self.g.add((node, SDO.name, Literal(name)))
        self.g.add((node, RDFS.label, Literal(name)))
        if native:
            self.g.add((node, native_prop, Literal(native, lang="ja")))

    # -- records -------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        """Add one record's triples."""
        handlers: dict[type, Callable[[Any], None]] = {
            Person: self._person,
            Work: self._work,
            Episode: self._episode,
            Song: self._song,
            Recording: self._recording,
            Album: self._album,
            Credit: self._credit,
            Cue: self._cue,
        }
        handler = handlers[type(record)]
        handler(record)

    def add_all(self, records: Iterable[Record]) -> Graph:
        for record in records:
            self.add(record)
        self._finish_scenes()
        return self.g

    def _person(self, r: Person) -> None:
        node = self.m.person(r.key)
        self.g.add((node, RDF.type, CG.Agent))
        self.g.add((node, RDF.type, MO.MusicArtist))
        if r.kind == "group":
            self.g.add((node, RDF.type, SDO.MusicGroup))
            self.g.add((node, RDF.type, MO.MusicGroup))
        else:
            self.g.add((node, RDF.type, SDO.Person))
            self.g.add((node, RDF.type, MO.SoloMusicArtist))
        self.g.add((node, CG.kind, Literal(r.kind)))
        self._name(node, r.name, r.native_name, CG.nativeName)
        for alias in r.aliases:
            self.g.add((node, SDO.alternateName, Literal(alias)))
        self._ids(node, "person", r.ids)
        self._source(node, r.source)

    def _work(self, r: Work) -> None:
        node = self.m.work(r.key)
        self.g.add((node, RDF.type, CG.Work))
        for t in _WORK_TYPES[r.type]:
            self.g.add((node, RDF.type, t))
        self._name(node, r.title, r.native_title, CG.nativeTitle)
        for alias in r.aliases:
            self.g.add((node, SDO.alternateName, Literal(alias)))
        if r.year:
            self.g.add((node, SDO.datePublished, Literal(str(r.year), datatype=XSD.gYear)))
        if r.episodes:
            self.g.add((node, SDO.numberOfEpisodes, Literal(int(r.episodes))))
        self._ids(node, "work", r.ids)
        self._source(node, r.source)

    def _episode_node(self, work_key: str, number: int) -> URIRef:
        node = self.m.episode(work_key, number)
        work = self.m.work(work_key)
        self.g.add((node, RDF.type, CG.Episode))
        self.g.add((node, RDF.type, PO.Episode))
        self.g.add((node, RDF.type, SDO.TVEpisode))
        self.g.add((node, CG.work, work))
        self.g.add((node, SDO.partOfSeries, work))
        self.g.add((node, SDO.episodeNumber, Literal(int(number))))
        return node

    def _episode(self, r: Episode) -> None:
        node = self._episode_node(r.work, r.number)
        if r.title:
            self.g.add((node, SDO.name, Literal(r.title)))
        self._source(node, r.source)

    def _song(self, r: Song) -> None:
        node = self.m.song(r.key)
        self.g.add((node, RDF.type, CG.Song))
        self.g.add((node, RDF.type, SDO.MusicComposition))
        self.g.add((node, RDF.type, MO.MusicalWork))
        self._name(node, r.title, r.native_title, CG.nativeTitle)
        if r.work:
            self.g.add((node, CG.work, self.m.work(r.work)))
        if r.slot:
            self.g.add((node, CG.slot, Literal(r.slot)))
        if r.untitled:
            self.g.add((node, RDF.type, CG.UntitledSong))
        self._ids(node, "song", r.ids)
        self._source(node, r.source)

    def _recording(self, r: Recording) -> None:
        node = self.m.recording(r.key)
        self.g.add((node, RDF.type, CG.Recording))
        self.g.add((node, RDF.type, SDO.MusicRecording))
        self.g.add((node, RDF.type, MO.Signal))
        self._name(node, r.title, None, CG.nativeTitle)
        if r.song:
            self.g.add((node, SDO.recordingOf, self.m.song(r.song)))
            self.g.add((node, CG.song, self.m.song(r.song)))
        if r.length_seconds is not None:
            self.g.add((node, SDO.duration, _duration(r.length_seconds)))
        self._ids(node, "recording", r.ids)
        self._source(node, r.source)

    def _album(self, r: Album) -> None:
        node = self.m.album(r.key)
        self.g.add((node, RDF.type, CG.Album))
        self.g.add((node, RDF.type, SDO.MusicAlbum))
        self.g.add((node, RDF.type, MO.Record))
        self._name(node, r.title, r.native_title, CG.nativeTitle)
        if r.year:
            self.g.add((node, SDO.datePublished, Literal(str(r.year), datatype=XSD.gYear)))
        if r.work:
            self.g.add((node, CG.work, self.m.work(r.work)))
        for rec in r.tracks:
            self.g.add((node, SDO.track, self.m.recording(rec)))
        self._ids(node, "album", r.ids)
        self._source(node, r.source)

    def _credit(self, r: Credit) -> None:
        agent = self.m.person(r.agent)
        role = role_iri(r.role)
        target = self.m.target(r.target_kind, r.target)
        node = self.m.credit(agent, role, target)
        self.g.add((node, RDF.type, CG.Credit))
        self.g.add((node, CG.agent, agent))
        self.g.add((node, CG.role, role))
        self.g.add((node, CG.credits, target))
        self.g.add((target, CG.hasCredit, node))
        if r.role_text:
            self.g.add((node, CG.roleText, Literal(r.role_text)))
        if r.note:
            self.g.add((node, CG.note, Literal(r.note)))
        self._source(node, r.source)
        shortcut = _SHORTCUTS.get(r.role)
        if shortcut is not None:
            self.g.add((target, shortcut, agent))

    def _cue(self, r: Cue) -> None:
        what = r.song or r.recording or r.title
        node = self.m.cue(r.work, r.episode, r.usage, r.start, r.end, what)
        episode = self._episode_node(r.work, r.episode)
        self.g.add((node, RDF.type, CG.Cue))
        if r.usage == "silence":
            self.g.add((node, RDF.type, CG.SilenceCue))
            self.g.add((node, RDF.type, PO.Segment))
        else:
            self.g.add((node, RDF.type, CG.MusicCue))
            self.g.add((node, RDF.type, PO.MusicSegment))
        self.g.add((node, CG.episode, episode))
        self.g.add((node, SDO.partOfEpisode, episode))
        self.g.add((node, CG.usage, _USAGE[r.usage]))
        if r.title:
            self.g.add((node, SDO.name, Literal(r.title)))
        if r.song:
            self.g.add((node, CG.song, self.m.song(r.song)))
        if r.recording:
            rec = self.m.recording(r.recording)
            self.g.add((node, CG.recording, rec))
            self.g.add((node, PO.track, rec))
        if r.start is not None and r.end is not None:
            self.g.add((node, SDO.startOffset, Literal(Decimal(r.start), datatype=XSD.decimal)))
            self.g.add((node, SDO.endOffset, Literal(Decimal(r.end), datatype=XSD.decimal)))
            self.g.add((node, CG.mediaFragment, Literal(media_fragment(r.start, r.end))))
            interval = URIRef(str(node) + "#interval")
            self.g.add((node, PO.time, interval))
            self.g.add((interval, RDF.type, TL.Interval))
            self.g.add((interval, TL.beginsAtDuration, _duration(r.start)))
            self.g.add((interval, TL.endsAtDuration, _duration(r.end)))
        if r.note:
            self.g.add((node, CG.note, Literal(r.note)))
        if r.scene:
            scene = self.m.scene(r.work, r.episode, r.scene)
            self.g.add((node, CG.scene, scene))
            self._scenes.setdefault(scene, []).append((episode, r.scene, r.start, r.end, r.source))
        self._source(node, r.source)
        for credit in r.credits:
            self._credit(credit)

    def _finish_scenes(self) -> None:
        for scene, parts in self._scenes.items():
            episode, name = parts[0][0], parts[0][1]
            self.g.add((scene, RDF.type, CG.Scene))
            self.g.add((scene, RDF.type, SDO.Clip))
            self.g.add((scene, SDO.name, Literal(name)))
            self.g.add((scene, CG.episode, episode))
            self.g.add((scene, SDO.partOfEpisode, episode))
            starts = [p[2] for p in parts if p[2] is not None]
            ends = [p[3] for p in parts if p[3] is not None]
            if starts and ends:
                lo, hi = min(starts), max(ends)
                self.g.add((scene, SDO.startOffset, Literal(Decimal(lo), datatype=XSD.decimal)))
                self.g.add((scene, SDO.endOffset, Literal(Decimal(hi), datatype=XSD.decimal)))
                self.g.add((scene, CG.mediaFragment, Literal(media_fragment(lo, hi))))
            for p in parts:
                self._source(scene, p[4])
        self._scenes.clear()
