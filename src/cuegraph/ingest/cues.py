"""Timed cues from sound and subtitles -> their own named graphs.

* :func:`import_detected` — cues detected in an episode's audio
  (``cuegraph cues detect --import``, ``cues import``), graph ``detected/<key>``, with the
  method, its parameters and the input files' SHA-256 as PROV-O
  (:func:`cuegraph.audio.cues.detected_graph`);
* :func:`import_subtitles` — opening, ending and insert-song cues derived from a subtitle
  file's song lines (:mod:`cuegraph.subtitles`), graph ``subtitles/<key>``, citing the file.

Both resolve the work against the store, build the graph and replace their graph in one
atomic write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from rdflib import Literal, URIRef

from cuegraph.audio.cues import (
    DETECTED,
    METHOD,
    SHA256,
    DetectedRow,
    detected_graph,
    recording_titles,
)
from cuegraph.errors import BadInput
from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter, slug
from cuegraph.graph.write import RunSummary, write_graph
from cuegraph.ingest.resolve import name_resolver
from cuegraph.names import fold
from cuegraph.namespaces import PROV, RDF, SDO
from cuegraph.queries import iri, render, terms
from cuegraph.records import Cue, Song
from cuegraph.store import Store
from cuegraph.subtitles import CAVEAT, DerivedCue, derive_cues, read_subtitles
from cuegraph.timecode import format_timecode, parse_timecode

__all__ = ["import_detected", "import_subtitles"]


def import_detected(
    store: Store,
    minter: Minter,
    rows: list[DetectedRow],
    *,
    key: str | None = None,
    parameters: dict | None = None,
    inputs: Sequence[tuple[str, str]] = (),
) -> RunSummary:
    """Write detected cues into ``graph/detected/<key>`` (replacing it) with PROV-O.

    Raises:
        BadInput: no rows, rows for several works, an unknown work, or a recording that is
            not in the graph.
    """
    if not rows:
        raise BadInput("no cues to import")
    works = {r.work for r in rows}
    if len(works) > 1:
        raise BadInput(
            f"cues of several works ({', '.join(sorted(works))}); import one work at a time"
        )
    work_ref = rows[0].work
    work_key = name_resolver(store, minter, "work")(work_ref)
    if work_key is None:
        raise BadInput(f"unknown work {work_ref!r}: import or build the work first")
    known = recording_titles(store, sorted({r.recording for r in rows}))
    unknown = sorted({r.recording for r in rows} - set(known))
    if unknown:
        raise BadInput(f"recording(s) not in the graph: {', '.join(unknown)}")
    episodes = sorted({r.episode for r in rows})
    key = key or slug(f"{work_key}-{'-'.join(map(str, episodes))}")
    graph_iri = str(minter.graph("detected", key))
    used = list(dict.fromkeys([*(n for n, _ in inputs), *(r.source for r in rows)]))
    digests = {n: d for n, d in inputs}
    for r in rows:
        if r.episode_sha256:
            digests.setdefault(r.source, r.episode_sha256)
    songs = {
        r["r"]: r["s"]
        for r in store.select(render("recording_songs", recordings=terms(sorted(known))))
    }
    data = detected_graph(
        minter,
        graph_iri,
        work_key,
        rows,
        parameters or {},
        [(n, digests.get(n, "")) for n in used],
        songs,
    )
    return write_graph(
        store,
        minter,
        "detected",
        key,
        data,
        license="cc0",
        used=used,
        label=f"cues detected from audio: {work_ref} episode(s) {', '.join(map(str, episodes))}",
        record_count=len(rows),
    )


def import_subtitles(
    store: Store,
    minter: Minter,
    path: Path,
    work: str,
    episode: int,
    *,
    titles: dict[str, str],
    style: str | None = None,
    usage: str = "insert",
    key: str | None = None,
) -> tuple[RunSummary, list[DerivedCue]]:
    """Derive the cues and write them into ``graph/subtitles/<key>``.

    ``titles`` maps a usage (``opening``, ``ending``, ``insert``) or a cue's start time (within
    1 s) to the song's title: the file does not say which song it is, so every derived cue
    needs one.

    Raises:
        BadInput: unreadable file, no song lines, an unknown work, a cue without a title.
    """
    if episode < 1:
        raise BadInput(f"episode {episode} is not a positive whole number")
    if usage not in ("opening", "ending", "insert"):
        raise BadInput(f"usage {usage!r}: choose opening, ending or insert")
    cues = derive_cues(read_subtitles(path, style, usage))
    name = Path(path).name
    if not cues:
        raise BadInput(
            f"{name}: no song lines found (no OP/ED/Insert/Song style, no "
            "karaoke tags; name the lyrics' style with --style)"
        )

    def title_of(c: DerivedCue) -> str:
        for k, v in titles.items():
            if k == c.usage:
                continue
            try:
                at = parse_timecode(k)
            except ValueError:
                continue
            if abs(at - c.start) <= 1:
                return v
        return titles.get(c.usage, "")

    untitled = [c for c in cues if not title_of(c)]
    if untitled:
        c = untitled[0]
        raise BadInput(
            f"the {c.usage} at {format_timecode(c.start)}-{format_timecode(c.end)} "
            f"has no title: give --title {c.usage}=NAME or --title "
            f"{format_timecode(c.start)}=NAME (the file does not name its songs)",
            {"cues": [u.usage for u in untitled]},
        )
    work_key = name_resolver(store, minter, "work")(work)
    if work_key is None:
        raise BadInput(f"unknown work {work!r}: import or build the work first")
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    source = URIRef(f"urn:sha256:{digest}")
    key = key or slug(f"{work_key}-{episode}-{Path(path).stem}")
    songs = _songs(store, work_key, minter)
    builder = GraphBuilder(minter)
    g = builder.g
    g.add((source, RDF.type, PROV.Entity))
    g.add((source, SDO.name, Literal(name)))
    g.add((source, SHA256, Literal(digest)))
    caveat = CAVEAT.format(name=name)
    for c in cues:
        title = title_of(c)
        song = songs.get(fold(title))
        if song is None:  # a new song of the work, named by the user (as a cue sheet does)
            song = slug(title)
            builder.add(Song(key=song, title=title, work=work_key))
            g.add((minter.song(song), PROV.wasDerivedFrom, source))
        builder.add(
            Cue(
                work=work_key,
                episode=episode,
                usage=c.usage,
                start=c.start,
                end=c.end,
                song=song,
                title=title,
                note=caveat,
            )
        )
        node = minter.cue(work_key, episode, c.usage, c.start, c.end, song)
        g.add((node, PROV.wasDerivedFrom, source))
        g.add((node, DETECTED, Literal(True)))
        g.add(
            (
                node,
                METHOD,
                Literal(f"subtitles ({c.how}: {', '.join(c.styles) or 'no style'})"),
            )
        )
    summary = write_graph(
        store,
        minter,
        "subtitles",
        key,
        g,
        license="cc0",
        used=[name],
        label=f"cues from subtitles {name}",
        record_count=len(cues),
    )
    return summary, cues


def _songs(store: Store, work_key: str, minter: Minter) -> dict[str, str]:
    """{normalised title: song key} of the work's songs (exactly one per title)."""
    base = str(minter.song(""))
    rows = store.select(render("work_song_titles", work=iri(str(minter.work(work_key)))))
    seen: dict[str, set[str]] = {}
    for r in rows:
        if r["s"].startswith(base):
            seen.setdefault(fold(r["n"]), set()).add(r["s"][len(base) :])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
