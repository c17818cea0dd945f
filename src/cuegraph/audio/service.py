"""What the CLI and the API call: detect cues in an episode file, identify a clip."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from cuegraph.audio.cues import DetectedRow, recording_titles
from cuegraph.audio.fingerprint import FRAME_SECONDS, fingerprint_file
from cuegraph.audio.index import FingerprintIndex, sha256_file
from cuegraph.errors import BadInput
from cuegraph.queries import render, terms
from cuegraph.store import Store

__all__ = [
    "load_reference",
    "detect_file",
    "match_clip",
    "IDENTIFY_Z",
    "rank_clip",
    "rank_landmarks",
    "MAX_CLIP_SECONDS",
]

#: a clip's best alignment must stand this many standard deviations above the clip's scores
#: at every alignment of every recording ...
IDENTIFY_Z = 5.0
#: ... and this many above the best alignment of any other recording
IDENTIFY_MARGIN = 1.0
MAX_CLIP_SECONDS = 30.0
MIN_CLIP_SECONDS = 3.0


def load_reference(index_dir: Path):
    """The index as a :class:`~cuegraph.audio.match.Reference`, with its landmark hashes
    as ``ref.landmarks`` (a :class:`~cuegraph.audio.landmarks.LandmarkIndex`).

    Raises:
        BadInput: the index is empty (with how to fill it).
    """
    from cuegraph.audio import require

    require("fpcalc", "numpy")
    from cuegraph.audio.landmarks import LandmarkIndex
    from cuegraph.audio.match import Reference

    index = FingerprintIndex(index_dir)
    items = index.load()
    if not items:
        raise BadInput(
            f"the recording index at {index_dir} is empty: run "
            "`cuegraph tracks index DIR` on the soundtrack files first"
        )
    ref = Reference(items)
    ref.landmarks = LandmarkIndex(index.load_landmarks())
    return ref


def rank_landmarks(
    clip: Path, ref, max_seconds: float = MAX_CLIP_SECONDS
) -> tuple[list[tuple[str, float, float, float, float]], bool] | None:
    """The recordings a clip matches by landmark hashes, best first, as (recording IRI,
    score, seconds into the recording, z, confidence), and whether every indexed recording
    has landmarks (so that no match is a final answer). None when the clip or the index
    has no landmarks (SoX missing, or a format SoX cannot decode)."""
    from cuegraph.audio import MissingTool
    from cuegraph.audio.landmarks import landmarks_of

    lm = getattr(ref, "landmarks", None)
    if lm is None or not len(lm):
        return None
    try:
        qh, qt = landmarks_of(clip, max_seconds)
    except (MissingTool, ValueError):
        return None
    out = [(lm.keys[m.rec], m.score, m.seconds, float(m.z), m.confidence) for m in lm.rank(qh, qt)]
    return out, set(lm.keys) >= set(ref.keys)


def detect_file(
    store: Store,
    index_dir: Path,
    episode_file: Path,
    work: str,
    episode: int,
    usage: str = "score",
    ref=None,
) -> tuple[list[DetectedRow], dict]:
    """Detect cues of the indexed recordings in ``episode_file``.

    Returns the rows (for the CSV or an import) and run facts (duration, seconds taken,
    speed as a multiple of real time, the file's SHA-256).
    """
    from cuegraph.audio.detect import METHOD, detect

    if episode < 1:
        raise BadInput(f"episode {episode} is not a positive whole number")
    t0 = time.monotonic()
    ref = ref if ref is not None else load_reference(index_dir)
    fp = fingerprint_file(episode_file)
    cues = detect(fp.values, ref)
    titles = recording_titles(store, sorted({ref.keys[c.rec] for c in cues}))
    digest = sha256_file(episode_file)
    rows = [
        DetectedRow(
            work=work,
            episode=episode,
            start=Decimal(f"{c.start:.2f}"),
            end=Decimal(f"{c.end:.2f}"),
            title=titles.get(ref.keys[c.rec], ""),
            usage=usage,
            recording=ref.keys[c.rec],
            confidence=c.confidence,
            method=METHOD,
            source=Path(episode_file).name,
            recording_start=Decimal(f"{c.rec_start:.2f}"),
            episode_sha256=digest,
        )
        for c in cues
    ]
    took = time.monotonic() - t0
    return rows, {
        "duration": fp.duration,
        "seconds": took,
        "realtime": fp.duration / took if took else None,
        "sha256": digest,
        "recordings": len(ref),
    }


def _uses(store: Store, recordings: list[str]) -> dict[str, list[dict]]:
    if not recordings:
        return {}
    values = terms(recordings)
    rows = store.select(render("recording_uses", recordings=values))
    out: dict[str, list[dict]] = {}
    seen = set()
    for r in rows:
        if (r["r"], r["cue"]) in seen:
            continue
        seen.add((r["r"], r["cue"]))
        out.setdefault(r["r"], []).append(
            {
                "work": r["work"],
                "work_title": r.get("title"),
                "episode": r["ep"],
                "start": r.get("start"),
                "end": r.get("end"),
                "cue": r["cue"],
                "detected": bool(r.get("detected")),
            }
        )
    return out


def rank_clip(
    values, ref, min_z: float = IDENTIFY_Z, margin: float = IDENTIFY_MARGIN
) -> list[tuple[int, float, int, float]]:
    """The recordings a clip matches, best first: (recording number, score, frame, z).

    The whole clip is one window; each recording's best alignment is taken. The best one is
    an answer when its z reaches ``min_z`` and beats every other recording's by ``margin``;
    further recordings are listed when they pass the same tests against the next one.
    """
    from cuegraph.audio.match import to_signs, window_scores

    q = to_signs(values)
    width = (len(q) // 8) * 8
    best: dict[int, tuple[float, int, float]] = {}
    if width >= 8:
        for hits in window_scores(q, ref, width, 8, top=400):
            for h in hits:
                if h.z > best.get(h.rec, (0.0, 0, -1e9))[2]:
                    best[h.rec] = (h.score, h.rec_frame, h.z)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][2])
    out = []
    for i, (rec, (score, frame, z)) in enumerate(ranked):
        nxt = ranked[i + 1][1][2] if i + 1 < len(ranked) else 0.0
        if z < min_z or z - nxt < margin:
            break
        out.append((rec, score, frame, z))
    return out


def match_clip(
    store: Store,
    index_dir: Path,
    clip: Path,
    max_seconds: float = MAX_CLIP_SECONDS,
    ref=None,
    top: int = 3,
) -> dict:
    """Which indexed recording a clip (3–``max_seconds`` s) comes from, with where the
    graph knows it is used. Each match names its recording by IRI and title; the edges
    add its id and credits (:func:`cuegraph.api.data.identify.identify_file`).

    Raises:
        NotAudio (415): empty or not decodable audio. BadInput (400): too short or too long.
    """
    from cuegraph.audio.detect import confidence

    fp = fingerprint_file(clip, max_seconds=max_seconds + 1)
    if fp.duration > max_seconds + 0.5:
        raise BadInput(
            f"the clip is {fp.duration:.1f} s long; at most {max_seconds:.0f} s",
            {"duration": round(fp.duration, 2), "max_seconds": max_seconds},
        )
    if fp.duration < MIN_CLIP_SECONDS:
        raise BadInput(
            f"the clip is {fp.duration:.1f} s long; at least {MIN_CLIP_SECONDS:.0f} s are needed",
            {"duration": round(fp.duration, 2)},
        )
    ref = ref if ref is not None else load_reference(index_dir)
    # landmark hashes first (far better on short noisy clips); Chromaprint alignment when
    # the clip or some recordings have none, e.g. without SoX or for a format it cannot read
    method = "landmarks"
    found = rank_landmarks(clip, ref, max_seconds + 1)
    if found is not None and (found[0] or found[1]):
        matches = found[0][:top]
    else:
        method = "chromaprint-ber"
        matches = [
            (ref.keys[rec], score, frame * FRAME_SECONDS, z, confidence(score))
            for rec, score, frame, z in rank_clip(fp.values, ref)[:top]
        ]
    iris = [m[0] for m in matches]
    titles = recording_titles(store, iris)
    uses = _uses(store, iris)
    out = [
        {
            "recording": {"iri": iri, "title": titles.get(iri)},
            "score": round(score, 3),
            "z": round(z, 1),
            "confidence": conf,
            "at_seconds": round(seconds, 1),
            "used_in": uses.get(iri, []),
        }
        for iri, score, seconds, z, conf in matches
    ]
    return {
        "duration": round(fp.duration, 2),
        "recordings_indexed": len(ref),
        "method": method,
        "matches": out,
        "status": "match" if out else "no_match",
    }
