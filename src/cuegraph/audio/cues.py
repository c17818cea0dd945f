"""Detected cues: the review CSV and the graph of an import
(:func:`cuegraph.ingest.cues.import_detected` writes it).

The CSV is cuegraph's cue-sheet layout (``work, episode, start, end, title, usage, credits,
source`` + ``notes``) with the detection's own columns after it: ``recording`` (IRI),
``confidence`` (0..1), ``method``, ``recording_start`` (where in the recording the excerpt
starts) and ``episode_sha256``. ``source`` names the episode file the times were measured
in — the times are relative to that file. ``credits`` is left empty: the recording's credits
are already in the graph. A person reviews it (deletes wrong rows, fixes times), then
``cuegraph cues import FILE.csv`` writes it.

Imported cues go into their own named graph ``graph/detected/<key>`` (default key:
``<work>-<episode>``), so they never mix with curated cue sheets and are replaced as a whole.
Each cue is a normal ``cg:MusicCue`` plus ``cg:detected true``, ``cg:confidence``,
``cg:detectionMethod`` and ``prov:wasGeneratedBy`` a ``prov:Activity`` node that records the
method, its parameters (JSON), and the input files used — names and SHA-256 hashes, never the
audio itself.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from cuegraph.csvguard import guarded_writer, unguard_cell
from cuegraph.errors import BadInput
from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.namespaces import CG_NS, PO, PROV, RDF, RDFS, SDO, XSD
from cuegraph.queries import render, terms
from cuegraph.records import Cue
from cuegraph.store import Store
from cuegraph.timecode import format_timecode, parse_timecode

__all__ = [
    "DetectedRow",
    "CSV_COLUMNS",
    "write_csv",
    "read_csv",
    "detected_graph",
    "recording_titles",
]

CSV_COLUMNS = (
    "work",
    "episode",
    "start",
    "end",
    "title",
    "usage",
    "credits",
    "source",
    "notes",
    "recording",
    "confidence",
    "method",
    "recording_start",
    "episode_sha256",
)
USAGES = ("score", "insert", "opening", "ending")

DETECTED = URIRef(CG_NS + "detected")
CONFIDENCE = URIRef(CG_NS + "confidence")
METHOD = URIRef(CG_NS + "detectionMethod")
PARAMETERS = URIRef(CG_NS + "detectionParameters")
SHA256 = URIRef(CG_NS + "sha256")
DETECTION = URIRef(CG_NS + "CueDetection")


@dataclass(frozen=True)
class DetectedRow:
    work: str
    episode: int
    start: Decimal
    end: Decimal
    title: str
    usage: str
    recording: str
    confidence: float
    method: str
    source: str  # the episode file name
    recording_start: Decimal | None = None
    episode_sha256: str = ""
    notes: str = ""


def recording_titles(store: Store, iris: list[str]) -> dict[str, str]:
    """{recording IRI: its name} for the given recordings."""
    if not iris:
        return {}
    values = terms(iris)
    rows = store.select(render("recording_titles", recordings=values))
    return {r["r"]: r["n"] for r in rows}


def write_csv(path: Path, rows: list[DetectedRow]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = guarded_writer(fh)  # a title like "=HYPERLINK(…)" is text in a spreadsheet
        w.writerow(CSV_COLUMNS)
        for r in rows:
            w.writerow(
                [
                    r.work,
                    r.episode,
                    format_timecode(r.start),
                    format_timecode(r.end),
                    r.title,
                    r.usage,
                    "",
                    r.source,
                    r.notes,
                    r.recording,
                    f"{r.confidence:.3f}",
                    r.method,
                    "" if r.recording_start is None else format_timecode(r.recording_start),
                    r.episode_sha256,
                ]
            )


def read_csv(path: Path) -> list[DetectedRow]:
    """Read a (reviewed) detected-cue CSV.

    Raises:
        BadInput: missing file or columns, or a bad row (with its line number); nothing is
            imported then.
    """
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = [
                {k: unguard_cell(v) if isinstance(v, str) else v for k, v in r.items()}
                for r in reader
            ]
            header = reader.fieldnames or []
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"cannot read {path}: {e}") from None
    missing = [
        c
        for c in (
            "work",
            "episode",
            "start",
            "end",
            "title",
            "usage",
            "source",
            "recording",
            "confidence",
            "method",
        )
        if c not in header
    ]
    if missing:
        raise BadInput(
            f"{path}: missing column(s) {', '.join(missing)} (write it with `cuegraph cues detect`)"
        )
    out = []
    for line, r in enumerate(rows, start=2):
        try:
            start, end = parse_timecode(r["start"]), parse_timecode(r["end"])
            if end <= start:
                raise ValueError(f"end {r['end']} is not after start {r['start']}")
            episode = int(r["episode"])
            if episode < 1:
                raise ValueError(f"episode {r['episode']!r} is not a positive whole number")
            usage = r["usage"].strip().lower()
            if usage not in USAGES:
                raise ValueError(f"usage {r['usage']!r} is not one of {', '.join(USAGES)}")
            conf = float(r["confidence"])
            if not 0 <= conf <= 1:
                raise ValueError(f"confidence {r['confidence']!r} is not between 0 and 1")
            rec = r["recording"].strip()
            if not rec.startswith(("http://", "https://", "urn:")):
                raise ValueError(f"recording {rec!r} is not an IRI")
            if not r["method"].strip():
                raise ValueError("missing method")
            rs = (r.get("recording_start") or "").strip()
            out.append(
                DetectedRow(
                    r["work"].strip(),
                    episode,
                    start,
                    end,
                    r["title"].strip(),
                    usage,
                    rec,
                    conf,
                    r["method"].strip(),
                    r["source"].strip(),
                    parse_timecode(rs) if rs else None,
                    (r.get("episode_sha256") or "").strip(),
                    (r.get("notes") or "").strip(),
                )
            )
        except (ValueError, KeyError) as e:
            raise BadInput(f"{path} line {line}: {e}; nothing imported") from None
    return out


def detected_graph(
    minter: Minter,
    graph_iri: str,
    work_key: str,
    rows: list[DetectedRow],
    parameters: dict,
    inputs: list[tuple[str, str]],
    songs: dict[str, str] | None = None,
) -> Graph:
    """The RDF of detected cues: plain cues (via :class:`GraphBuilder`) plus the detection
    labels and a ``prov:Activity`` with method, parameters and input files + hashes."""
    builder = GraphBuilder(minter)
    g = builder.g
    activity = URIRef(graph_iri + "#detection")
    methods = sorted({r.method for r in rows}) or ["chromaprint-ber"]
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDF.type, DETECTION))
    g.add((activity, RDFS.label, Literal("cue detection from audio")))
    for m in methods:
        g.add((activity, METHOD, Literal(m)))
    g.add((activity, PARAMETERS, Literal(json.dumps(parameters, sort_keys=True))))
    entities: dict[str, URIRef] = {}
    for i, (name, digest) in enumerate(inputs):
        ent = URIRef(f"{graph_iri}#input-{i + 1}")
        entities[name] = ent
        g.add((ent, RDF.type, PROV.Entity))
        g.add((ent, SDO.name, Literal(name)))
        if digest:
            g.add((ent, SHA256, Literal(digest)))
        g.add((activity, PROV.used, ent))
    for r in rows:
        before = set(g.subjects(RDF.type, URIRef(CG_NS + "Cue")))
        builder.add(
            Cue(
                work=work_key,
                episode=r.episode,
                usage=r.usage,
                start=r.start,
                end=r.end,
                title=r.title or None,
                note=r.notes
                or f"times are relative to the episode file {r.source}"
                + (f" (sha256 {r.episode_sha256})" if r.episode_sha256 else ""),
            )
        )
        (cue,) = set(g.subjects(RDF.type, URIRef(CG_NS + "Cue"))) - before
        rec = URIRef(r.recording)
        g.add((cue, URIRef(CG_NS + "recording"), rec))
        g.add((cue, PO.track, rec))
        if songs and songs.get(r.recording):
            g.add((cue, URIRef(CG_NS + "song"), URIRef(songs[r.recording])))
        if r.source in entities:  # the episode file the times were measured in
            g.add((cue, PROV.wasDerivedFrom, entities[r.source]))
        g.add((cue, DETECTED, Literal(True)))
        g.add((cue, CONFIDENCE, Literal(Decimal(f"{r.confidence:.3f}"), datatype=XSD.decimal)))
        g.add((cue, METHOD, Literal(r.method)))
        g.add((cue, PROV.wasGeneratedBy, activity))
    return g
